"""One inpatient bill through the layers: 基本医保 → 大病保险 → 医疗救助/综合保障 → 个人自付."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calculator import messages
from calculator.data import PolicyTable
from calculator.fields import FIELDS_BY_KEY, Household, MedicalInputs
from calculator.money import HUNDRED, ZERO, json_number, share
from calculator.results import BenefitResult, Figure, ScaleBand, Trace, apply
from calculator.scales import scale_parts
from calculator.span import Span

POOR_MEDICAL_GROUPS = ("registered_poor", "dibao", "tekun")
CRITICAL = "medical.critical_illness"
POOR = "medical.critical_illness.poor"
TARGET_RATIO = "medical.comprehensive.target_ratio"

BANDS = "medical.critical_illness.poor.bands"
BY_LEVEL = "medical.resident.inpatient_ratio.by_hospital_level"


@dataclass(frozen=True, slots=True)
class Rate:
    """A 大病保险 band for the arithmetic: from `threshold` (above the 起付线) on, `ratio` percent."""

    threshold: Decimal
    ratio: Decimal


# --- pure rules ------------------------------------------------------------------------------


def basic_insurance_payment(*, policy_cost: Decimal, deductible: Decimal, ratio: Decimal) -> Decimal:
    """Policy-scope cost above the 起付线, times the reimbursement ratio (percent), before any cap."""
    return max(ZERO, policy_cost - deductible) * share(ratio)


def capped(amount: Decimal, cap: Decimal | None) -> Decimal:
    return amount if cap is None else min(amount, cap)


def critical_illness_payment(
    *, personal: Decimal, threshold: Decimal, bands: Sequence[Rate], method: str = "marginal"
) -> Decimal:
    """大病保险: the personal payment above the threshold, paid band by band at each band's ratio."""
    excess = max(ZERO, personal - threshold)
    return sum((covered * share(band.ratio) for band, covered in scale_parts(bands, excess, method)), ZERO)


# --- reading the layers --------------------------------------------------------------------------


def _layer(layer_id: str, span: Span | None, status: str, reason: str | None = None) -> dict[str, object]:
    """One layer of the bill for the page: an amount, a range or unknown (never an unknown drawn as 0)."""
    exact = span is not None and span.is_exact
    return {
        "id": layer_id,
        "label": messages.say("layer_" + layer_id),
        "amount": json_number(span.value) if span is not None and exact else None,
        "bounds": None
        if span is None or exact or not span.says_something()
        else {
            "low": json_number(span.low) if span.low > 0 else None,
            "high": None if span.high is None else json_number(span.high),
        },
        "display": _words(span) if span is not None and (exact or span.says_something()) else None,
        "status": status if span is not None or status == "not_applicable" else "unknown",
        "reason": reason,
    }


def _words(span: Span) -> str:
    return messages.amount_text(span.value) if span.is_exact else messages.span_text(span, "cny")


def _poor_candidates(trace: Trace, inputs: MedicalInputs, poor_id: str, general_id: str | None) -> list[str]:
    """The poor-specific id first when it covers this household (resident scheme only), then the general one."""
    ids = []
    if inputs.scheme == "resident" and trace.applies(trace.lookup(poor_id), POOR_MEDICAL_GROUPS):
        ids.append(poor_id)
    if general_id is not None:
        ids.append(general_id)
    return ids


def _first(trace: Trace, ids: list[str], supplied: Decimal | None, field_key: str) -> Figure | None:
    """First stated candidate (or the user's figure); says so when a poor rule fell back to the general one."""
    if not ids:
        return None
    figure = trace.first_figure(ids, supplied=supplied, field_key=field_key)
    if figure is not None and figure.use.reference is not None and figure.use.id != ids[0]:
        trace.assume(
            messages.say("assume_fallback_general", poor=trace.label(trace.lookup(ids[0])), general=figure.use.label)
        )
    trace.note_user_figure(figure)
    return figure


