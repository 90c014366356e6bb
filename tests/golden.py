"""The golden cases (tests/cases/<benefit>.yaml) and how a result is checked against one: shared by
the CPython, Pyodide, calculator-page and offline tests, so every runtime is held to the same cases."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from conftest import seeds_folder

CASES_DIR = Path(__file__).resolve().parent / "cases"
# Keys of `expect` that are not plain result fields.
SPECIAL_KEYS = {"missing", "figures_from", "layers"}


@functools.cache
def ensure_packaged_data() -> Path:
    """calculator/data/ (core.json, regions/<id>.json) compiled from policy_data/, as the build does (once per run).

    The command line and the public API read the packaged file; on a clean clone it does not
    exist until the build (or this) writes it.
    """
    from scripts.package_calculator import compile_data

    return compile_data(seeds_dir=seeds_folder())


@dataclass(frozen=True)
class GoldenCase:
    file: str
    benefit: str
    id: str
    rule: str
    source: str
    region: str
    household: dict[str, Any]
    expect: dict[str, Any]


def load_cases(folder: Path = CASES_DIR) -> list[GoldenCase]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in document["cases"]:
            cases.append(
                GoldenCase(
                    file=path.name,
                    benefit=document["benefit"],
                    id=raw["id"],
                    rule=raw["rule"],
                    source=raw["source"],
                    region=raw["region"],
                    household=raw["household"],
                    expect=raw["expect"],
                )
            )
    return cases


CASES = load_cases()


def request_for(case: GoldenCase) -> dict[str, Any]:
    """The calculate_json request a case makes (one region; all the household's benefits)."""
    return {"household": case.household, "regions": [case.region]}


def same(actual: object, expected: object) -> bool:
    """Equality that does not let True pass for 1 or False for 0."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return actual == expected


def _used_figures(result: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for step in result["steps"]:
        yield from step["parameters"]


def check_result(case: GoldenCase, response: Mapping[str, Any]) -> list[str]:
    """Every way the response differs from the case's expectation (empty when it matches)."""
    if "errors" in response:
        return [f"errors instead of results: {response['errors']}"]
    result = response["results"][case.region][case.benefit]
    problems = []
    for key, expected in case.expect.items():
        if key in SPECIAL_KEYS:
            continue
        actual = result.get(key, "<absent>")
        if isinstance(expected, dict) and isinstance(actual, dict):
            for inner, value in expected.items():
                if not same(actual.get(inner, "<absent>"), value):
                    problems.append(f"{key}.{inner}: expected {value!r}, got {actual.get(inner, '<absent>')!r}")
        elif not same(actual, expected):
            problems.append(f"{key}: expected {expected!r}, got {actual!r}")
    if "missing" in case.expect:
        actual_missing = sorted(item["parameter"] for item in result["missing"])
        if actual_missing != sorted(case.expect["missing"]):
            problems.append(f"missing: expected {sorted(case.expect['missing'])}, got {actual_missing}")
    for layer_id, expected in case.expect.get("layers", {}).items():
        layers = {layer["id"]: layer["amount"] for layer in result["layers"]}
        if not same(layers.get(layer_id, "<absent>"), expected):
            problems.append(f"layer {layer_id}: expected {expected!r}, got {layers.get(layer_id, '<absent>')!r}")
    used = {use["id"]: use for use in _used_figures(result)}
    for parameter_id, region in case.expect.get("figures_from", {}).items():
        use = used.get(parameter_id)
        if use is None:
            problems.append(f"{parameter_id} not used in any step")
        elif use["region"] != region or use["reference"] is None:
            problems.append(f"{parameter_id}: expected from {region}'s data, came from {use['region']}")
    return problems
