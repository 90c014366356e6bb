"""工伤保险: 一次性伤残补助金 and the monthly 伤残津贴 by grade (《工伤保险条例》 arts. 35–37)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from calculator import messages
from calculator.data import PolicyTable
from calculator.fields import Household
from calculator.money import json_number, share
from calculator.results import BenefitResult, Trace
from calculator.span import Span

LUMP_SUM_MONTHS = "work_injury.lump_sum_months"
ALLOWANCE_RATIO = "work_injury.disability_allowance_ratio"

# --- pure rules ------------------------------------------------------------------------------


def clamped_wage(*, wage: Decimal, average: Decimal, floor_ratio: Decimal, ceiling_ratio: Decimal) -> Decimal:
    """本人工资 held between floor% and ceiling% of the local average wage."""
    return min(max(wage, average * share(floor_ratio)), average * share(ceiling_ratio))


def lump_sum(*, months: Decimal, wage: Decimal) -> Decimal:
    return months * wage


def disability_allowance(*, wage: Decimal, ratio: Decimal) -> Decimal:
    return wage * share(ratio)


# --- reading the rules ---------------------------------------------------------------------------


def _wage_used(trace: Trace, household: Household) -> Decimal:
    inputs = household.work_injury
    wage = inputs.monthly_wage
    assert wage is not None  # required by the household parser for this benefit
    if inputs.local_avg_wage is None:
        trace.assume(messages.say("injury_assume_unclamped"))
        return wage
    floor = trace.figure("work_injury.wage_floor_ratio")
    ceiling = trace.figure("work_injury.wage_ceiling_ratio")
    if floor is None or ceiling is None:
        trace.assume(messages.say("injury_assume_unclamped"))
        return wage
    average = inputs.local_avg_wage
    used = clamped_wage(wage=wage, average=average, floor_ratio=floor.number, ceiling_ratio=ceiling.number)
    words = {
        "wage": messages.amount_text(wage, "cny_per_month"),
        "average": messages.amount_text(average, "cny_per_month"),
    }
    if used > wage:
        trace.step(
            "injury_wage_floor",
            amount=used,
            unit="cny_per_month",
            figures=[floor],
            ratio=messages.percent_text(floor.number),
            limit=messages.amount_text(used, "cny_per_month"),
            **words,
        )
    elif used < wage:
        trace.step(
            "injury_wage_ceiling",
            amount=used,
            unit="cny_per_month",
            figures=[ceiling],
            ratio=messages.percent_text(ceiling.number),
            limit=messages.amount_text(used, "cny_per_month"),
            **words,
        )
    else:
        trace.step(
            "injury_wage_within",
            amount=used,
            unit="cny_per_month",
            figures=[floor, ceiling],
            floor_ratio=messages.percent_text(floor.number),
            ceiling_ratio=messages.percent_text(ceiling.number),
            **words,
        )
    return used


def work_injury(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.groups)
    grade = household.work_injury.grade
    assert grade is not None  # required by the household parser for this benefit
    trace.assume(messages.say("injury_assume_recognised"))
    wage = _wage_used(trace, household)
    name = messages.grade_text(grade)

    months = trace.part(LUMP_SUM_MONTHS, str(grade))
    amount = None
    if months is not None:
        amount = lump_sum(months=months.number, wage=wage)
        trace.step(
            "injury_lump_sum",
            amount=amount,
            unit="cny",
            figures=[months],
            grade=name,
            months=messages.value_text(months.number, "months"),
            wage=messages.amount_text(wage, "cny_per_month"),
        )

    monthly = None
    # The grades with a monthly allowance are the keys the rules in force give a ratio for.
    with_allowance = trace.part_keys(ALLOWANCE_RATIO)
    if str(grade) in with_allowance or not with_allowance:
        ratio = trace.part(ALLOWANCE_RATIO, str(grade))
        if ratio is not None:
            monthly = disability_allowance(wage=wage, ratio=ratio.number)
            trace.step(
                "injury_allowance",
                amount=monthly,
                unit="cny_per_month",
                figures=[ratio],
                grade=name,
                wage=messages.amount_text(wage, "cny_per_month"),
                ratio=messages.percent_text(ratio.number),
            )
        trace.assume(messages.say("injury_assume_minimum_wage" if grade <= 4 else "injury_assume_five_six"))
    else:
        trace.step("injury_no_allowance", grade=name)
    return trace.result(
        benefit="work_injury",
        label=messages.BENEFIT_LABELS["work_injury"],
        eligible=True,
        span=None if amount is None else Span.exact(amount),
        unit="cny",
        extras={
            "lump_sum": None if amount is None else json_number(amount),
            "monthly_allowance": None if monthly is None else json_number(monthly),
            "wage_used": json_number(wage),
        },
    )
