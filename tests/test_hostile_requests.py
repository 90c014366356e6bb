"""Hostile requests: the page's boundary (`calculate_json`) and the command line (`python -m calculator
estimate`) read a request the same way. Whatever the page refuses, the command line refuses with exit
code 2 and the same {"errors": ...}; every refusal says what is wrong; nothing prints a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from golden import ensure_packaged_data

from calculator.api import MAX_NUMBER_CHARS, MAX_REQUEST_CHARS, MAX_REQUEST_DEPTH, calculate_json


@dataclass(frozen=True)
class Hostile:
    id: str
    text: str
    # A regular expression one error message must match; None: the request is answered (then
    # `warning`, when given, must match one of the result's warnings).
    refused: str | None
    warning: str | None = None


def household(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def raw(key: str, value_text: str) -> str:
    return "{" + json.dumps(key) + ": " + value_text + "}"


WAGE = "maternity.avg_monthly_wage"
NOT_JSON = "不是有效的 JSON 文本"
NOT_OBJECT = "须为一个 JSON 对象"
BLANK = "是空白的"
TOO_DEEP = f"嵌套过深：最多 {MAX_REQUEST_DEPTH} 层"
TOO_LONG = f"太长：最多 {MAX_NUMBER_CHARS} 位"
NOT_FINITE = "不是有限的数"

HOSTILE = [
    # --- the text itself ------------------------------------------------------------------------------
    Hostile("empty", "", "请求是空的"),
    Hostile("whitespace only", "  \n\t ", "请求是空的"),
    Hostile("10,000 nested lists", "[" * 10_000 + "]" * 10_000, TOO_DEEP),
    Hostile("10,000 nested objects", '{"a":' * 10_000 + "1" + "}" * 10_000, TOO_DEEP),
    Hostile("deep inside a field", raw(WAGE, "[" * 100 + "]" * 100), TOO_DEEP),
    Hostile("unbalanced deep", "[" * 50_000, TOO_DEEP),
    Hostile("5,000-digit integer", raw(WAGE, "9" * 5_000), TOO_LONG),
    Hostile("5,000-digit negative integer", raw(WAGE, "-" + "9" * 5_000), TOO_LONG),
    Hostile("5,000-digit fraction", raw(WAGE, "1." + "5" * 5_000), TOO_LONG),
    Hostile("huge exponent", raw(WAGE, "1e999"), NOT_FINITE),
    Hostile("NaN", raw(WAGE, "NaN"), NOT_FINITE),
    Hostile("Infinity", raw(WAGE, "Infinity"), NOT_FINITE),
    Hostile("-Infinity", raw(WAGE, "-Infinity"), NOT_FINITE),
    Hostile("too large", raw("x", '"' + "x" * MAX_REQUEST_CHARS + '"'), "请求太大"),
    Hostile("not JSON", "{not json", NOT_JSON),
    Hostile("trailing comma", '{"maternity.babies": 1,}', NOT_JSON),
    Hostile("truncated", '{"maternity.avg_monthly_wage": 6000', NOT_JSON),
    Hostile("NUL byte", "\x00", NOT_JSON),
    Hostile("byte order mark", "\ufeff{}", NOT_JSON),
    Hostile("single quotes", "{'maternity.babies': 1}", NOT_JSON),
    Hostile("two documents", "{} {}", NOT_JSON),
    Hostile("unterminated escapes", '"' + '\\"' * 20_000, NOT_JSON),
    # --- not an object ------------------------------------------------------------------------------------
    Hostile("null", "null", NOT_OBJECT),
    Hostile("a string", '"maternity"', NOT_OBJECT),
    Hostile("a number", "42", NOT_OBJECT),
    Hostile("a list", "[1, 2]", NOT_OBJECT),
    Hostile("true", "true", NOT_OBJECT),
    Hostile("household is a string", household(household="x"), NOT_OBJECT),
    Hostile("household is a list", household(household=[1]), NOT_OBJECT),
    # --- blank values -------------------------------------------------------------------------------------
    Hostile("empty value", household(**{WAGE: ""}), BLANK),
    Hostile("spaces only", household(**{WAGE: "   "}), BLANK),
    Hostile("ideographic space only", household(**{WAGE: "\u3000"}), BLANK),
    Hostile("tab and newline only", household(**{WAGE: "\t\n"}), BLANK),
    Hostile("two blanks", household(**{WAGE: " ", "medical.total_cost": ""}), BLANK),
    # --- fields -------------------------------------------------------------------------------------------
    Hostile("words for a number", household(**{"medical.total_cost": "lots"}), "「.+」须为"),
    Hostile("negative babies", household(**{"maternity.babies": -2}), "「.+」须为"),
    Hostile("fractional babies", household(**{"maternity.babies": 1.5}), "「.+」须为"),
    Hostile("boolean babies", household(**{"maternity.babies": True}), "「.+」须为"),
    Hostile("list for a number", household(**{"maternity.babies": [1]}), "「.+」须为"),
    Hostile("object for a number", household(**{"maternity.babies": {"a": 1}}), "「.+」须为"),
    Hostile("wage of 1e308", household(**{WAGE: 1e308}), "「.+」须为"),
    Hostile("digits as text", household(**{WAGE: "9" * 5_000}), "「.+」须为"),
    Hostile("exponent as text", household(**{WAGE: "1e999"}), "「.+」须为"),
    Hostile("31 February", household(on="2017-02-30"), "「.+」须为.*日期"),
    Hostile("the year 1800", household(on="1800-01-01"), "「.+」须为.*日期"),
    Hostile("the year 9999", household(on="9999-12-31"), "「.+」须为.*日期"),
    Hostile("a number for a date", household(on=20170101), "「.+」须为.*日期"),
    Hostile("unknown status", household(status="not_a_group"), "只能从以下选项中选择"),
    Hostile("numbers for statuses", household(status=[1, 2]), "只能从以下选项中选择"),
    Hostile("100,000-character status", household(status="x" * 100_000), "只能从以下选项中选择"),
    Hostile("markup for a choice", household(**{"maternity.delivery": "<img src=x onerror=alert(1)>"}), "须为以下之一"),
    Hostile("lone surrogate", raw("maternity.delivery", '"\\ud800"'), "须为以下之一"),
    Hostile("part above the total", household(**{"medical.total_cost": 100, "medical.out_of_pocket": 200}), "不能超过"),
    Hostile("grade without wage", household(**{"work_injury.grade": 3}), "请填写「本人工资」"),
    Hostile("grade eleven", household(**{"work_injury.grade": 11, "work_injury.monthly_wage": 5000}), "「.+」须为"),
    Hostile("age 200", household(age=200), "「.+」须为"),
    Hostile("a thousand years", household(**{"pension.years": 1000}), "「.+」须为"),
    Hostile("duplicate key, last bad", '{"maternity.babies": 1, "maternity.babies": -1}', "「.+」须为"),
    # --- regions and actions ----------------------------------------------------------------------------------
    Hostile(
        "markup for a region",
        household(regions=["<script>alert(1)</script>"], **{WAGE: 6000}),
        "没有这个地区|地区编号无效",
    ),
    Hostile("unknown region", household(regions="nowhere", **{WAGE: 6000}), "没有这个地区"),
    Hostile("no regions", household(regions=[], **{WAGE: 6000}), "须为地区编号的列表"),
    Hostile("a number for regions", household(regions=5, **{WAGE: 6000}), "须为地区编号的列表"),
    Hostile("unknown action", household(action="delete"), "不支持的操作"),
    Hostile("unknown series", household(action="series", vary="x", values=[1]), "无法绘制"),
    Hostile(
        "too many points",
        household(action="series", vary="medical.total_cost", values=list(range(41))),
        "无法绘制",
    ),
    # --- answered, with a warning where something was left out ---------------------------------------------
    Hostile("brackets inside a string", household(x="[" * 10_000, **{WAGE: 6000}), None, "已忽略 1 个"),
    Hostile("a 100,000-character key", raw("k" * 100_000, "1"), None, "已忽略 1 个"),
    Hostile("10,000 unknown keys", json.dumps({f"k{i}": i for i in range(10_000)}), None, "已忽略 10000 个"),
    Hostile("markup as a key", household(**{"<img src=x onerror=alert(1)>": 1, WAGE: 6000}), None, "已忽略 1 个"),
    Hostile("null means not given", household(**{WAGE: None, "maternity.babies": 1}), None),
    Hostile("an empty household", "{}", None),
]


@pytest.fixture(scope="module", autouse=True)
def packaged_data() -> None:
    ensure_packaged_data()


def run_cli(text: str | None = None, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m calculator estimate ARGUMENTS`, with `text` on its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "calculator", "estimate", *arguments],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        errors="surrogatepass",
    )


def test_there_are_at_least_60_hostile_requests() -> None:
    assert len(HOSTILE) >= 60
    assert len({case.id for case in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_the_page_and_the_command_line_refuse_alike_and_say_why(case: Hostile) -> None:
    page: dict[str, Any] = json.loads(calculate_json(case.text))
    completed = run_cli(case.text)
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    cli = json.loads(completed.stdout)
    if case.refused is not None:
        messages = list(page.get("errors", {}).values())
        assert any(re.search(case.refused, message) for message in messages), (case.refused, page)
        assert all(len(message) < 300 for message in messages), messages
        assert "<script" not in json.dumps(page, ensure_ascii=False)
        assert completed.returncode == 2, completed.stdout[:500]
        assert cli == page
    else:
        assert "errors" not in page, page
        assert completed.returncode == 0, completed.stdout[:500]
        assert cli == page
        if case.warning is not None:
            assert any(re.search(case.warning, warning) for warning in page["warnings"]), page["warnings"]


def test_the_command_line_reports_an_unreadable_file_without_a_traceback(tmp_path: Path) -> None:
    completed = run_cli(None, "--input", str(tmp_path / "missing.json"))
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert "无法读取输入文件" in json.loads(completed.stdout)["errors"]["request"]


def test_the_command_line_reports_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    data = tmp_path / "household.json"
    data.write_bytes(b'{"maternity.delivery": "\xff\xfe"}')
    completed = run_cli(None, "--input", str(data))
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert json.loads(completed.stdout)["errors"]["request"] == "请求不是有效的 JSON 文本"
