"""The calculator's public entry points.

`calculate_json(request) -> str` is the one boundary the web page crosses: a JSON string in, a
JSON string out, never an exception. Errors come back as ``{"errors": {field: message}}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from calculator import messages
from calculator.data import PolicyDataInvalid, PolicyDataMissing, PolicyTable, load_bundled, lookup
from calculator.fields import (
    FIELD_GROUPS,
    FIELDS,
    FIELDS_BY_KEY,
    REQUEST_ERROR_KEY,
    Household,
    default_calculation_date,
    is_blank,
    parse_household,
    safe_key,
)
from calculator.maternity import maternity
from calculator.medical import medical
from calculator.pension import pension_monthly, pension_subsidy
from calculator.results import BenefitResult
from calculator.unemployment import unemployment
from calculator.work_injury import work_injury

Compute = Callable[[Household, PolicyTable, str, date], BenefitResult]
DATA_ERROR_KEY = "data"


@dataclass(frozen=True, slots=True, kw_only=True)
class Benefit:
    id: str
    label: str
    group: str
    compute: Compute
    # The benefit is calculated when any of `triggers` is filled in; then every entry of
    # `required` (a set of alternatives) needs one of its keys.
    triggers: tuple[str, ...]
    required: tuple[tuple[str, ...], ...] = ()


BENEFITS: tuple[Benefit, ...] = (
    Benefit(
        id="pension_subsidy",
        label=messages.BENEFIT_LABELS["pension_subsidy"],
        group="pension",
        compute=pension_subsidy,
        triggers=("status", "pension.paid_contribution"),
    ),
    Benefit(
        id="pension_monthly",
        label=messages.BENEFIT_LABELS["pension_monthly"],
        group="pension",
        compute=pension_monthly,
        triggers=("pension.annual_contribution", "pension.years", "pension.subsidy_per_year", "pension.basic_pension"),
        required=(("pension.annual_contribution",), ("pension.years",)),
    ),
    Benefit(
        id="medical",
        label=messages.BENEFIT_LABELS["medical"],
        group="medical",
        compute=medical,
        triggers=("medical.total_cost", "medical.policy_cost", "medical.basic_paid", "medical.out_of_pocket"),
        required=(("medical.total_cost", "medical.out_of_pocket"),),
    ),
    Benefit(
        id="maternity",
        label=messages.BENEFIT_LABELS["maternity"],
        group="maternity",
        compute=maternity,
        triggers=("maternity.avg_monthly_wage", "maternity.delivery", "maternity.babies"),
    ),
    Benefit(
        id="work_injury",
        label=messages.BENEFIT_LABELS["work_injury"],
        group="work_injury",
        compute=work_injury,
        triggers=("work_injury.grade", "work_injury.monthly_wage", "work_injury.local_avg_wage"),
        required=(("work_injury.grade",), ("work_injury.monthly_wage",)),
    ),
    Benefit(
        id="unemployment",
        label=messages.BENEFIT_LABELS["unemployment"],
        group="unemployment",
        compute=unemployment,
        triggers=(
            "unemployment.insured_years",
            "unemployment.contract_ended",
            "unemployment.lump_sum_amount",
            "unemployment.benefit_monthly",
        ),
    ),
)
BENEFITS_BY_ID = {benefit.id: benefit for benefit in BENEFITS}


def _blank_fields(raw: Mapping[str, Any]) -> dict[str, str]:
    """Fields given as empty or whitespace-only text (null means "not given" and is not listed)."""
    return {
        key: messages.say("blank_value", label=FIELDS_BY_KEY[key].label)
        for key, value in raw.items()
        if isinstance(key, str) and key in FIELDS_BY_KEY and value is not None and is_blank(value)
    }


def benefits_requested(household: Household) -> list[Benefit]:
    return [benefit for benefit in BENEFITS if household.given(*benefit.triggers)]


def _missing_required(household: Household, benefits: Sequence[Benefit]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for benefit in benefits:
        for alternatives in benefit.required:
            if not household.given(*alternatives):
                key = alternatives[0]
                errors.setdefault(
                    key, messages.say("required_for", label=FIELDS_BY_KEY[key].label, benefit=benefit.label)
                )
    return errors


def _regions(table: PolicyTable, requested: object) -> list[str] | dict[str, str]:
    if requested is None:
        return list(table.regions)
    if isinstance(requested, str):
        requested = [requested]
    if not isinstance(requested, (list, tuple)) or not requested:
        return {"regions": messages.say("regions_not_list")}
    chosen = []
    for region in requested:
        if not isinstance(region, str) or region not in table.regions:
            name = safe_key(region)
            return {
                "regions": messages.say("unknown_region", region=name)
                if name
                else messages.say("unknown_region_unnamed")
            }
        if region not in chosen:
            chosen.append(region)
    return [region for region in table.regions if region in chosen]


def _regions_loaded(table: PolicyTable, requested: object) -> list[str] | dict[str, str]:
    """`_regions`, with the data of each chosen region and of its ancestors read (a region the page
    has not loaded raises PolicyDataMissing, saying which)."""
    region_ids = _regions(table, requested)
    if not isinstance(region_ids, dict):
        table.load(region_ids)
    return region_ids


def applying_statements(table: PolicyTable, region_id: str) -> list[dict[str, Any]]:
    """The region's own sourced statements on how to apply, each with its document's title and 文号."""
    statements = []
    for item in table.applying(region_id):
        document = table.documents.get(item["reference"]["document"], {})
        statements.append(
            {
                "id": item["id"],
                "kind": item["kind"],
                "benefits": item["benefits"],
                "text": item["text"],
                "reference": {
                    "document": item["reference"]["document"],
                    "title": document.get("title", item["reference"]["document"]),
                    "number": document.get("number"),
                    "section": item["reference"]["section"],
                },
            }
        )
    return statements


def region_entry(table: PolicyTable, region_id: str) -> dict[str, Any]:
    """A region as the page names it, with how current its data is (本地区资料截至 …)."""
    region = table.regions[region_id]
    as_of = region.data_as_of
    return {
        "id": region.id,
        "name": region.name,
        "data_as_of": None if as_of is None else as_of.isoformat(),
        "data_as_of_text": region.data_as_of_text,
    }


def region_list(table: PolicyTable | None = None) -> list[dict[str, str]]:
    table = table or load_bundled()
    return [{"id": region.id, "name": region.name} for region in table.regions.values()]


def calculate_with(
    table: PolicyTable, household: Mapping[str, Any] | Household, regions: object = None
) -> dict[str, Any]:
    """Every requested benefit for every region (all by default), or {"errors": {...}}."""
    blanks: dict[str, str] = {}
    if not isinstance(household, Household):
        parsed = parse_household(household, default_on=default_calculation_date(table))
        if not isinstance(parsed, Household):
            return {"errors": parsed}
        blanks = _blank_fields(household)
        household = parsed
    region_ids = _regions_loaded(table, regions)
    if isinstance(region_ids, dict):
        return {"errors": region_ids}
    benefits = benefits_requested(household)
    if not benefits and blanks:
        # Only blank values: an empty result would say nothing about why.
        return {"errors": blanks}
    errors = _missing_required(household, benefits)
    if errors:
        return {"errors": errors}
    results = {
        region: {benefit.id: benefit.compute(household, table, region, household.on).to_json() for benefit in benefits}
        for region in region_ids
    }
    # How to apply: each region's own statements, and those of the regions at the top of its chain
    # (national), which the page shows under every region.
    stated = dict.fromkeys([*region_ids, *(table.chain(region)[-1] for region in region_ids)])
    return {
        "on": household.on.isoformat(),
        "regions": [region_entry(table, region) for region in region_ids],
        "results": results,
        "applying": {region: applying_statements(table, region) for region in stated},
        "warnings": list(household.warnings),
    }


def calculate(household: Mapping[str, Any] | Household, regions: object = None) -> dict[str, Any]:
    """`calculate_with` on the bundled data; never raises (errors come back as data)."""
    try:
        table = load_bundled()
    except PolicyDataMissing:
        return {"errors": {DATA_ERROR_KEY: messages.say("data_missing")}}
    except PolicyDataInvalid:
        return {"errors": {DATA_ERROR_KEY: messages.say("data_invalid")}}
    try:
        return calculate_with(table, household, regions)
    except PolicyDataMissing as error:
        return {"errors": {DATA_ERROR_KEY: str(error)}}
    except PolicyDataInvalid:
        return {"errors": {DATA_ERROR_KEY: messages.say("data_invalid")}}
    except Exception:
        return {"errors": {REQUEST_ERROR_KEY: messages.say("internal_error")}}


def field_definitions(table: PolicyTable | None = None) -> dict[str, Any]:
    """Everything a form needs: sections, fields (with the derived default date), benefits."""
    table = table or load_bundled()
    fields = [definition.to_json() for definition in FIELDS]
    for item in fields:
        # The parameters a field can stand in for come from the catalog (its `field`), not from a copy.
        item["supplies"] = sorted(pid for pid, info in table.catalog.items() if info.field == item["key"])
        if item["key"] == "on":
            item["default"] = default_calculation_date(table).isoformat()
    return {
        "groups": [{"id": group, "label": label} for group, label in FIELD_GROUPS.items()],
        "fields": fields,
        "benefits": [
            {
                "id": benefit.id,
                "label": benefit.label,
                "group": benefit.group,
                "triggers": list(benefit.triggers),
                "required": [list(alternatives) for alternatives in benefit.required],
            }
            for benefit in BENEFITS
        ],
    }


# Curves the page draws: which input varies and which figure of which benefit is read.
SERIES_MEASURES: dict[str, tuple[str, str]] = {
    "medical.total_cost": ("medical", "out_of_pocket"),
    "pension.annual_contribution": ("pension_monthly", "amount"),
}
MAX_SERIES_POINTS = 40


def series_point(result: Mapping[str, Any], measure: str) -> dict[str, Any]:
    """The figure a curve plots: exact where known, else the limit that is known ("bound" says which)."""
    exact = result.get(measure)
    if exact is not None:
        return {"y": exact, "bound": "exact"}
    bounds = result.get("bounds" if measure == "amount" else measure + "_bounds") or {}
    if bounds.get("low") is not None:
        return {"y": bounds["low"], "bound": "at_least"}
    if bounds.get("high") is not None:
        return {"y": bounds["high"], "bound": "at_most"}
    return {"y": None, "bound": None}


def series_with(
    table: PolicyTable, household: Mapping[str, Any], vary: object, values: object, regions: object = None
) -> dict[str, Any]:
    """One figure per region as one input takes each of `values` (the rest of the household fixed)."""
    if not isinstance(vary, str) or vary not in SERIES_MEASURES:
        return {"errors": {REQUEST_ERROR_KEY: messages.say("unknown_series")}}
    if not isinstance(values, list) or not 0 < len(values) <= MAX_SERIES_POINTS:
        return {"errors": {REQUEST_ERROR_KEY: messages.say("unknown_series")}}
    region_ids = _regions_loaded(table, regions)
    if isinstance(region_ids, dict):
        return {"errors": region_ids}
    benefit_id, measure = SERIES_MEASURES[vary]
    benefit = BENEFITS_BY_ID[benefit_id]
    series: dict[str, list[dict[str, Any]]] = {region: [] for region in region_ids}
    unit = None
    for value in values:
        parsed = parse_household({**household, vary: value}, default_on=default_calculation_date(table))
        if not isinstance(parsed, Household):
            return {"errors": parsed}
        if _missing_required(parsed, [benefit]):
            return {"errors": _missing_required(parsed, [benefit])}
        for region in region_ids:
            result = benefit.compute(parsed, table, region, parsed.on).to_json()
            unit = result["unit"]
            series[region].append({"x": value, **series_point(result, measure)})
    return {"vary": vary, "benefit": benefit_id, "measure": measure, "unit": unit, "series": series}


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A curve the page draws when the household has what it needs: one input varies, one figure
    of one benefit is read (SERIES_MEASURES), for every region."""

    vary: str
    title: str
    x_label: str
    unit_label: str
    # Drawn when all of these are filled in (besides the varying input's own benefit being asked).
    needs: tuple[str, ...]


