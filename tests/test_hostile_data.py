"""Hostile and broken data files: every one is refused with `file:line field: reason` lines, never a
traceback, a hang or a memory blow-up, and a bad file never changes what its good siblings give."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.data_limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_EVIDENCE_CHARS,
    MAX_FILE_BYTES,
    MAX_INTEGER_DIGITS,
    MAX_NAME_CHARS,
    MAX_NODES,
    MAX_PROSE_CHARS,
)
from scripts.policy_loader import PolicyDataError, compile_policy_data, load_file, load_policy_data

ROOT = Path(__file__).resolve().parent.parent
TARGET = "fenghua.yaml"
GOOD = {name: (ROOT / "policy_data" / name).read_text(encoding="utf-8") for name in (TARGET, "catalog.yaml")}
# A problem line: file:line, then either "path: reason" or the reason alone.
PROBLEM_LINE = re.compile(r"^(?P<file>\S+\.yaml):(?P<line>\d+) (?P<rest>.+)$")

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, f"the fixture no longer holds {old!r}"
        return text.replace(old, new, count)

    return mutate


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


def whole(new: str) -> Callable[[str], str]:
    return lambda _text: new


def nested(levels: int) -> str:
    return "region: " + "[" * levels + "1" + "]" * levels + "\n"


@dataclass(frozen=True)
class Mutation:
    id: str
    mutate: Callable[[str], str]
    reason: str  # a regular expression the reason must match
    path: str | None = None  # the path the problem must name, when it names one
    as_bytes: bool = False
    target: str = TARGET  # the file mutated: a region file, or the parameter catalog


NAME = "  name: 奉化区\n"
REFINES = "          refines: pension.resident.basic_pension\n"
CATALOG = "catalog.yaml"
CATALOG_ENTRY = "  pension.resident.basic_pension:\n    label: 城乡居民基础养老金（月标准）\n"
MUTATIONS = [
    # --- unknown keys at every level ------------------------------------------------------------
    Mutation("unknown top-level key", append("extra_section: 1\n"), r"unknown field 'extra_section'"),
    Mutation("unknown key under region", replace(NAME, NAME + "  mayor: 张三\n"), r"unknown field 'mayor'", "region"),
    Mutation(
        "unknown key in a document",
        replace("    kind: news\n", "    kind: news\n    url: http://example.invalid\n"),
        r"unknown field 'url'",
        "documents.fenghua_2018_report",
    ),
    Mutation(
        "unknown key in an item",
        replace(
            "      applies_to: [urban_rural_resident]\n", "      applies_to: [urban_rural_resident]\n      owner: x\n"
        ),
        r"unknown field 'owner'",
    ),
    Mutation(
        "unknown key in a parameter",
        replace(REFINES, REFINES + "          colour: red\n"),
        r"unknown field 'colour'",
    ),
    Mutation(
        "unknown key in a reference",
        replace(
            "                evidence: 基础养老金为190元/月\n",
            "                evidence: 基础养老金为190元/月\n                page: 3\n",
        ),
        r"unknown field 'page'",
    ),
    Mutation("unknown topic", replace("\npolicies:\n", "\npolicies:\n  housing: []\n"), r"unknown topic key 'housing'"),
    Mutation("missing region name", replace(NAME, ""), r"name missing", "region"),
    Mutation(
        "region is a list", replace("region:\n  id: fenghua\n", "region: [1, 2]\nxregion:\n  id: fenghua\n"), r"."
    ),
    Mutation("the file is a list", whole("- 1\n- 2\n"), r"must be a mapping"),
    Mutation("the file is empty", whole(""), r"must be a mapping"),
    # --- numbers ------------------------------------------------------------------------------------
    Mutation(
        "a 5,000-digit integer",
        replace("              value: 190\n", "              value: " + "9" * 5000 + "\n"),
        rf"integer of 5,000 digits; at most {MAX_INTEGER_DIGITS}",
    ),
    Mutation(
        "a 5,000-digit integer as a key",
        append("? " + "9" * 5000 + "\n: 1\n"),
        r"integer of 5,000 digits",
    ),
    Mutation(
        "an explicit !!int of many digits",
        replace("              value: 190\n", "              value: !!int '" + "1" * 40 + "'\n"),
        r"integer of 40 digits",
    ),
    Mutation(
        "an !!int that is not one",
        replace("              value: 190\n", "              value: !!int abc\n"),
        r"cannot be read as int",
    ),
    Mutation(
        "a !!float that is not one",
        replace("              value: 190\n", "              value: !!float abc\n"),
        r"cannot be read as float",
    ),
    Mutation(
        "a !!bool that is not one",
        replace("              value: 190\n", "              value: !!bool maybe\n"),
        r"cannot be read as bool",
    ),
    Mutation(
        "an infinite value", replace("              value: 190\n", "              value: .inf\n"), r"finite number"
    ),
    Mutation("not a number", replace("              value: 190\n", "              value: .nan\n"), r"finite number"),
    # --- structure ------------------------------------------------------------------------------------
    Mutation("700 levels of nesting", whole(nested(700)), rf"nested {MAX_DEPTH + 1} levels deep; at most {MAX_DEPTH}"),
    Mutation("100,000 levels of nesting", whole(nested(100_000)), r"levels deep|nesting depth"),
    Mutation("nested mappings", whole("region:" + " {a:" * 900 + " 1" + "}" * 900 + "\n"), r"levels deep"),
    Mutation("a billion laughs", whole(BILLION_LAUGHS), rf"expands to more than {MAX_NODES:,} entries"),
    Mutation(
        "too many entries without aliases",
        whole("region: [" + "1," * MAX_NODES + "1]\n"),
        rf"has more than {MAX_NODES:,} entries",
    ),
    Mutation(
        "too many aliases",
        whole("a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"),
        rf"more than {MAX_ALIASES} aliases",
    ),
    Mutation(
        "an alias inside what it names",
        whole("region: &r [1, *r]\n"),
        r"alias refers to a mapping or list that contains it",
    ),
    Mutation("a list as a key", append("? [a, b]\n: 1\n"), r"key must be a plain word"),
    Mutation("a mapping as a key", append("? {a: 1}\n: 1\n"), r"key must be a plain word"),
    Mutation("a duplicate key", replace(NAME, NAME + "  name: 奉化\n"), r"duplicate key \(first at line 3\)", "name"),
    Mutation(
        "a Python tag",
        replace("  name: 奉化区\n", "  name: !!python/object/apply:os.system [echo hi]\n"),
        r"tag !!python/object/apply:os.system is not allowed",
    ),
    Mutation(
        "a Python tag on a scalar",
        replace("  name: 奉化区\n", "  name: !!python/name:os.system\n"),
        r"YAML syntax error: could not determine a constructor",
    ),
    Mutation(
        "unclosed bracket",
        replace("  admin_path: [浙江省, 宁波市]\n", "  admin_path: [浙江省, 宁波市\n"),
        r"YAML syntax error",
    ),
    Mutation("a control character", replace("奉化区", "奉化\x07区"), r"YAML syntax error"),
    Mutation("not UTF-8", lambda text: text, r"not UTF-8 text", as_bytes=True),
    # --- sizes ---------------------------------------------------------------------------------------------
    Mutation(
        "a 5 MB summary",
        replace("  summary: 宁波市", "  summary: " + "长" * 5_000_000),
        rf"at most {MAX_FILE_BYTES:,} are allowed",
    ),
    Mutation(
        "a long summary",
        replace("  summary: 宁波市", "  summary: " + "长" * MAX_PROSE_CHARS),
        rf"summary is [\d,]+ characters, at most {MAX_PROSE_CHARS} allowed",
        "region",
    ),
    Mutation(
        "a long region name",
        replace(NAME, "  name: " + "奉" * (MAX_NAME_CHARS + 1) + "\n"),
        rf"name is {MAX_NAME_CHARS + 1} characters, at most {MAX_NAME_CHARS} allowed",
        "region",
    ),
    Mutation(
        "a long evidence",
        replace("evidence: 基础养老金为190元/月", "evidence: " + "基" * 50 + "190"),
        rf"evidence is 53 characters, at most {MAX_EVIDENCE_CHARS} allowed",
    ),
    Mutation(
        "a long unknown value is quoted short",
        replace(REFINES, REFINES + "          unit: " + "x" * 10_000 + "\n"),
        r"unknown unit 'x{20,40}…",
    ),
    Mutation(
        "a long id", replace("    - id: resident_pension_level\n", "    - id: " + "a" * 200 + "\n"), r"at most 100"
    ),
]


def write_corpus(folder: Path, mutation: Mutation) -> Path:
    folder.mkdir()
    for path in (ROOT / "policy_data").glob("*.yaml"):
        if path.name != mutation.target:
            shutil.copyfile(path, folder / path.name)
    target = folder / mutation.target
    text = mutation.mutate(GOOD[mutation.target])
    if mutation.as_bytes:
        target.write_bytes(text.encode("utf-8").replace("奉化区".encode(), b"\xff\xfe", 1))
    else:
        target.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def good_models() -> dict[str, object]:
    """Each good file's validated model, loaded alone."""
    return {
        path.name: load_file(path, path.name)[0].model  # type: ignore[union-attr]
        for path in (ROOT / "policy_data").glob("*.yaml")
        if path.name != CATALOG
    }


