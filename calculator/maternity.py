"""生育保险: 产假 (生育津贴) days and the 生育津贴 itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from calculator import messages
from calculator.data import PolicyTable
from calculator.fields import Household
from calculator.results import BenefitResult, Figure, Trace
from calculator.span import Span

DEFAULT_DAYS_PER_MONTH = Decimal(30)


# --- pure rules ------------------------------------------------------------------------------


def maternity_days(*, delivery_days: int, per_extra_baby: int, babies: int) -> int:
    """The delivery's days plus the extra days for each baby beyond the first."""
    return delivery_days + per_extra_baby * (babies - 1)


def maternity_allowance(*, monthly_wage: Decimal, days: int, days_per_month: Decimal) -> Decimal:
    """用人单位上年度职工月平均工资 ÷ days per month × days (one division, rounded later)."""
    return monthly_wage * days / days_per_month


# --- reading the rules ---------------------------------------------------------------------------


def _whole(figure: Figure) -> int:
    return int(figure.number)


def maternity(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.groups)
    inputs = household.maternity
    trace.assume(messages.say("maternity_assume_insured"))
    natural = trace.figure("maternity.leave_days.natural")
    day_figures: list[Figure | None] = []
    delivery_days: int | None = None
    parts: list[str] = []
    if inputs.delivery == "caesarean":
        trace.assume(messages.say("maternity_assume_caesarean_difficult"))
        total = trace.figure("maternity.leave_days.caesarean", report=False)
        if total is not None:
            delivery_days = _whole(total)
            day_figures.append(total)
            trace.step("maternity_caesarean_total", amount=delivery_days, unit="days", figures=[total])
        else:
            extra = trace.figure("maternity.leave_days.difficult_birth_extra")
            if natural is not None and extra is not None:
                delivery_days = _whole(natural) + _whole(extra)
                day_figures.extend([natural, extra])
                trace.step(
                    "maternity_caesarean_extra",
                    amount=delivery_days,
                    unit="days",
                    figures=[natural, extra],
                    natural=messages.value_text(natural.number, "days"),
                    extra=messages.value_text(extra.number, "days"),
                )
    elif natural is not None:
        delivery_days = _whole(natural)
        day_figures.append(natural)
        trace.step("maternity_natural", amount=delivery_days, unit="days", figures=[natural])
    if delivery_days is not None:
        parts.append(messages.value_text(delivery_days, "days"))

    per_baby_days = 0
    if inputs.babies > 1:
        per_baby = trace.figure("maternity.leave_days.per_extra_baby")
        if per_baby is None:
            delivery_days = None
        else:
            per_baby_days = _whole(per_baby)
            day_figures.append(per_baby)
            extra_days = per_baby_days * (inputs.babies - 1)
            trace.step(
                "maternity_extra_babies",
                amount=extra_days,
                unit="days",
                figures=[per_baby],
                per_baby=messages.value_text(per_baby.number, "days"),
                extra_babies=inputs.babies - 1,
            )
            parts.append(messages.value_text(extra_days, "days"))

    days = None
    if delivery_days is not None:
        days = maternity_days(delivery_days=delivery_days, per_extra_baby=per_baby_days, babies=inputs.babies)
        trace.step("maternity_days", amount=days, unit="days", parts=" + ".join(parts))
    else:
        trace.step("maternity_days_unknown")

    amount = None
    if inputs.avg_monthly_wage is None:
        trace.assume(messages.say("maternity_no_wage"))
    elif days is not None:
        per_month = trace.figure("maternity.allowance_days_per_month", report=False)
        days_per_month = per_month.number if per_month is not None else DEFAULT_DAYS_PER_MONTH
        if per_month is None:
            trace.assume(messages.say("maternity_assume_30_days"))
        amount = maternity_allowance(monthly_wage=inputs.avg_monthly_wage, days=days, days_per_month=days_per_month)
        trace.step(
            "maternity_allowance",
            amount=amount,
            unit="cny",
            figures=[per_month],
            wage=messages.amount_text(inputs.avg_monthly_wage, "cny_per_month"),
            per_month=messages.value_text(days_per_month, "number"),
            days=messages.value_text(days, "days"),
        )
    # Leave days written as a national minimum (where the region is silent) make the answer "at least".
    floor = any(figure is not None and figure.bound == "at_least" for figure in day_figures)
    if floor and days is not None:
        trace.step("maternity_days_floor", days=messages.value_text(days, "days"))
    # A floor on the days makes the allowance "at least" (unless it is 0, which more days cannot change).
    span = None if amount is None else (Span.at_least(amount) if floor and amount > 0 else Span.exact(amount))
    return trace.result(
        benefit="maternity",
        label=messages.BENEFIT_LABELS["maternity"],
        eligible=True,
        span=span,
        unit="cny",
        extras={"days": days, "days_at_least": floor if days is not None else None},
    )