CHARTS: tuple[Chart, ...] = (
    Chart(
        vary="medical.total_cost",
        title=messages.say("chart_medical_title"),
        x_label=messages.say("chart_medical_x"),
        unit_label=messages.say("chart_unit_cny"),
        needs=("medical.total_cost",),
    ),
    Chart(
        vary="pension.annual_contribution",
        title=messages.say("chart_pension_title"),
        x_label=messages.say("chart_pension_x"),
        unit_label=messages.say("chart_unit_cny_per_month"),
        needs=("pension.years",),
    ),
)
CHART_POINTS = 11


def _chart_values(table: PolicyTable, chart: Chart, household: Household) -> list[int]:
    """The x values: twice the bill (at least 20,000元) for the medical curve; the national
    contribution grades from the lowest to the highest for the pension curve."""
    if chart.vary == "medical.total_cost":
        cost = household.medical.total_cost or 100000
        top = max(cost * 2, 20000)
        return [round(top * i / (CHART_POINTS - 1)) for i in range(CHART_POINTS)]
    on = default_calculation_date(table)
    low = lookup(table, "national", "pension.resident.contribution.minimum_grade", on)
    high = lookup(table, "national", "pension.resident.contribution.maximum_grade", on)
    if not (low.stated and high.stated and low.entry and high.entry):
        return []
    start, stop = int(str(low.entry.value)), int(str(high.entry.value))
    return [round(start + (stop - start) * i / (CHART_POINTS - 1)) for i in range(CHART_POINTS)]


