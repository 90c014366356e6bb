"""The parameter ids the calculator reads.

What each id is called, its unit, kind and what a region's silence means are in the parameter
catalog (policy_data/catalog.yaml, compiled into calculator/data/policy.json) and nowhere else;
this module only names the ids the rules look up, so that a test can prove every one of them is
in the catalog and the default calculation date can be taken from their figures.
"""

from __future__ import annotations

from typing import Final

CALCULATOR_PARAMETERS: Final[frozenset[str]] = frozenset(
    {
        # pension
        "pension.resident.basic_pension",
        "pension.resident.paid_contribution.by_status",
        "pension.resident.paid_contribution.poor.provincial_share",
        "pension.resident.paid_contribution.poor.local_share",
        "pension.resident.paid_contribution.no_double_payment",
        "pension.resident.paid_contribution.severe_disability.payer",
        "pension.resident.paid_contribution.severe_disability.no_double_payment",
        "pension.resident.contribution_subsidy.minimum",
        "pension.resident.contribution_subsidy.high_grade_threshold",
        "pension.resident.contribution_subsidy.high_grade_minimum",
        "pension.resident.contribution.minimum_grade",
        "pension.resident.account_divisor",
        "pension.resident.pension_age",
        "pension.resident.minimum_contribution_years",
        # medical
        "medical.resident.deductible",
        "medical.employee.deductible",
        "medical.resident.inpatient_ratio",
        "medical.resident.inpatient_ratio.by_hospital_level",
        "medical.employee.inpatient_ratio",
        "medical.resident.annual_cap",
        "medical.employee.annual_cap",
        "medical.critical_illness.threshold",
        "medical.critical_illness.ratio",
        "medical.critical_illness.employee_ratio",
        "medical.critical_illness.cap",
        "medical.critical_illness.no_cap",
        "medical.critical_illness.poor.threshold",
        "medical.critical_illness.poor.ratio",
        "medical.critical_illness.poor.bands",
        "medical.critical_illness.poor.cap",
        "medical.critical_illness.poor.no_cap",
        "medical.comprehensive.target_ratio",
        # maternity
        "maternity.leave_days.natural",
        "maternity.leave_days.caesarean",
        "maternity.leave_days.difficult_birth_extra",
        "maternity.leave_days.per_extra_baby",
        "maternity.allowance_days_per_month",
        # work injury
        "work_injury.wage_floor_ratio",
        "work_injury.wage_ceiling_ratio",
        "work_injury.lump_sum_months",
        "work_injury.disability_allowance_ratio",
        # unemployment
        "unemployment.migrant_lump_sum.min_insured_years",
        "unemployment.migrant_lump_sum.amount",
        "unemployment.benefit_monthly",
        "unemployment.benefit_eligibility.min_insured_years",
        "unemployment.max_benefit_months",
    }
)
