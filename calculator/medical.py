"""One inpatient bill through the layers: 基本医保 → 大病保险 → 医疗救助/综合保障 → 个人自付."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from calculator import messages
from calculator.data import PolicyTable
from calculator.fields import FIELDS_BY_KEY, Household, MedicalInputs
from calculator.money import HUNDRED, ZERO, json_number, share
from calculator.parameters import HOSPITAL_LEVELS
from calculator.results import BenefitResult, Figure, Trace

POOR_MEDICAL_GROUPS = ("registered_poor", "dibao", "tekun")
CRITICAL = "medical.critical_illness"
POOR = "medical.critical_illness.poor"
TARGET_RATIO = "medical.comprehensive.target_ratio"

Tier = tuple[Decimal | None, Decimal]  # (width above the threshold, or None for the rest; payment share)


# --- pure rules ------------------------------------------------------------------------------


def basic_insurance_payment(*, policy_cost: Decimal, deductible: Decimal, ratio: Decimal) -> Decimal:
    """Policy-scope cost above the 起付线, times the reimbursement ratio (percent), before any cap."""
    return max(ZERO, policy_cost - deductible) * share(ratio)


def capped(amount: Decimal, cap: Decimal | None) -> Decimal:
    return amount if cap is None else min(amount, cap)


def critical_illness_payment(*, personal: Decimal, threshold: Decimal, tiers: Sequence[Tier]) -> Decimal:
    """大病保险: the personal payment above the threshold, paid band by band at each band's ratio."""
    excess = max(ZERO, personal - threshold)
    paid = ZERO
    lower = ZERO
    for width, ratio in tiers:
        upper = excess if width is None else min(excess, lower + width)
        if upper > lower:
            paid += (upper - lower) * share(ratio)
        if width is None:
            break
        lower += width
    return paid


def comprehensive_top_up(*, total_cost: Decimal, paid: Decimal, target_ratio: Decimal) -> Decimal:
    """综合保障: what brings the reimbursement up to the target share of the total cost."""
    return max(ZERO, total_cost * share(target_ratio) - paid)


# --- reading the layers --------------------------------------------------------------------------


def _layer(layer_id: str, amount: Decimal | None, status: str) -> dict[str, object]:
    return {
        "id": layer_id,
        "label": messages.say("layer_" + layer_id),
        "amount": None if amount is None else json_number(amount),
        "status": status,
    }


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
    if inputs.hospital_level is not None:
        ids = [f"{general}.level_{inputs.hospital_level}", general]
        return _first(trace, ids, inputs.basic_ratio, "medical.basic_ratio")
    if inputs.basic_ratio is not None:
        return _first(trace, [general], inputs.basic_ratio, "medical.basic_ratio")
    found = trace.lookup(general)
    if found.stated:
        return trace.use(found)
    by_level = [trace.lookup(f"{general}.level_{level}") for level in HOSPITAL_LEVELS]
    stated_levels = [level for level in by_level if level.stated]
    if stated_levels:
        trace.report_missing(
            found, "medical.hospital_level", messages.say("medical_level_needed", label=trace.label(found))
        )
    else:
        trace.report_missing(found, "medical.basic_ratio")
    return None


def _basic_layer(trace: Trace, inputs: MedicalInputs, policy_cost: Decimal) -> Decimal | None:
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
    uncapped = basic_insurance_payment(policy_cost=policy_cost, deductible=deductible.number, ratio=ratio.number)
    trace.step(
        "medical_basic",
        amount=uncapped,
        unit="cny",
        figures=[deductible, ratio],
        policy=messages.amount_text(policy_cost),
        deductible=messages.amount_text(deductible.number),
        ratio=messages.percent_text(ratio.number),
    )
    if cap is None:
        trace.assume(messages.say("medical_assume_no_basic_cap"))
        return uncapped
    paid = capped(uncapped, cap.number)
    if paid < uncapped:
        trace.step("medical_basic_capped", amount=paid, unit="cny", figures=[cap], cap=messages.amount_text(cap.number))
    return paid


def _unknown_step(
    trace: Trace, template: str, needed: dict[str, Figure | bool | None], extra_known: Sequence[Figure | None]
) -> None:
    """A layer that cannot be computed: name what is missing and show what is known."""
    missing = [messages.say(name) for name, have in needed.items() if not have]
    known = [item for item in needed.values() if isinstance(item, Figure)]
    known += [item for item in extra_known if item is not None and item not in known]
    known_text = ""
    if known:
        described = [f"{item.use.label} {messages.value_text(item.value, item.use.unit)}" for item in known]
        known_text = messages.say("known_figures", figures=messages.join_names(described))
    trace.step(
        template,
        figures=known,
        missing=messages.join_names([messages.quoted(name) for name in missing]),
        known=known_text,
    )


