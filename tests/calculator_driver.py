"""Driving the 估算待遇 page in a browser as a person would, and reading what it shows: shared by
the calculator page tests (over http) and the offline tests (from disk, in Chromium and Firefox)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from conftest import RequestLog
from golden import GoldenCase

from scripts.embed_runtime import EMBEDDED_SCRIPT_FOLDER

PAGE = "calculator.html"
START_TIMEOUT_MS = 90_000  # generous: two cores, and Pyodide compiles 10 MB of wasm
RESULT_TIMEOUT_MS = 20_000


# --- reading the page ---------------------------------------------------------------------------


def form_text(value: object) -> str:
    """A household value as the form and the link hold it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


# A household whose result has every part: summary, payment chain, both charts, steps, QR code.
FULL_HOUSEHOLD: dict[str, Any] = {
    "status": ["registered_poor"],
    "pension.annual_contribution": 200,
    "pension.years": 15,
    "medical.total_cost": 100000,
    "medical.deductible": 1000,
    "medical.basic_ratio": 60,
    "medical.critical_illness_ratio": 50,
    "maternity.avg_monthly_wage": 6000,
}


def numbers_in(text: str) -> set[Decimal]:
    """Every number a reader sees in a cell (19,600元 → 19600)."""
    return {Decimal(match.replace(",", "")) for match in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def money_text(amount: float | int) -> str:
    """How the page writes an amount of money: grouped digits, at most two decimals."""
    number = Decimal(str(amount)).quantize(Decimal("0.01"))
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text + "元"


def cell_problems(case: GoldenCase, text: str) -> list[str]:
    """How a summary cell differs from what the case expects (empty when it agrees)."""
    expect = case.expect
    seen = numbers_in(text)
    problems = []
    if expect.get("eligible") is False:
        if "不符合条件" not in text:
            problems.append("not marked 不符合条件")
        return problems
    if expect.get("stale") is True and "数字可能已过时" not in text:
        problems.append("stale result not flagged 数字可能已过时")
    if expect.get("stale") is False and "数字可能已过时" in text:
        problems.append("fresh result flagged as stale")
    target = expect.get("target")
    if isinstance(target, dict) and target.get("text") and target["text"] not in text:
        problems.append("target not shown as a target")
    if expect.get("display") and expect["display"] not in text:
        problems.append(f"{expect['display']} not shown")
    bounds = expect.get("bounds") or {}
    if bounds.get("low") is not None and (Decimal(str(bounds["low"])) not in seen or "至少" not in text):
        problems.append(f"lower bound 至少 {bounds['low']} not shown")
    if bounds.get("high") is not None and (Decimal(str(bounds["high"])) not in seen or "最多" not in text):
        problems.append(f"upper bound 最多 {bounds['high']} not shown")
    if case.benefit == "medical":
        out_of_pocket = expect.get("out_of_pocket")
        limit = (expect.get("out_of_pocket_bounds") or {}).get("high")
        if expect.get("answer") == "unknown" or (out_of_pocket is None and "out_of_pocket" in expect and not bounds):
            if "无法计算" not in text:
                problems.append("unknown figure not marked 无法计算")
        elif out_of_pocket is not None and f"个人自付 {money_text(out_of_pocket)}" not in text:
            problems.append(f"个人自付 {money_text(out_of_pocket)} not shown")
        if limit is not None and f"个人自付最多 {money_text(limit)}" not in text:
            problems.append(f"个人自付最多 {money_text(limit)} not shown")
        return problems
    amount = expect.get("amount", "<absent>")
    if amount is None and not bounds and (expect.get("missing") or expect.get("answer") == "unknown"):
        if "无法计算" not in text:
            problems.append("unknown figure not marked 无法计算")
    elif isinstance(amount, (int, float)) and Decimal(str(amount)) not in seen:
        problems.append(f"amount {amount} not shown")
    if expect.get("days") and f"产假 {expect['days']} 天" not in text:
        problems.append(f"产假 {expect['days']} 天 not shown")
    if "monthly_allowance" in expect:
        allowance = expect["monthly_allowance"]
        if allowance is None and "无按月的伤残津贴" not in text:
            problems.append("no monthly allowance not said")
        if allowance is not None and Decimal(str(allowance)) not in seen:
            problems.append(f"monthly allowance {allowance} not shown")
    return problems


@dataclass
class CalculatorPage:
    """One open calculator page, with what it asked the network for and what went wrong in it."""

    page: Any
    requests: RequestLog
    errors: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, context: Any, site_url: str, fragment: str = "", *, wait: str = "ready") -> CalculatorPage:
        page = context.new_page()
        opened = cls(page, RequestLog(site_url))
        page.on("request", opened.requests.record)
        page.on("pageerror", lambda error: opened.errors.append(f"pageerror: {error}"))
        page.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
        page.goto(site_url + PAGE + fragment)
        opened.config = page.evaluate("JSON.parse(document.getElementById('calculator-config').textContent)")
        if wait == "ready":
            opened.wait_until_ready()
        return opened

    def wait_until_ready(self) -> None:
        self.page.wait_for_selector("#calculator[data-runtime=ready]", timeout=START_TIMEOUT_MS)

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        return {item["key"]: item for item in self.config["fields"]}

    def control(self, key: str) -> Any:
        return self.page.locator(f'[id="f-{key}"]')

    def expected_link(self, household: Mapping[str, object]) -> dict[str, str]:
        """The fragment the page writes for a household (values left at their default are not in it)."""
        link = {}
        for key, value in household.items():
            default = self.fields[key]["default"]
            text = form_text(value)
            if default is None or text != str(default):
                link[key] = text
        return link

    def clear(self) -> None:
        self.page.get_by_role("button", name="清空表格").click()
        self.wait_for_result({})

    def fill(self, household: Mapping[str, object], *, typing: bool = False) -> None:
        """Fill the form as a person does: type, choose, tick."""
        for key, value in household.items():
            kind = self.fields[key]["type"]
            fold = self.page.locator(f'details:has([name="{key}"])')
            if fold.count() and fold.get_attribute("open") is None:
                fold.locator("summary").click()  # 原文未规定时自行填写: open the fold first
            if kind == "multi_choice":
                for choice in value if isinstance(value, list) else [value]:
                    self.page.locator(f'input[name="{key}"][value="{choice}"]').check()
            elif kind in ("choice", "boolean"):
                self.control(key).select_option(form_text(value))
            elif typing:
                self.control(key).fill("")
                self.control(key).press_sequentially(form_text(value))
            else:
                self.control(key).fill(form_text(value))

    def wait_for_result(self, link: Mapping[str, str]) -> None:
        """Until the results shown are those of exactly this household."""
        self.page.wait_for_function(
            """expected => {
                const root = document.getElementById("calculator");
                if (root.dataset.resultFor === undefined) return false;
                const shown = Object.fromEntries(new URLSearchParams(root.dataset.resultFor));
                return JSON.stringify(Object.entries(shown).sort()) === JSON.stringify(Object.entries(expected).sort());
            }""",
            arg=dict(link),
            timeout=RESULT_TIMEOUT_MS,
        )

    def wait_for_errors(self) -> None:
        self.page.wait_for_selector("#calculator[data-result-state=errors]", timeout=RESULT_TIMEOUT_MS)

    def cell(self, region: str, benefit: str) -> str:
        return self.page.inner_text(f'table.calc-summary td[data-region="{region}"][data-benefit="{benefit}"]')

    def row(self, benefit: str) -> dict[str, str]:
        cells = self.page.locator(f'table.calc-summary td[data-benefit="{benefit}"]')
        return {cells.nth(i).get_attribute("data-region"): cells.nth(i).inner_text() for i in range(cells.count())}

    def summary(self) -> dict[str, dict[str, str]]:
        benefits = self.page.eval_on_selector_all(
            "table.calc-summary tbody tr", "rows => rows.map(r => r.dataset.benefit)"
        )
        return {benefit: self.row(benefit) for benefit in benefits}

    def results_text(self) -> str:
        return self.page.inner_text("#calc-results-body")

    def error_at(self, key: str) -> str:
        box = self.page.locator(f'[id="err-{key}"]')
        return box.inner_text() if box.is_visible() else ""


