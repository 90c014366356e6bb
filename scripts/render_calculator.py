"""The 估算待遇 page: its form comes from the calculator's own field definitions, so it shows at
once, before Python has loaded; the page's script then runs the same calculator in Pyodide.

Everything the script needs (fields, presets with their results computed here in CPython, links
to the rows and documents each figure comes from, where the runtime files and each region's data
are) is written into the page as one JSON block, so nothing is guessed from page depth at run time.
The block grows with the regions by their index only (id, name, level, parent): what is said per
region (how to apply, its figures) comes in its data shard, through Python's answers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from calculator.api import calculate_with, field_definitions
from calculator.data import SHARD_FOLDER, PolicyTable
from calculator.fields import default_calculation_date
from calculator.presets import PRESETS
from calculator.vocabulary import REGION_LEVELS, format_date
from scripts.embed_runtime import (
    CORE_FILE,
    DATA_GLOBAL,
    DATA_SCRIPT_FOLDER,
    EMBEDDED_SCRIPT_FOLDER,
    RUNTIME_FILES,
    runtime_sources,
    write_embedded_data,
)
from scripts.policy_schema import APPLY_KINDS
from scripts.python_runtime import SNAPSHOT_NAME
from scripts.render_pages import (
    MAX_CHOSEN_REGIONS,
    TOPIC_COLUMNS_INLINE_UP_TO,
    html_path,
    region_page,
    source_page,
    topic_page,
)
from scripts.service_worker import SERVICE_WORKER
from scripts.templating import markdown_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
MKDOCS_YML = Path(__file__).resolve().parent.parent / "mkdocs.yml"
PAGE = "calculator.md"
# Each region's shard of the calculator's data, fetched over http (file:// reads vendor/offline/data/).
DATA_FOLDER = "vendor/calculator-data"
# How long the page waits without any progress (bytes arriving, a start-up stage reached) before it
# says Python cannot start: a wasm file served with the wrong type can make loadPyodide() hang
# without an error. Counted from the last progress, so a slow connection is not cut off.
START_TIMEOUT_SECONDS = 60


def json_for_script_tag(payload: object) -> str:
    """JSON that cannot close its <script> element or open a comment, whatever the data holds."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def parameter_links(compiled: dict[str, Any]) -> dict[str, str]:
    """Parameter id → its row on its topic page (the row anchor is the id itself)."""
    links: dict[str, str] = {}
    for parameters in compiled["parameters"].values():
        for parameter_id, parameter in parameters.items():
            links.setdefault(parameter_id, f"{html_path(topic_page(parameter['topic']))}#{parameter_id}")
    return links


def data_dates(table: PolicyTable, compiled: dict[str, Any]) -> dict[str, str]:
    """How recent the data is, for the page and the printed handout."""
    newest_rule = default_calculation_date(table).isoformat()
    newest_document = max(str(document["issued"]) for document in compiled["documents"].values())
    return {
        "newest_rule": newest_rule,
        "newest_rule_text": format_date(newest_rule),
        "newest_document": newest_document,
        "newest_document_text": format_date(newest_document),
    }