def _basic_ratio(trace: Trace, inputs: MedicalInputs) -> Figure | None:
    if inputs.scheme == "employee":
        return _first(trace, ["medical.employee.inpatient_ratio"], inputs.basic_ratio, "medical.basic_ratio")
    general = "medical.resident.inpatient_ratio"
    if inputs.hospital_level is not None and inputs.basic_ratio is None:
        level = str(inputs.hospital_level)
        figure = trace.part(BY_LEVEL, level, report=False) or trace.figure(general, report=False)
        if figure is None and trace.part_keys(BY_LEVEL):
            trace.part(BY_LEVEL, level)  # says which level the region's rules leave out
        elif figure is None:
            trace.figure(general)
        return figure
    if inputs.basic_ratio is not None:
        return _first(trace, [general], inputs.basic_ratio, "medical.basic_ratio")
    found = trace.lookup(general)
    if found.stated:
        return trace.use(found)
    if trace.part_keys(BY_LEVEL):
        trace.report_missing(
            found, "medical.hospital_level", messages.say("medical_level_needed", label=trace.label(found))
        )
    else:
        trace.report_missing(found, "medical.basic_ratio")
    return None


def _basic_layer(trace: Trace, inputs: MedicalInputs, policy_cost: Decimal) -> Span | None:
    """基本医保 from the local rules (or the user's figures for them); None when they are unknown."""
    scheme = inputs.scheme
    deductible = _first(trace, [f"medical.{scheme}.deductible"], inputs.deductible, "medical.deductible")
    ratio = _basic_ratio(trace, inputs)
    cap = trace.first_figure([f"medical.{scheme}.annual_cap"], supplied=inputs.annual_cap, report=False)
    trace.note_user_figure(cap)
    if deductible is None or ratio is None:
        _unknown_step(
            trace,
            "medical_basic_unknown",
            {"short_deductible": deductible, "short_basic_ratio": ratio},
            [cap],
        )
        return None
    low = basic_insurance_payment(
        policy_cost=policy_cost, deductible=_high_or(deductible.span, policy_cost), ratio=ratio.span.low
    )
    high = (
        None
        if ratio.span.high is None
        else basic_insurance_payment(policy_cost=policy_cost, deductible=deductible.span.low, ratio=ratio.span.high)
    )
    uncapped = Span(low, high).within(policy_cost)
    trace.step(
        "medical_basic",
        amount=uncapped.value if uncapped.is_exact else None,
        unit="cny",
        figures=[deductible, ratio],
        policy=messages.amount_text(policy_cost),
        deductible=deductible.text,
        ratio=ratio.text,
        value=_words(uncapped),
    )
    if cap is None:
        trace.assume(messages.say("medical_assume_no_basic_cap"))
        return uncapped
    paid = uncapped.capped(cap.span)
    if paid != uncapped:
        trace.step("medical_basic_capped", amount=None, unit="cny", figures=[cap], cap=cap.text, value=_words(paid))
    return paid


def _high_or(span: Span, default: Decimal) -> Decimal:
    return default if span.high is None else span.high


def _unknown_step(
    trace: Trace, template: str, needed: dict[str, Figure | bool | None], extra_known: Sequence[Figure | None]
) -> None:
    """A layer that cannot be computed: name what is missing and show what is known."""
    missing = [messages.say(name) for name, have in needed.items() if not have]
    known = [item for item in needed.values() if isinstance(item, Figure)]
    known += [item for item in extra_known if item is not None and item not in known]
    known_text = ""
    if known:
        described = [f"{item.use.label} {item.text}" for item in known]
        known_text = messages.say("known_figures", figures=messages.join_names(described))
    trace.step(
        template,
        figures=known,
        missing=messages.join_names([messages.quoted(name) for name in missing]),
        known=known_text,
    )


def _flag(trace: Trace, parameter_id: str) -> Figure | None:
    found = trace.lookup(parameter_id)
    return trace.use(found) if found.exact and found.entry is not None and found.entry.value is True else None