# --- the page opened from disk ------------------------------------------------------------------


def shared_fragment(household: dict[str, object]) -> str:
    """The #fragment a shared link carries for a household (as the page writes it)."""
    return "#" + "&".join(f"{key}={quote(form_text(value), safe=',')}" for key, value in household.items())


def folder_uri(folder: Path) -> str:
    return folder.as_uri() + "/"


def embedded_scripts(site: Path) -> set[str]:
    """The runtime's classic scripts for pages opened from disk, as paths under the site."""
    return {f"{EMBEDDED_SCRIPT_FOLDER}/{path.name}" for path in (site / EMBEDDED_SCRIPT_FOLDER).glob("*.js")}


@contextmanager
def golden_cases_from_disk(chromium: Any, folder: Path, cases: list[GoldenCase]) -> Iterator[CalculatorPage]:
    """Open the first case as a shared link from disk, then each further one by changing the link;
    check every case's cell, then hand over the page (its requests and errors) for more checks."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        calc = CalculatorPage.open(context, folder_uri(folder), shared_fragment(cases[0].household))
        for number, case in enumerate(cases):
            if number:
                calc.page.evaluate("fragment => { location.hash = fragment; }", shared_fragment(case.household))
            calc.wait_for_result(calc.expected_link(case.household))
            for key, value in case.household.items():
                if calc.fields[key]["type"] not in ("multi_choice", "date"):
                    assert calc.control(key).input_value() == form_text(value), f"{case.id}: {key} not restored"
            text = calc.cell(case.region, case.benefit)
            assert cell_problems(case, text) == [], f"{case.id} ({case.source}): cell reads {text!r}"
        yield calc
    finally:
        context.close()