def _flag(trace: Trace, parameter_id: str) -> Figure | None:
    found = trace.lookup(parameter_id)
    return trace.use(found) if found.stated and found.entry is not None and found.entry.value is True else None


def _critical_cap(trace: Trace, inputs: MedicalInputs) -> tuple[Decimal | None, list[Figure]]:
    """The 大病保险 cap: the user's, the poor rule's, the general one; None means no cap."""
    if inputs.critical_illness_cap is not None:
        figure = trace.supplied(f"{CRITICAL}.cap", inputs.critical_illness_cap, "medical.critical_illness_cap")
        trace.note_user_figure(figure)
        return figure.number, [figure]
    for prefix in (*_poor_candidates(trace, inputs, POOR, None), CRITICAL):
        no_cap = _flag(trace, f"{prefix}.no_cap")
        if no_cap is not None:
            trace.step("medical_critical_no_cap", figures=[no_cap])
            return None, [no_cap]
        cap = trace.figure(f"{prefix}.cap", report=False)
        if cap is not None:
            return cap.number, [cap]
    trace.assume(messages.say("medical_assume_no_critical_cap"))
    return None, []


def _critical_layer(trace: Trace, inputs: MedicalInputs, personal: Decimal | None) -> Decimal | None:
    threshold = _first(
        trace,
        _poor_candidates(trace, inputs, f"{POOR}.threshold", f"{CRITICAL}.threshold"),
        inputs.critical_illness_threshold,
        "medical.critical_illness_threshold",
    )
    tiers: list[Tier] = []
    tier_figures: list[Figure] = []
    if inputs.critical_illness_ratio is None and _poor_candidates(trace, inputs, f"{POOR}.tier_1_ratio", None):
        parts = [
            trace.figure(f"{POOR}.{name}", report=False) for name in ("tier_1_upper", "tier_1_ratio", "tier_2_ratio")
        ]
        upper, first_ratio, second_ratio = parts
        if upper is not None and first_ratio is not None and second_ratio is not None:
            tiers = [(upper.number, first_ratio.number), (None, second_ratio.number)]
            tier_figures = [upper, first_ratio, second_ratio]
    if not tiers:
        general_ratio = f"{CRITICAL}.ratio" if inputs.scheme == "resident" else f"{CRITICAL}.employee_ratio"
        ratio = _first(
            trace,
            _poor_candidates(trace, inputs, f"{POOR}.ratio", general_ratio),
            inputs.critical_illness_ratio,
            "medical.critical_illness_ratio",
        )
        if ratio is not None:
            tiers = [(None, ratio.number)]
            tier_figures = [ratio]
    if personal is None or threshold is None or not tiers:
        needed: dict[str, Figure | bool | None] = {
            "short_personal_after_basic": personal is not None,
            "short_critical_threshold": threshold,
            "short_critical_ratio": bool(tiers),
        }
        _unknown_step(trace, "medical_critical_unknown", needed, tier_figures)
        return None
    if personal <= threshold.number:
        trace.step(
            "medical_critical_threshold_not_met",
            amount=ZERO,
            unit="cny",
            figures=[threshold],
            base=messages.amount_text(personal),
            threshold=messages.amount_text(threshold.number),
        )
        return ZERO
    uncapped = critical_illness_payment(personal=personal, threshold=threshold.number, tiers=tiers)
    if len(tiers) == 1:
        trace.step(
            "medical_critical_flat",
            amount=uncapped,
            unit="cny",
            figures=[threshold, *tier_figures],
            base=messages.amount_text(personal),
            threshold=messages.amount_text(threshold.number),
            ratio=messages.percent_text(tiers[0][1]),
        )
    else:
        width = tiers[0][0] or ZERO
        excess = personal - threshold.number
        trace.step(
            "medical_critical_tiered",
            amount=uncapped,
            unit="cny",
            figures=[threshold, *tier_figures],
            tier_1_amount=messages.amount_text(min(excess, width)),
            tier_1_ratio=messages.percent_text(tiers[0][1]),
            tier_1_upper=messages.amount_text(width),
            tier_2_amount=messages.amount_text(max(ZERO, excess - width)),
            tier_2_ratio=messages.percent_text(tiers[1][1]),
        )
    cap, cap_figures = _critical_cap(trace, inputs)
    paid = capped(uncapped, cap)
    if cap is not None and paid < uncapped:
        trace.step(
            "medical_critical_capped", amount=paid, unit="cny", figures=cap_figures, cap=messages.amount_text(cap)
        )
    return paid