def charts_with(table: PolicyTable, household: Mapping[str, Any], regions: object = None) -> dict[str, Any]:
    """Every curve this household calls for, with its points per region: the page draws them as
    they are (title, axis labels and unit included) and computes nothing."""
    parsed = parse_household(household, default_on=default_calculation_date(table))
    if not isinstance(parsed, Household):
        return {"errors": parsed}
    asked = {benefit.id for benefit in benefits_requested(parsed)}
    charts = []
    for chart in CHARTS:
        benefit_id, _ = SERIES_MEASURES[chart.vary]
        if benefit_id not in asked or not parsed.given(*chart.needs):
            continue
        values = _chart_values(table, chart, parsed)
        if not values:
            continue
        rest = {key: value for key, value in household.items() if key != chart.vary}
        series = series_with(table, rest, chart.vary, values, regions)
        if "errors" in series:
            continue
        charts.append(
            {
                "vary": chart.vary,
                "title": chart.title,
                "x_label": chart.x_label,
                "unit_label": chart.unit_label,
                "series": series["series"],
            }
        )
    return {"charts": charts}


def _dump(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def fields_json() -> str:
    return _dump(field_definitions())


def regions_json() -> str:
    return _dump(region_list())


def answer(request: object) -> dict[str, Any] | list[dict[str, str]]:
    """The reply to a decoded request: {"action": "calculate" | "charts" | "series" | "fields" | "regions", ...}."""
    if not isinstance(request, Mapping):
        return {"errors": {REQUEST_ERROR_KEY: messages.say("request_not_object")}}
    action = request.get("action", "calculate")
    if action == "fields":
        return field_definitions()
    if action == "regions":
        return region_list()
    if action == "charts":
        household = request.get("household", {})
        if not isinstance(household, Mapping):
            return {"errors": {REQUEST_ERROR_KEY: messages.say("request_not_object")}}
        return charts_with(load_bundled(), household, request.get("regions"))
    if action == "series":
        household = request.get("household", {})
        if not isinstance(household, Mapping):
            return {"errors": {REQUEST_ERROR_KEY: messages.say("request_not_object")}}
        return series_with(
            load_bundled(), household, request.get("vary"), request.get("values"), request.get("regions")
        )
    if action != "calculate":
        return {"errors": {REQUEST_ERROR_KEY: messages.say("unknown_action")}}
    if "household" in request:
        household = request["household"]
    else:
        household = {key: value for key, value in request.items() if key not in {"action", "regions"}}
    return calculate(household, request.get("regions"))


# Limits on a request's JSON text, checked before json.loads builds anything. The page's requests are
# a few hundred characters, three levels deep, with numbers of at most 40 characters (its inputs'
# maxlength).
MAX_REQUEST_CHARS = 200_000
MAX_REQUEST_DEPTH = 16
MAX_NUMBER_CHARS = 40


class RequestRefused(ValueError):
    """The request text cannot be read; `message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _nesting_depth(text: str) -> int:
    """The deepest [ / { nesting outside strings: one pass, no recursion, no backtracking."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def _shown_number(text: str) -> str:
    return text if len(text) <= 12 else messages.say("long_number", start=text[:6], end=text[-3:], digits=len(text))


def _number(text: str, read: Callable[[str], object]) -> object:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        raise RequestRefused(messages.say("number_too_long", number=_shown_number(text), limit=MAX_NUMBER_CHARS))
    value = read(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise RequestRefused(messages.say("number_not_finite", number=_shown_number(text)))
    return value


def _constant(text: str) -> object:
    raise RequestRefused(messages.say("number_not_finite", number=text))


def decode_request(text: object) -> object:
    """The decoded JSON of a request, or raises RequestRefused saying what is wrong with it: empty,
    too large, nested too deep, a number too long or not finite, or not JSON at all. The page's
    boundary (`calculate_json`) and the command line read requests only through this."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise RequestRefused(messages.say("request_not_json")) from None
    if not isinstance(text, str):
        raise RequestRefused(messages.say("request_not_json"))
    if not text.strip():
        raise RequestRefused(messages.say("request_empty"))
    if len(text) > MAX_REQUEST_CHARS:
        raise RequestRefused(messages.say("request_too_large", size=f"{len(text):,}", limit=f"{MAX_REQUEST_CHARS:,}"))
    if text.count("[") + text.count("{") > MAX_REQUEST_DEPTH and _nesting_depth(text) > MAX_REQUEST_DEPTH:
        raise RequestRefused(messages.say("request_too_deep", limit=MAX_REQUEST_DEPTH))
    try:
        return json.loads(
            text,
            parse_int=lambda number: _number(number, int),
            parse_float=lambda number: _number(number, float),
            parse_constant=_constant,
        )
    except RequestRefused:
        raise
    except (ValueError, RecursionError):
        raise RequestRefused(messages.say("request_not_json")) from None


def refusal(error: RequestRefused) -> dict[str, Any]:
    return {"errors": {REQUEST_ERROR_KEY: error.message}}


def calculate_json(request: str) -> str:
    """JSON in, JSON out; the only function the browser calls. Never raises."""
    try:
        try:
            decoded = decode_request(request)
        except RequestRefused as error:
            return _dump(refusal(error))
        return _dump(answer(decoded))
    except PolicyDataMissing as error:
        return _dump({"errors": {DATA_ERROR_KEY: str(error) or messages.say("data_missing")}})
    except PolicyDataInvalid:
        return _dump({"errors": {DATA_ERROR_KEY: messages.say("data_invalid")}})
    except Exception:
        return _dump({"errors": {REQUEST_ERROR_KEY: messages.say("internal_error")}})
