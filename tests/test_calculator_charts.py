"""The curves the page draws come from Python whole: which curves a household calls for, their
titles, axis labels, x values and points per region. The page only draws them."""

from __future__ import annotations

import json

from calculator.api import CHARTS, calculate_json


def charts_for(household: dict[str, object]) -> list[dict[str, object]]:
    reply = json.loads(calculate_json(json.dumps({"action": "charts", "household": household})))
    assert "errors" not in reply, reply
    charts: list[dict[str, object]] = reply["charts"]
    return charts


def test_each_curve_is_drawn_only_when_the_household_calls_for_it() -> None:
    assert charts_for({"maternity.avg_monthly_wage": 6000}) == []
    medical = charts_for({"medical.total_cost": 80000})
    assert [chart["vary"] for chart in medical] == ["medical.total_cost"]
    # The pension curve needs the years of contribution besides the grade.
    both = charts_for({"medical.total_cost": 80000, "pension.annual_contribution": 200, "pension.years": 15})
    assert [chart["vary"] for chart in both] == [chart.vary for chart in CHARTS]


def test_the_medical_curve_runs_to_twice_the_bill_for_every_region() -> None:
    [chart] = charts_for({"medical.total_cost": 80000, "medical.deductible": 1000, "medical.basic_ratio": 60})
    assert chart["title"] and chart["x_label"] == "住院总费用（元）" and chart["unit_label"] == "元"
    series = chart["series"]
    assert isinstance(series, dict) and set(series) == {"national", "beijing", "shaanxi", "delingha", "fenghua"}
    xs = [point["x"] for point in series["national"]]
    assert xs[0] == 0 and xs[-1] == 160000 and len(xs) == 11
    # Where the user gave the deductible and ratio, the out-of-pocket curve never falls as the bill grows.
    ys = [point["y"] for point in series["national"] if point["y"] is not None]
    assert ys and ys == sorted(ys)


def test_the_pension_curve_spans_the_national_contribution_grades() -> None:
    [chart] = charts_for({"pension.annual_contribution": 200, "pension.years": 15})
    xs = [point["x"] for point in chart["series"]["national"]]
    assert xs[0] == 100 and xs[-1] == 2000 and len(xs) == 11
    assert all(point["bound"] in ("exact", "at_least", "at_most", None) for point in chart["series"]["shaanxi"])


def test_a_bad_household_gets_its_errors_not_curves() -> None:
    reply = json.loads(calculate_json(json.dumps({"action": "charts", "household": {"medical.total_cost": "abc"}})))
    assert "medical.total_cost" in reply["errors"]
