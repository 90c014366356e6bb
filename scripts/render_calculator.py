"""The 估算待遇 page: its form comes from the calculator's own field definitions, so it shows at
once, before Python has loaded; the page's script then runs the same calculator in Pyodide.

Everything the script needs (fields, presets with their results computed here in CPython, links
to the rows and documents each figure comes from, where the runtime files are) is written into
the page as one JSON block, so nothing is guessed from page depth at run time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from calculator.api import calculate_with, field_definitions
from calculator.data import PolicyTable
from calculator.fields import default_calculation_date
from calculator.presets import PRESETS
from calculator.vocabulary import REGION_LEVELS, format_date
from scripts.embed_runtime import EMBEDDED_SCRIPT_FOLDER, RUNTIME_FILES, runtime_sources
from scripts.policy_schema import APPLY_KINDS
from scripts.python_runtime import SNAPSHOT_NAME
from scripts.render_pages import html_path, source_page, topic_page
from scripts.service_worker import SERVICE_WORKER
from scripts.templating import markdown_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
MKDOCS_YML = Path(__file__).resolve().parent.parent / "mkdocs.yml"
PAGE = "calculator.md"
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


def applying_statements(compiled: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per region, the sourced statements on how to apply, each with its document's title and 文号."""
    documents = compiled["documents"]
    statements: dict[str, list[dict[str, Any]]] = {}
    for region_id, items in compiled.get("applying", {}).items():
        statements[region_id] = [
            {
                "id": item["id"],
                "kind": item["kind"],
                "benefits": item["benefits"],
                "text": item["text"],
                "reference": {
                    "document": item["reference"]["document"],
                    "title": documents[item["reference"]["document"]]["title"],
                    "number": documents[item["reference"]["document"]].get("number"),
                    "section": item["reference"]["section"],
                },
            }
            for item in items
        ]
    return statements


def versioned_url(relative: str, path: Path) -> str:
    """The file's URL with its content hash in the query: a cached copy of it never goes stale."""
    return f"{relative}?v={hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"


def runtime_config(pyodide_dir: Path, runtime_dir: Path, wheel: Path) -> dict[str, Any]:
    """Where the worker finds each runtime file over http (the site root's relative URLs), and sizes."""
    docs = pyodide_dir.parent.parent
    files = {
        name: {"url": versioned_url(path.relative_to(docs).as_posix(), path), "size": path.stat().st_size}
        for name, path in runtime_sources(pyodide_dir, runtime_dir).items()
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
        "embedded": [f"{EMBEDDED_SCRIPT_FOLDER}/{name}.js" for name in [*RUNTIME_FILES, wheel.name]],
        "timeout_seconds": START_TIMEOUT_SECONDS,
        "service_worker": SERVICE_WORKER,
    }


def page_config(compiled: dict[str, Any], *, runtime: dict[str, Any], public_url: str | None = None) -> dict[str, Any]:
    table = PolicyTable(compiled)
    definitions = field_definitions(table)
    presets = [
        {
            "id": preset.id,
            "label": preset.label,
            "description": preset.description,
            "household": preset.household,
            "result": calculate_with(table, preset.household),
        }
        for preset in PRESETS
    ]
    for preset in presets:
        if "errors" in preset["result"]:
            raise ValueError(f"preset {preset['id']} is not a valid household: {preset['result']['errors']}")
    levels = {level: index for index, level in enumerate(REGION_LEVELS)}
    return {
        "fields": definitions["fields"],
        "groups": definitions["groups"],
        "benefits": definitions["benefits"],
        "presets": presets,
        "regions": [
            {"id": region_id, "name": region["name"], "level": levels[region["level"]]}
            for region_id, region in compiled["regions"].items()
        ],
        "links": {
            "parameters": parameter_links(compiled),
            "documents": {doc_id: html_path(source_page(doc_id)) for doc_id in compiled["documents"]},
            "regions": {region_id: f"regions/{region_id}.html" for region_id in compiled["regions"]},
        },
        "applying": applying_statements(compiled),
        "apply_kinds": APPLY_KINDS,
        "public_url": public_url,
        "default_on": default_calculation_date(table).isoformat(),
        "data_dates": data_dates(table, compiled),
        "runtime": runtime,
    }


def render_calculator_page(
    compiled: dict[str, Any], docs_dir: Path, *, wheel: Path, pyodide_dir: Path, runtime_dir: Path
) -> Path:
    config = page_config(
        compiled, runtime=runtime_config(pyodide_dir, runtime_dir, wheel), public_url=public_site_url()
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