def _comprehensive_layer(
    trace: Trace, total: Decimal | None, paid_before: Decimal | None
) -> tuple[Decimal | None, str]:
    found = trace.lookup(TARGET_RATIO)
    if not (found.stated and trace.applies(found, ("registered_poor",))):
        if trace.status & set(POOR_MEDICAL_GROUPS):
            trace.step("medical_no_comprehensive")
        return ZERO, "not_applicable"
    target = trace.use(found)
    trace.assume(messages.say("medical_assume_target_on_total"))
    if total is None:
        trace.step("medical_comprehensive_no_total", figures=[target])
        return None, "missing"
    if paid_before is None:
        most = total * (1 - share(target.number))
        trace.step("medical_comprehensive_unknown", figures=[target], cap=messages.amount_text(most))
        return None, "missing"
    goal = total * share(target.number)
    top_up = comprehensive_top_up(total_cost=total, paid=paid_before, target_ratio=target.number)
    words = {
        "target": messages.percent_text(target.number),
        "total": messages.amount_text(total),
        "goal": messages.amount_text(goal),
        "paid": messages.amount_text(paid_before),
    }
    template = "medical_comprehensive" if top_up > ZERO else "medical_comprehensive_met"
    trace.step(template, amount=top_up, unit="cny", figures=[target], **words)
    return top_up, "computed"


def medical(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.status)
    inputs = household.medical
    trace.assume(messages.say("medical_assume_insured"))
    scheme_label = dict(FIELDS_BY_KEY["medical.scheme"].choices)[inputs.scheme]
    if "medical.scheme" in household.defaulted:
        trace.assume(messages.say("medical_assume_scheme"))
    trace.step("medical_scheme", scheme=scheme_label)

    total = inputs.total_cost
    policy = inputs.policy_cost if inputs.policy_cost is not None else total
    layers: list[dict[str, object]] = []
    basic: Decimal | None
    personal: Decimal | None
    if inputs.out_of_pocket is not None:
        out_of_pocket = inputs.out_of_pocket
        trace.step("medical_oop_given", amount=out_of_pocket, unit="cny")
        basic = None if total is None else total - out_of_pocket
        if basic is not None and total is not None:
            trace.step(
                "medical_basic_from_oop",
                amount=basic,
                unit="cny",
                total=messages.amount_text(total),
                oop=messages.amount_text(out_of_pocket),
            )
        outside = ZERO if total is None or policy is None else total - policy
        personal = max(ZERO, out_of_pocket - outside)
        if outside > ZERO:
            trace.step(
                "medical_oop_policy_part",
                amount=personal,
                unit="cny",
                oop=messages.amount_text(out_of_pocket),
                outside=messages.amount_text(outside),
            )
        trace.assume(messages.say("medical_assume_oop_in_scope"))
        layers.append(_layer("basic", basic, "given" if basic is not None else "missing"))
    else:
        assert policy is not None  # the household parser requires a cost for this benefit
        if inputs.policy_cost is None:
            trace.assume(messages.say("medical_assume_policy_cost"))
        trace.step("medical_policy_cost", amount=policy, unit="cny")
        basic = _basic_layer(trace, inputs, policy)
        personal = None if basic is None else policy - basic
        if basic is not None:
            trace.step(
                "medical_personal_after_basic",
                amount=personal,
                unit="cny",
                policy=messages.amount_text(policy),
                basic=messages.amount_text(basic),
            )
        layers.append(_layer("basic", basic, "computed" if basic is not None else "missing"))

    critical = _critical_layer(trace, inputs, personal)
    layers.append(_layer("critical_illness", critical, "computed" if critical is not None else "missing"))

    paid_before = None if basic is None or critical is None else basic + critical
    assistance, assistance_status = _comprehensive_layer(trace, total, paid_before)
    layers.append(_layer("assistance", assistance, assistance_status))

    amount = None
    final_personal = None
    if total is not None and paid_before is not None and assistance is not None:
        amount = paid_before + assistance
        final_personal = total - amount
        parts = [messages.amount_text(part) for part in (basic or ZERO, critical or ZERO, assistance)]
        trace.step("medical_total_paid", amount=amount, unit="cny", parts=" + ".join(parts))
        trace.step(
            "medical_out_of_pocket",
            amount=final_personal,
            unit="cny",
            total=messages.amount_text(total),
            paid=messages.amount_text(amount),
        )
    elif total is None and inputs.out_of_pocket is not None and critical is not None and assistance is not None:
        later = critical + assistance
        final_personal = inputs.out_of_pocket - later
        trace.step(
            "medical_out_of_pocket_from_oop",
            amount=final_personal,
            unit="cny",
            oop=messages.amount_text(inputs.out_of_pocket),
            paid=messages.amount_text(later),
        )
    layers.append(_layer("out_of_pocket", final_personal, "computed" if final_personal is not None else "missing"))
    ratio = None if amount is None or not total else amount / total * HUNDRED
    return trace.result(
        benefit="medical",
        label=messages.BENEFIT_LABELS["medical"],
        eligible=True,
        amount=amount,
        unit="cny",
        extras={
            "layers": layers,
            "out_of_pocket": None if final_personal is None else json_number(final_personal),
            "reimbursement_ratio": None if ratio is None else json_number(ratio),
        },
    )