def test_there_are_at_least_25_mutations() -> None:
    assert len(MUTATIONS) >= 25
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_a_bad_file_is_refused_with_a_file_line_message_and_its_siblings_load_unchanged(
    mutation: Mutation, tmp_path: Path, good_models: dict[str, object]
) -> None:
    folder = write_corpus(tmp_path / "data", mutation)
    with pytest.raises(PolicyDataError) as refused:
        load_policy_data(folder, None)
    problems = refused.value.problems
    assert problems, mutation.id
    assert len(problems) <= 5, [str(p) for p in problems]
    for problem in problems:
        text = str(problem)
        match = PROBLEM_LINE.match(text)
        assert match, text[:300]
        assert Path(problem.file).name == mutation.target, text
        assert 1 <= problem.line <= GOOD[mutation.target].count("\n") + 10 or mutation.id.endswith("nesting"), text
        assert len(text) < 700, text[:700]
    assert any(re.search(mutation.reason, problem.reason) for problem in problems), [str(p) for p in problems]
    if mutation.path is not None:
        assert any(problem.path == mutation.path for problem in problems), [str(p) for p in problems]
    # Nothing lost: every other region file, loaded from the same folder, is what it is on its own.
    for path in folder.glob("*.yaml"):
        if path.name not in {mutation.target, CATALOG}:
            region, sibling_problems = load_file(path, path.name)
            assert not sibling_problems and region is not None
            assert region.model == good_models[path.name]