def _critical_cap(trace: Trace, inputs: MedicalInputs) -> tuple[Span | None, list[Figure]]:
    """The 大病保险 cap: the user's, the poor rule's, the general one; None means no cap."""
    if inputs.critical_illness_cap is not None:
        figure = trace.supplied(f"{CRITICAL}.cap", inputs.critical_illness_cap, "medical.critical_illness_cap")
        trace.note_user_figure(figure)
        return figure.span, [figure]
    for prefix in (*_poor_candidates(trace, inputs, POOR, None), CRITICAL):
        no_cap = _flag(trace, f"{prefix}.no_cap")
        if no_cap is not None:
            trace.step("medical_critical_no_cap", figures=[no_cap])
            return None, [no_cap]
        cap = trace.figure(f"{prefix}.cap", report=False)
        if cap is not None:
            return cap.span, [cap]
    trace.assume(messages.say("medical_assume_no_critical_cap"))
    return None, []


def _bands(trace: Trace, inputs: MedicalInputs) -> tuple[list[ScaleBand], list[Figure]]:
    """The 大病保险 bands: the region's scale for 困难群体 where it has one, else one flat ratio."""
    if inputs.critical_illness_ratio is None and _poor_candidates(trace, inputs, BANDS, None):
        bands = trace.scale(BANDS, report=False)
        if bands:
            trace.cite(bands)  # every band is part of the calculation shown
            return bands, [band.figure for band in bands]
    general_ratio = f"{CRITICAL}.ratio" if inputs.scheme == "resident" else f"{CRITICAL}.employee_ratio"
    ratio = _first(
        trace,
        _poor_candidates(trace, inputs, f"{POOR}.ratio", general_ratio),
        inputs.critical_illness_ratio,
        "medical.critical_illness_ratio",
    )
    if ratio is None:
        return [], []
    return [ScaleBand(threshold=ZERO, figure=ratio, method="marginal", text="")], [ratio]


def _band_payment(personal: Decimal, threshold: Decimal, bands: list[ScaleBand], end: str) -> Decimal | None:
    """critical_illness_payment with each band's ratio at its low or high end (None: unbounded)."""
    rates = []
    for band in bands:
        span = band.figure.span
        ratio = span.low if end == "low" else span.high
        if ratio is None:
            return None
        rates.append(Rate(band.threshold, min(ratio, HUNDRED)))
    return critical_illness_payment(personal=personal, threshold=threshold, bands=rates, method=bands[0].method)


def _critical_layer(trace: Trace, inputs: MedicalInputs, personal: Span | None) -> Span | None:
    threshold = _first(
        trace,
        _poor_candidates(trace, inputs, f"{POOR}.threshold", f"{CRITICAL}.threshold"),
        inputs.critical_illness_threshold,
        "medical.critical_illness_threshold",
    )
    tiers, tier_figures = _bands(trace, inputs)
    if personal is None or threshold is None or not tiers:
        needed: dict[str, Figure | bool | None] = {
            "short_personal_after_basic": personal is not None,
            "short_critical_threshold": threshold,
            "short_critical_ratio": bool(tiers),
        }
        _unknown_step(trace, "medical_critical_unknown", needed, tier_figures)
        return None
    threshold_span = threshold.span
    if personal.high is not None and threshold_span.low >= personal.high:
        trace.step(
            "medical_critical_threshold_not_met",
            amount=ZERO,
            unit="cny",
            figures=[threshold],
            base=_words(personal),
            threshold=threshold.text,
        )
        return Span.exact(ZERO)
    low = (
        ZERO if threshold_span.high is None else _band_payment(personal.low, threshold_span.high, tiers, "low") or ZERO
    )
    high = None if personal.high is None else _band_payment(personal.high, threshold_span.low, tiers, "high")
    uncapped = Span(low, high)
    base = _words(personal)
    if len(tiers) == 1:
        trace.step(
            "medical_critical_flat",
            amount=uncapped.value if uncapped.is_exact else None,
            unit="cny",
            figures=[threshold, *tier_figures],
            base=base,
            threshold=threshold.text,
            ratio=tiers[0].figure.text,
            value=_words(uncapped),
        )
    else:
        excess = max(ZERO, personal.low - threshold_span.low)
        parts = [
            messages.say(
                "medical_critical_band", band=band.text, amount=messages.amount_text(covered), ratio=band.figure.text
            )
            for band, covered in apply(tiers, excess)
        ]
        trace.step(
            "medical_critical_tiered",
            amount=uncapped.value if uncapped.is_exact else None,
            unit="cny",
            figures=[threshold, *tier_figures],
            excess=messages.amount_text(excess),
            parts=" + ".join(parts) or messages.amount_text(ZERO),
            value=_words(uncapped),
        )
    cap, cap_figures = _critical_cap(trace, inputs)
    paid = uncapped.capped(cap)
    if paid != uncapped and cap is not None:
        trace.step(
            "medical_critical_capped",
            amount=paid.value if paid.is_exact else None,
            unit="cny",
            figures=cap_figures,
            cap=cap_figures[0].text if cap_figures else _words(cap),
            value=_words(paid),
        )
    return paid