def public_site_url(mkdocs_yml: Path = MKDOCS_YML) -> str | None:
    """The site's public address (mkdocs `site_url`, e.g. https://example.org/shebao/), or None.

    A copy opened from disk offers links and QR codes to this address instead of its file:/// one."""
    import yaml
    from mkdocs.utils import get_yaml_loader

    with mkdocs_yml.open(encoding="utf-8") as stream:
        settings = yaml.load(stream, Loader=get_yaml_loader())  # mkdocs' own loader: !ENV and python tags
    url = settings.get("site_url") if isinstance(settings, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    return url if url.endswith("/") else url + "/"


def versioned_url(relative: str, path: Path) -> str:
    """The file's URL with its content hash in the query: a cached copy of it never goes stale."""
    return f"{relative}?v={hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"


def write_site_data(packaged: dict[str, Path], docs_dir: Path) -> dict[str, Any]:
    """The calculator's data where the page finds it: the core and each region's shard under
    vendor/calculator-data/ (http) and each shard as a script under vendor/offline/data/ (file://).
    Returns what the page needs to ask for a shard: the folders and one version for all shards (a
    hash of them all, so the page does not carry one per region)."""
    target = docs_dir / DATA_FOLDER
    if target.is_dir():
        shutil.rmtree(target)
    (target / SHARD_FOLDER).mkdir(parents=True)
    shards = {region_id: path for region_id, path in packaged.items() if region_id != "core"}
    for region_id, path in shards.items():
        shutil.copyfile(path, target / SHARD_FOLDER / f"{region_id}.json")
    shutil.copyfile(packaged["core"], target / "core.json")
    write_embedded_data(shards, docs_dir)
    return site_data_config(docs_dir)


def site_data_config(docs_dir: Path) -> dict[str, Any]:
    """What the page needs to ask for the data written by write_site_data (see there)."""
    digest = hashlib.sha256()
    for path in sorted((docs_dir / DATA_FOLDER / SHARD_FOLDER).glob("*.json")):
        digest.update(path.stem.encode() + b"\0" + path.read_bytes())
    return {
        "core": CORE_FILE,
        "shards": f"{DATA_FOLDER}/{SHARD_FOLDER}/",
        "version": digest.hexdigest()[:16],
        "embedded": f"{DATA_SCRIPT_FOLDER}/",
        "global": DATA_GLOBAL,
    }


def runtime_config(pyodide_dir: Path, runtime_dir: Path, wheel: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Where the worker finds each runtime file over http (the site root's relative URLs), and sizes."""
    docs = pyodide_dir.parent.parent
    sources = runtime_sources(pyodide_dir, runtime_dir)
    sources[CORE_FILE] = docs / DATA_FOLDER / "core.json"
    files = {
        name: {"url": versioned_url(path.relative_to(docs).as_posix(), path), "size": path.stat().st_size}
        for name, path in sources.items()
    }
    return {
        "pyodide": "vendor/pyodide/",
        "files": {name: entry for name, entry in files.items() if name != SNAPSHOT_NAME},
        "snapshot": files[SNAPSHOT_NAME],
        "wheel": {
            "url": versioned_url(f"vendor/calculator/{wheel.name}", wheel),
            "name": wheel.name,
            "size": wheel.stat().st_size,
        },
        "embedded": [f"{EMBEDDED_SCRIPT_FOLDER}/{name}.js" for name in [*RUNTIME_FILES, wheel.name, CORE_FILE]],
        "data": data,
        "timeout_seconds": START_TIMEOUT_SECONDS,
        "service_worker": SERVICE_WORKER,
    }


def computed_by_default(compiled: dict[str, Any]) -> list[str]:
    """The regions the page computes before the reader chooses any: every region while they are
    few (as many as a topic page shows at once), else those at the top of the hierarchy (national)."""
    regions = compiled["regions"]
    if len(regions) <= TOPIC_COLUMNS_INLINE_UP_TO:
        return list(regions)
    return [region_id for region_id, info in regions.items() if not info.get("ancestors")]


def page_config(compiled: dict[str, Any], *, runtime: dict[str, Any], public_url: str | None = None) -> dict[str, Any]:
    table = PolicyTable(compiled)
    definitions = field_definitions(table)
    default_regions = computed_by_default(compiled)
    presets = [
        {
            "id": preset.id,
            "label": preset.label,
            "description": preset.description,
            "household": preset.household,
            # What the page shows when Python cannot run: the regions it computes by default.
            "result": calculate_with(table, preset.household, default_regions),
        }
        for preset in PRESETS
    ]
    for preset in presets:
        if "errors" in preset["result"]:
            raise ValueError(f"preset {preset['id']} is not a valid household: {preset['result']['errors']}")
    # The statements on how to apply are the same for every preset (they depend on the regions
    # only): written once, and put back into a preset's answer by the page.
    preset_applying: dict[str, Any] = {}
    for preset in presets:
        preset_applying.update(preset["result"].pop("applying"))
    levels = {level: index for index, level in enumerate(REGION_LEVELS)}
    return {
        "fields": definitions["fields"],
        "groups": definitions["groups"],
        "benefits": definitions["benefits"],
        "presets": presets,
        "preset_applying": preset_applying,
        # The region index: every region, in display order, with its parent (the page loads a
        # region's ancestors with it, and groups the picker by province).
        "regions": [
            {"id": region_id, "name": region["name"], "level": levels[region["level"]], "parent": region["parent"]}
            for region_id, region in compiled["regions"].items()
        ],
        # Computed until the reader chooses: all regions while few; else national, the reader's own
        # region and the regions chosen in the picker (at most `max_compared`).
        "compare": {
            "all_up_to": TOPIC_COLUMNS_INLINE_UP_TO,
            "default": default_regions,
            "max_compared": MAX_CHOSEN_REGIONS,
        },
        "links": {
            "parameters": parameter_links(compiled),
            # A document's or region's page, with {id} for its id (no list that grows with the data).
            "document": html_path(source_page("{id}")),
            "region": html_path(region_page("{id}")),
        },
        "apply_kinds": APPLY_KINDS,
        "public_url": public_url,
        "default_on": default_calculation_date(table).isoformat(),
        "data_dates": data_dates(table, compiled),
        "runtime": runtime,
    }


def render_calculator_page(
    compiled: dict[str, Any],
    docs_dir: Path,
    *,
    wheel: Path,
    pyodide_dir: Path,
    runtime_dir: Path,
    data: dict[str, Any],
) -> Path:
    config = page_config(
        compiled, runtime=runtime_config(pyodide_dir, runtime_dir, wheel, data), public_url=public_site_url()
    )
    env = markdown_environment(TEMPLATES)
    fields_by_group: dict[str, list[dict[str, Any]]] = {}
    for field in config["fields"]:
        fields_by_group.setdefault(field["group"], []).append(field)
    text = env.get_template("calculator.md.j2").render(
        config=config,
        config_json=json_for_script_tag(config),
        fields_by_group=fields_by_group,
    )
    target = docs_dir / PAGE
    target.write_text(text, encoding="utf-8")
    return target