def test_unknown_key_problems_name_the_line_of_the_key(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "data", MUTATIONS[1])
    with pytest.raises(PolicyDataError) as refused:
        load_policy_data(folder, None)
    (problem,) = refused.value.problems
    assert str(problem) == f"{folder / TARGET}:4 region: unknown field 'mayor'"


def test_the_unmutated_corpus_still_loads() -> None:
    assert compile_policy_data(load_policy_data(ROOT / "policy_data", None))["regions"]


def test_the_validation_command_reports_a_bomb_in_a_line_not_a_traceback(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "data", next(m for m in MUTATIONS if m.id == "a billion laughs"))
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.policy_loader", "--data", str(folder), "--seeds", str(tmp_path / "none")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert re.search(r"fenghua\.yaml:\d+ expands to more than", completed.stderr), completed.stderr


def test_a_refused_sibling_stops_the_build_before_it_writes_anything(tmp_path: Path) -> None:
    """The build validates everything first: a bad file leaves the last good output as it was."""
    from scripts import build

    folder = write_corpus(tmp_path / "data", next(m for m in MUTATIONS if m.id == "unknown key under region"))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good build", encoding="utf-8")
    compiled = build.COMPILED_JSON
    before = compiled.read_bytes() if compiled.is_file() else None
    with pytest.raises(PolicyDataError):
        build.build(site, with_calculator=False, data_dir=folder)
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good build"
    assert (compiled.read_bytes() if compiled.is_file() else None) == before
