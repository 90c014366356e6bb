"""失业保险: the 农民合同制工人 一次性生活补助, and 失业保险金 (level and longest period) for others."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from calculator import messages
from calculator.data import PolicyTable
from calculator.fields import Household
from calculator.money import json_number
from calculator.results import BenefitResult, Figure, Trace, apply
from calculator.span import Span

MIGRANT = "migrant_worker"
MAX_MONTHS = "unemployment.max_benefit_months"


# --- pure rules ------------------------------------------------------------------------------


def condition_met(*, insured_years: Decimal | None, minimum: Decimal, contract_ended: bool | None) -> bool | None:
    """Both conditions met → True; either failed → False; otherwise unknown (None)."""
    if (insured_years is not None and insured_years < minimum) or contract_ended is False:
        return False
    if insured_years is None or contract_ended is None:
        return None
    return True


# --- reading the rules ---------------------------------------------------------------------------


def _eligibility(trace: Trace, household: Household, minimum: Figure | None) -> bool | None:
    inputs = household.unemployment
    if minimum is None:
        return None
    minimum_text = messages.value_text(minimum.number, "years")
    if inputs.insured_years is None:
        trace.step("unemp_years_unknown", figures=[minimum], minimum=minimum_text)
    else:
        years_text = messages.value_text(inputs.insured_years, "years")
        met = inputs.insured_years >= minimum.number
        trace.step(
            "unemp_years_ok" if met else "unemp_years_short", figures=[minimum], years=years_text, minimum=minimum_text
        )
    if inputs.contract_ended is None:
        trace.step("unemp_contract_unknown")
    else:
        trace.step("unemp_contract_ended" if inputs.contract_ended else "unemp_contract_not_ended")
    return condition_met(
        insured_years=inputs.insured_years, minimum=minimum.number, contract_ended=inputs.contract_ended
    )


def _benefit(trace: Trace, household: Household) -> tuple[dict[str, object], Decimal | None]:
    """失业保险金: monthly level where the sources state it, and the longest period."""
    inputs = household.unemployment
    monthly = trace.figure("unemployment.benefit_monthly", supplied=inputs.benefit_monthly)
    if monthly is not None and monthly.use.reference is None:
        trace.note_user_figure(monthly)
    elif monthly is not None:
        trace.step("unemp_benefit_monthly", amount=monthly.number, unit="cny_per_month", figures=[monthly])
    months = None
    if inputs.insured_years is not None:
        bands = trace.scale(MAX_MONTHS)
        applying = apply(bands, inputs.insured_years) if bands else []
        if applying:
            trace.cite([applying[0][0]])
            months = applying[0][0].figure
            trace.step(
                "unemp_benefit_months",
                amount=months.number,
                unit="months",
                figures=[months],
                years=messages.value_text(inputs.insured_years, "years"),
            )
    total = None
    if monthly is not None and months is not None:
        total = monthly.number * months.number
        trace.step(
            "unemp_benefit_total",
            amount=total,
            unit="cny",
            monthly=messages.amount_text(monthly.number, "cny_per_month"),
            months=messages.value_text(months.number, "months"),
        )
    extras: dict[str, object] = {
        "monthly": None if monthly is None else json_number(monthly.number),
        "max_months": None if months is None else int(months.number),
        "max_total": None if total is None else json_number(total),
    }
    return extras, None if monthly is None else monthly.number


def unemployment(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.groups)
    inputs = household.unemployment
    if MIGRANT in household.status:
        trace.step("unemp_migrant")
        trace.assume(messages.say("unemp_assume_migrant"))
        minimum = trace.figure("unemployment.migrant_lump_sum.min_insured_years")
        eligible = _eligibility(trace, household, minimum)
        amount: Decimal | None = Decimal(0) if eligible is False else None
        if eligible is not False:
            lump = trace.figure("unemployment.migrant_lump_sum.amount", supplied=inputs.lump_sum_amount)
            if lump is not None and lump.use.reference is None:
                trace.note_user_figure(lump)
            elif lump is not None:
                trace.step("unemp_lump_sum", amount=lump.number, unit="cny", figures=[lump])
            else:
                trace.step("unemp_lump_sum_unknown")
            amount = lump.number if lump is not None and eligible else None
        return trace.result(
            benefit="unemployment",
            label=messages.BENEFIT_LABELS["unemployment.migrant_lump_sum"],
            eligible=eligible,
            span=None if amount is None else Span.exact(amount),
            unit="cny",
            extras={"kind": "migrant_lump_sum", "unemployment_benefit": None},
        )
    trace.step("unemp_not_migrant")
    trace.assume(messages.say("unemp_assume_involuntary"))
    minimum = trace.figure("unemployment.benefit_eligibility.min_insured_years")
    eligible = _eligibility(trace, household, minimum)
    benefit, monthly = _benefit(trace, household)
    amount = Decimal(0) if eligible is False else monthly
    return trace.result(
        benefit="unemployment",
        label=messages.BENEFIT_LABELS["unemployment.unemployment_benefit"],
        eligible=eligible,
        span=None if amount is None else Span.exact(amount),
        unit="cny_per_month",
        extras={"kind": "unemployment_benefit", "unemployment_benefit": benefit},
    )