def _target(trace: Trace, critical: Span | None) -> str | None:
    """综合保障 target (e.g. Shaanxi's 90 % for 大病): a goal shown as such, never paid out as an amount.

    The target is for 大病 stays, so it is named only where the 大病保险 pays (or may pay) for this stay.
    """
    found = trace.lookup(TARGET_RATIO)
    if not (found.exact and trace.applies(found, ("registered_poor",))):
        return None
    if critical is not None and critical.high == ZERO:
        trace.step("medical_target_not_critical")
        return None
    figure = trace.use(found)
    trace.step("medical_target", figures=[figure], target=figure.text)
    return messages.say("medical_target_text", target=figure.text)


def _assistance(trace: Trace) -> tuple[Span | None, str, str | None]:
    """医疗救助 for 困难群体 exists everywhere, but no source here states its amount: unknown, said why."""
    if trace.status & {*POOR_MEDICAL_GROUPS, "low_income"}:
        reason = messages.say("medical_assistance_unknown")
        trace.step("medical_assistance_step", reason=reason)
        return None, "unknown", reason
    return None, "not_applicable", messages.say("medical_assistance_not_applicable")


def medical(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.groups)
    inputs = household.medical
    trace.assume(messages.say("medical_assume_insured"))
    scheme_label = dict(FIELDS_BY_KEY["medical.scheme"].choices)[inputs.scheme]
    if "medical.scheme" in household.defaulted:
        trace.assume(messages.say("medical_assume_scheme"))
    trace.step("medical_scheme", scheme=scheme_label)

    total = inputs.total_cost
    policy = inputs.policy_cost if inputs.policy_cost is not None else total
    layers: list[dict[str, object]] = []
    basic: Span | None
    personal: Span | None
    if inputs.basic_paid is not None:
        basic = Span.exact(inputs.basic_paid)
        trace.step("medical_basic_given", amount=inputs.basic_paid, unit="cny")
        if policy is not None:
            personal = Span.exact(policy).minus(basic)
            if inputs.policy_cost is None:
                trace.assume(messages.say("medical_assume_policy_cost"))
            trace.step(
                "medical_personal_after_basic",
                amount=personal.value,
                unit="cny",
                policy=messages.amount_text(policy),
                basic=messages.amount_text(inputs.basic_paid),
            )
        else:
            personal = None
        layers.append(_layer("basic", basic, "given"))
    elif inputs.out_of_pocket is not None:
        out_of_pocket = inputs.out_of_pocket
        trace.step("medical_oop_given", amount=out_of_pocket, unit="cny")
        basic = None if total is None else Span.exact(total - out_of_pocket)
        if basic is not None and total is not None:
            trace.step(
                "medical_basic_from_oop",
                amount=basic.value,
                unit="cny",
                total=messages.amount_text(total),
                oop=messages.amount_text(out_of_pocket),
            )
        outside = ZERO if total is None or policy is None else total - policy
        personal = Span.exact(max(ZERO, out_of_pocket - outside))
        if outside > ZERO:
            trace.step(
                "medical_oop_policy_part",
                amount=personal.value,
                unit="cny",
                oop=messages.amount_text(out_of_pocket),
                outside=messages.amount_text(outside),
            )
        trace.assume(messages.say("medical_assume_oop_in_scope"))
        layers.append(_layer("basic", basic, "given", None if basic else messages.say("medical_basic_needs_total")))
    else:
        assert policy is not None  # the household parser requires a cost for this benefit
        if inputs.policy_cost is None:
            trace.assume(messages.say("medical_assume_policy_cost"))
        trace.step("medical_policy_cost", amount=policy, unit="cny")
        basic = _basic_layer(trace, inputs, policy)
        personal = None if basic is None else Span.exact(policy).minus(basic)
        if basic is not None and personal is not None:
            trace.step(
                "medical_personal_after_basic",
                amount=personal.value if personal.is_exact else None,
                unit="cny",
                policy=messages.amount_text(policy),
                basic=_words(basic),
                value=_words(personal),
            )
        layers.append(_layer("basic", basic, "computed", None if basic else messages.say("medical_basic_needs_rules")))

    if inputs.critical_paid is not None:
        critical: Span | None = Span.exact(inputs.critical_paid)
        trace.step("medical_critical_given", amount=inputs.critical_paid, unit="cny")
        layers.append(_layer("critical_illness", critical, "given"))
    else:
        critical = _critical_layer(trace, inputs, personal)
        layers.append(
            _layer(
                "critical_illness",
                critical,
                "computed",
                None if critical is not None else messages.say("medical_critical_needs_rules"),
            )
        )

    target = _target(trace, critical)
    assistance, assistance_status, assistance_reason = _assistance(trace)
    layers.append(_layer("assistance", assistance, assistance_status, assistance_reason))

    paid: Span | None = None
    if basic is not None and critical is not None:
        paid = basic + critical
        if assistance_status == "unknown":
            paid = Span(paid.low, None)
        if total is not None:
            paid = paid.within(total)
        trace.step(
            "medical_total_paid" if assistance_status != "unknown" else "medical_total_paid_at_least",
            amount=paid.value if paid.is_exact else None,
            unit="cny",
            parts=" + ".join(_words(part) for part in (basic, critical)),
            value=_words(paid) if paid.is_exact else messages.amount_text(paid.low),
        )
    elif basic is not None:
        # The later layers are unknown, but what the basic scheme pays is paid: a lower limit.
        paid = Span(basic.low, None) if total is None else Span(basic.low, None).within(total)
    final_personal: Span | None = None
    if total is not None and paid is not None:
        final_personal = Span.exact(total).minus(paid)
        trace.step(
            "medical_out_of_pocket",
            amount=final_personal.value if final_personal.is_exact else None,
            unit="cny",
            total=messages.amount_text(total),
            paid=_words(paid),
            value=_words(final_personal),
        )
    elif total is None and inputs.out_of_pocket is not None and critical is not None:
        later = critical if assistance_status != "unknown" else Span(critical.low, None)
        final_personal = Span.exact(inputs.out_of_pocket).minus(later)
        trace.step(
            "medical_out_of_pocket_from_oop",
            amount=final_personal.value if final_personal.is_exact else None,
            unit="cny",
            oop=messages.amount_text(inputs.out_of_pocket),
            paid=_words(later),
            value=_words(final_personal),
        )
    layers.append(_layer("out_of_pocket", final_personal, "computed"))
    ratio = None if paid is None or not paid.is_exact or not total else paid.value / total * HUNDRED
    unknown_reason = None
    if paid is None or not paid.says_something(total):
        unknown_reason = messages.say("medical_unknown_reason")
    return trace.result(
        benefit="medical",
        label=messages.BENEFIT_LABELS["medical"],
        eligible=True,
        span=paid,
        unit="cny",
        ceiling=total,
        target=target,
        unknown_reason=unknown_reason,
        extras={
            "layers": layers,
            "out_of_pocket": None
            if final_personal is None or not final_personal.is_exact
            else json_number(final_personal.value),
            "out_of_pocket_bounds": None
            if final_personal is None or final_personal.is_exact
            else {
                "low": json_number(final_personal.low) if final_personal.low > 0 else None,
                "high": None if final_personal.high is None else json_number(final_personal.high),
            },
            "reimbursement_ratio": None if ratio is None else json_number(ratio),
        },
    )
