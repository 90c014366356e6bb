"""城乡居民养老保险: the government-paid contribution (代缴) and the estimated monthly pension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calculator import messages
from calculator.data import PolicyTable
from calculator.fields import Household
from calculator.money import ZERO, json_number
from calculator.results import BenefitResult, Figure, Trace
from calculator.span import Span
from calculator.vocabulary import GROUPS

BY_STATUS = "pension.resident.paid_contribution.by_status"
# Who pays, where the data says: the payer of the 重度残疾人 代缴, the funding shares of the others'.
DISABILITY_PAYER = "pension.resident.paid_contribution.severe_disability.payer"
POOR_SHARES = (
    "pension.resident.paid_contribution.poor.provincial_share",
    "pension.resident.paid_contribution.poor.local_share",
)
NO_DOUBLE_PAYMENT = (
    "pension.resident.paid_contribution.severe_disability.no_double_payment",
    "pension.resident.paid_contribution.no_double_payment",
)


# --- pure rules ------------------------------------------------------------------------------


def paid_contribution_without_double_payment(amounts: list[Decimal]) -> Decimal:
    """Several 代缴 entitlements are not paid twice: the higher one is paid."""
    return max(amounts, default=ZERO)


def contribution_subsidy(
    contribution: Decimal, *, minimum: Decimal, high_grade_threshold: Decimal, high_grade_minimum: Decimal
) -> Decimal:
    """国发〔2014〕8号: at least `minimum` a year; at least `high_grade_minimum` from the high grade up."""
    if contribution <= ZERO:
        return ZERO
    return high_grade_minimum if contribution >= high_grade_threshold else minimum


def account_balance(*, contribution: Decimal, subsidy: Decimal, paid: Decimal, years: int) -> Decimal:
    """个人账户储存额 without interest: everything paid in each year, times the years."""
    return (contribution + subsidy + paid) * years


def account_pension_monthly(*, balance: Decimal, divisor: Decimal) -> Decimal:
    """个人账户养老金: the balance divided by the 计发系数 (139 at 60)."""
    return balance / divisor


# --- 代缴 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PaidContribution:
    eligible: bool
    span: Span | None  # None: the household is covered but nothing limits the amount
    payer: str | None
    figure: Figure | None


def _payer(trace: Trace, status: str) -> str | None:
    """Who pays, in the words of the data where it says (text payer, or the funding shares)."""
    if status == "severe_disability":
        found = trace.lookup(DISABILITY_PAYER)
        return str(found.entry.value) if found.exact and found.entry is not None else None
    provincial, local = (trace.lookup(pid) for pid in POOR_SHARES)
    if provincial.exact and local.exact and provincial.entry and local.entry:
        provincial_text = messages.value_text(provincial.entry.value, "percent")
        local_text = messages.value_text(local.entry.value, "percent")
        return messages.say("payer_shares", provincial=provincial_text, local=local_text)
    return None


def not_paid_twice(spans: list[Span]) -> Span:
    """Several 代缴 entitlements are not paid twice: the higher one is paid."""
    low = max((span.low for span in spans), default=ZERO)
    highs = [span.high for span in spans]
    high = None if any(h is None for h in highs) else max((h for h in highs if h is not None), default=ZERO)
    return Span(low, high)


def paid_contribution(trace: Trace, household: Household) -> PaidContribution:
    """The 代缴 that applies to this household in the trace's region, with its steps.

    The amounts are one breakdown keyed by household status (the keys in force, inherited key by key
    from the ancestors); the household is covered by every key it holds, and is not paid twice.
    """
    supplied = household.pension.paid_contribution
    if household.status:
        names = [GROUPS[s] for s in sorted(household.status)]
        trace.step("groups", groups=messages.join_names(names))
    parts = trace.parts(BY_STATUS)
    label = trace.table.label(BY_STATUS)
    applicable = [key for key, item in parts.items() if trace.covers([key], item.part.requires, label)]
    if not applicable:
        if household.status:
            target_names = messages.join_names([GROUPS[key] for key in GROUPS if key in parts])
            trace.step("subsidy_not_eligible", targets=target_names)
        else:
            trace.step("subsidy_no_status")
        return PaidContribution(eligible=False, span=Span.exact(ZERO), payer=None, figure=None)
    if supplied is not None:
        figure = trace.supplied(BY_STATUS, supplied, "pension.paid_contribution")
        trace.note_user_figure(figure)
        return PaidContribution(eligible=True, span=Span.exact(supplied), payer=None, figure=figure)
    # Keys with the same figure from the same source are one entitlement ("低保对象、特困人员代缴").
    same: dict[tuple[object, ...], list[tuple[str, Figure | None]]] = {}
    for key in applicable:
        stated = trace.part(BY_STATUS, key, report=False)
        identity = (None, key) if stated is None else (stated.value, stated.bound, stated.use.reference)
        same.setdefault(identity, []).append((key, stated))
    found_figures: list[tuple[Figure, str, str]] = []
    for members in same.values():
        stated = members[0][1]
        if stated is None:
            continue
        name = messages.say("subsidy_target", groups=messages.join_names([GROUPS[key] for key, _ in members]))
        if stated.bound == "at_most":
            trace.step(
                "subsidy_one_at_most",
                amount=stated.number,
                unit="cny_per_year",
                figures=[stated],
                target=name,
                limit=stated.also[0].label if stated.also else stated.use.label,
            )
        else:
            trace.step("subsidy_one", amount=stated.number, unit="cny_per_year", figures=[stated], target=name)
        found_figures.append((stated, members[0][0], name))
    if not found_figures:
        return PaidContribution(eligible=True, span=None, payer=None, figure=None)
    spans = [figure.span for figure, _, _ in found_figures]
    if len(found_figures) < len(same):
        # Not paid twice: a stated entitlement is the least the household gets; the other is unknown.
        trace.assume(messages.say("subsidy_assume_known_one"))
        spans = [Span(not_paid_twice(spans).low, None)]
    best_figure, best_key, _ = max(found_figures, key=lambda item: (item[0].span.low, item[0].number))
    span = not_paid_twice(spans)
    if len(found_figures) > 1:
        flags = [trace.lookup(pid) for pid in NO_DOUBLE_PAYMENT]
        rules = [trace.use(flag) for flag in flags if flag.exact and flag.entry and flag.entry.value is True]
        if not rules:
            trace.assume(messages.say("subsidy_assume_no_double"))
        trace.step(
            "subsidy_no_double",
            amount=span.value if span.is_exact else None,
            unit="cny_per_year",
            figures=rules,
            value=_span_words(span, "cny_per_year"),
        )
    return PaidContribution(eligible=True, span=span, payer=_payer(trace, best_key), figure=best_figure)


def pension_subsidy(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.groups)
    paid = paid_contribution(trace, household)
    return trace.result(
        benefit="pension_subsidy",
        label=messages.BENEFIT_LABELS["pension_subsidy"],
        eligible=paid.eligible,
        span=paid.span,
        unit="cny_per_year",
        extras={"payer": paid.payer},
    )


# --- monthly pension ------------------------------------------------------------------------------


def _span_words(span: Span, unit: str = "cny") -> str:
    return messages.amount_text(span.value, unit) if span.is_exact else messages.span_text(span, unit)


def pension_monthly(household: Household, table: PolicyTable, region: str, on: date) -> BenefitResult:
    trace = Trace(table=table, region=region, on=on, status=household.groups)
    inputs = household.pension
    contribution = inputs.annual_contribution or ZERO
    years = inputs.years or 0

    pension_age = trace.figure("pension.resident.pension_age", report=False)
    if household.age is not None and pension_age is not None:
        reached = Decimal(household.age) >= pension_age.number
        trace.step(
            "pension_age_reached" if reached else "pension_age_future",
            figures=[pension_age],
            age=household.age,
            pension_age=messages.value_text(pension_age.number, "number"),
        )

    paid = paid_contribution(trace, household)
    paid_span = paid.span if paid.eligible else Span.exact(ZERO)
    if paid.eligible and paid_span is not None and paid_span.high != ZERO:
        trace.assume(messages.say("pension_assume_paid_every_year"))

    if inputs.subsidy_per_year is not None:
        subsidy_figure: Figure | None = trace.supplied(
            "pension.resident.contribution_subsidy.minimum", inputs.subsidy_per_year, "pension.subsidy_per_year"
        )
        trace.note_user_figure(subsidy_figure)
        subsidy: Span | None = Span.exact(inputs.subsidy_per_year)
    else:
        subsidy, subsidy_figure = _minimum_subsidy(trace, contribution)

    balance: Span | None = None
    if subsidy is not None and paid_span is not None:
        balance = (Span.exact(contribution) + subsidy + paid_span).scaled(Decimal(years))
        trace.step(
            "pension_account",
            amount=balance.value if balance.is_exact else None,
            unit="cny",
            figures=[subsidy_figure, paid.figure],
            contribution=messages.amount_text(contribution),
            subsidy=_span_words(subsidy),
            paid=_span_words(paid_span),
            years=years,
            value=_span_words(balance),
        )
        trace.assume(messages.say("pension_assume_no_interest"))

    divisor = trace.figure("pension.resident.account_divisor")
    account_pension: Span | None = None
    if balance is not None and divisor is not None:
        account_pension = balance.scaled(1 / divisor.number)
        trace.step(
            "pension_account_monthly",
            amount=account_pension.value if account_pension.is_exact else None,
            unit="cny_per_month",
            figures=[divisor],
            account=_span_words(balance),
            divisor=messages.value_text(divisor.number, "number"),
            value=_span_words(account_pension, "cny_per_month"),
        )

    basic = trace.figure("pension.resident.basic_pension", supplied=inputs.basic_pension)
    if basic is not None and basic.use.reference is None:
        trace.note_user_figure(basic)
    elif basic is not None and basic.bound == "at_least":
        trace.step(
            "pension_basic_floor",
            amount=basic.number,
            unit="cny_per_month",
            figures=[basic],
        )
    elif basic is not None:
        trace.step("pension_basic", amount=basic.number, unit="cny_per_month", figures=[basic])

    total: Span | None = None
    if basic is not None and account_pension is not None:
        total = basic.span + account_pension
        trace.step(
            "pension_total",
            amount=total.value if total.is_exact else None,
            unit="cny_per_month",
            basic=_span_words(basic.span, "cny_per_month"),
            account=_span_words(account_pension, "cny_per_month"),
            value=_span_words(total, "cny_per_month"),
        )
        if not total.is_exact:
            trace.step("pension_total_bound", reasons=_bound_reasons(basic, subsidy, paid_span))

    minimum_years = trace.figure("pension.resident.minimum_contribution_years", report=False)
    eligible: bool | None = True
    if minimum_years is not None and Decimal(years) < minimum_years.number:
        eligible = None
        trace.step(
            "pension_years_short",
            figures=[minimum_years],
            years=years,
            minimum=messages.value_text(minimum_years.number, "number"),
        )
    return trace.result(
        benefit="pension_monthly",
        label=messages.BENEFIT_LABELS["pension_monthly"],
        eligible=eligible,
        span=total,
        unit="cny_per_month",
        extras={
            "basic_pension": None if basic is None or not basic.exact else json_number(basic.number),
            "account_pension": None
            if account_pension is None or not account_pension.is_exact
            else json_number(account_pension.value),
            "account_balance": None if balance is None or not balance.is_exact else json_number(balance.value),
        },
    )


def _bound_reasons(basic: Figure, subsidy: Span | None, paid: Span | None) -> str:
    """Which rules make the pension a range rather than one figure, in words."""
    reasons = []
    if basic.bound == "at_least":
        reasons.append(messages.say("bound_reason_basic_floor"))
    if subsidy is not None and not subsidy.is_exact:
        reasons.append(messages.say("bound_reason_subsidy_floor"))
    if paid is not None and not paid.is_exact:
        reasons.append(messages.say("bound_reason_paid_limit"))
    return messages.join_names(reasons)


def _minimum_subsidy(trace: Trace, contribution: Decimal) -> tuple[Span | None, Figure | None]:
    if contribution <= ZERO:
        trace.step("pension_subsidy_none")
        return Span.exact(ZERO), None
    minimum = trace.figure("pension.resident.contribution_subsidy.minimum")
    threshold = trace.figure("pension.resident.contribution_subsidy.high_grade_threshold")
    high_minimum = trace.figure("pension.resident.contribution_subsidy.high_grade_minimum")
    if minimum is None or threshold is None or high_minimum is None:
        return None, None
    high = contribution >= threshold.number
    chosen = high_minimum if high else minimum
    subsidy = chosen.span
    rule = messages.say(
        "pension_subsidy_high" if high else "pension_subsidy_low",
        threshold=messages.amount_text(threshold.number, "cny_per_year"),
        minimum=messages.amount_text(chosen.number, "cny_per_year"),
    )
    trace.step(
        "pension_subsidy_rule",
        amount=subsidy.value if subsidy.is_exact else subsidy.low,
        unit="cny_per_year",
        figures=[minimum, threshold, high_minimum],
        contribution=messages.amount_text(contribution, "cny_per_year"),
        rule=rule,
        subsidy=_span_words(subsidy, "cny_per_year"),
    )
    return subsidy, chosen
