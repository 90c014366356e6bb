"""Every parameter id the calculator reads, with the Chinese name to show when no data file has it.

The ids follow the shared catalog (brief/catalog.md, the [calc] entries). Where a data file defines
the parameter, its own label is shown instead; these names only fill in for figures absent
everywhere, so that a 原文未规定 message can still name what is missing.
"""

from __future__ import annotations

from typing import Final

from calculator.messages import grade_text, numeral

WORK_INJURY_GRADES: Final = range(1, 11)
DISABILITY_ALLOWANCE_GRADES: Final = range(1, 7)
HOSPITAL_LEVELS: Final = (1, 2, 3)

PARAMETER_LABELS: Final[dict[str, str]] = {
    # pension
    "pension.resident.basic_pension": "城乡居民基础养老金月标准",
    "pension.resident.paid_contribution.poor": "为困难群体代缴的养老保险费",
    "pension.resident.paid_contribution.poor.provincial_share": "代缴保费省级负担比例",
    "pension.resident.paid_contribution.poor.local_share": "代缴保费市县负担比例",
    "pension.resident.paid_contribution.no_double_payment": "不重复代缴",
    "pension.resident.paid_contribution.severe_disability": "为重度残疾人代缴的养老保险费",
    "pension.resident.paid_contribution.severe_disability.payer": "重度残疾人代缴保费的出资方",
    "pension.resident.paid_contribution.severe_disability.no_double_payment": "重度残疾人不重复代缴",
    "pension.resident.contribution_subsidy.minimum": "政府缴费补贴最低标准",
    "pension.resident.contribution_subsidy.high_grade_threshold": "较高缴费档次的起点",
    "pension.resident.contribution_subsidy.high_grade_minimum": "较高档次缴费补贴最低标准",
    "pension.resident.account_divisor": "个人账户养老金计发系数",
    "pension.resident.pension_age": "领取待遇年龄",
    "pension.resident.minimum_contribution_years": "累计缴费年限",
    # medical
    "medical.resident.deductible": "城乡居民医保住院起付线",
    "medical.employee.deductible": "职工医保住院起付线",
    "medical.resident.inpatient_ratio": "城乡居民医保住院报销比例",
    **{
        f"medical.resident.inpatient_ratio.level_{level}": (f"城乡居民医保{numeral(level)}级定点医疗机构住院报销比例")
        for level in HOSPITAL_LEVELS
    },
    "medical.employee.inpatient_ratio": "职工医保住院报销比例",
    "medical.resident.annual_cap": "城乡居民医保年度最高支付限额",
    "medical.employee.annual_cap": "职工医保年度最高支付限额",
    "medical.critical_illness.threshold": "大病保险起付线",
    "medical.critical_illness.ratio": "城乡居民大病保险支付比例",
    "medical.critical_illness.employee_ratio": "职工大病保险报销比例",
    "medical.critical_illness.cap": "大病保险封顶线",
    "medical.critical_illness.no_cap": "大病保险不设封顶线",
    "medical.critical_illness.poor.threshold": "困难群体大病保险起付线",
    "medical.critical_illness.poor.ratio": "困难群体大病保险支付比例",
    "medical.critical_illness.poor.tier_1_upper": "困难群体大病保险第一段上限",
    "medical.critical_illness.poor.tier_1_ratio": "困难群体大病保险第一段支付比例",
    "medical.critical_illness.poor.tier_2_ratio": "困难群体大病保险第二段支付比例",
    "medical.critical_illness.poor.cap": "困难群体大病保险封顶线",
    "medical.critical_illness.poor.no_cap": "困难群体大病保险不设封顶线",
    "medical.comprehensive.target_ratio": "综合保障后实际报销比例目标",
    # maternity
    "maternity.leave_days.natural": "顺产产假（生育津贴）天数",
    "maternity.leave_days.caesarean": "剖宫产（难产）产假总天数",
    "maternity.leave_days.difficult_birth_extra": "难产增加天数",
    "maternity.leave_days.per_extra_baby": "多胞胎每多一个婴儿增加天数",
    "maternity.allowance_days_per_month": "生育津贴日额折算天数",
    # work injury
    "work_injury.wage_floor_ratio": "本人工资下限（占当地平均工资的比例）",
    "work_injury.wage_ceiling_ratio": "本人工资上限（占当地平均工资的比例）",
    **{
        f"work_injury.lump_sum_months.grade_{g}": f"{grade_text(g)}伤残一次性伤残补助金月数" for g in WORK_INJURY_GRADES
    },
    **{
        f"work_injury.disability_allowance_ratio.grade_{g}": f"{grade_text(g)}伤残津贴占本人工资的比例"
        for g in DISABILITY_ALLOWANCE_GRADES
    },
    # unemployment
    "unemployment.migrant_lump_sum.min_insured_years": "一次性生活补助要求的缴费年限",
    "unemployment.migrant_lump_sum.amount": "农民合同制工人一次性生活补助标准",
    "unemployment.benefit_monthly": "失业保险金月标准",
    "unemployment.benefit_eligibility.min_insured_years": "领取失业保险金要求的缴费年限",
    "unemployment.max_benefit_months.insured_1_to_5_years": "缴费满一年不足五年的最长领取期限",
    "unemployment.max_benefit_months.insured_5_to_10_years": "缴费满五年不足十年的最长领取期限",
    "unemployment.max_benefit_months.insured_10_years_plus": "缴费十年以上的最长领取期限",
}
