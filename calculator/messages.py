"""Every Chinese sentence the calculator produces, in one place.

Templates are filled with already formatted text: numbers become text only through
calculator.vocabulary (`format_value`), here wrapped as `amount_text` and friends.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from calculator.money import round_fen
from calculator.span import Span
from calculator.vocabulary import format_date, format_value

TEMPLATES: Final[dict[str, str]] = {
    # --- validation ---------------------------------------------------------------------------
    "invalid_number": "「{label}」须为 {low} 到 {high} 之间的{kind}",
    "invalid_choice": "「{label}」须为以下之一：{options}",
    "invalid_multi_choice": "「{label}」只能从以下选项中选择（可多选）：{options}",
    "invalid_boolean": "「{label}」须为“是”或“否”",
    "invalid_date": "「{label}」须为 {low} 到 {high} 之间的日期，写作 YYYY-MM-DD",
    "exceeds_total": "「{label}」不能超过「{total}」",
    "required_for": "请填写「{label}」：计算{benefit}需要它",
    "request_not_object": "请求须为一个 JSON 对象（键为字段名）",
    "request_not_json": "请求不是有效的 JSON 文本",
    "request_empty": "请求是空的：请提供家庭情况（一个 JSON 对象）",
    "request_too_large": "请求太大：{size} 个字符，最多 {limit} 个",
    "request_too_deep": "请求嵌套过深：最多 {limit} 层",
    "number_too_long": "请求中的数字 {number} 太长：最多 {limit} 位",
    "long_number": "{start}…{end}（{digits} 位）",
    "number_not_finite": "请求中的数字 {number} 不是有限的数",
    "blank_value": "「{label}」是空白的：请填写，或删去这一项",
    "unknown_region": "没有这个地区：{region}",
    "unknown_region_unnamed": "地区编号无效",
    "regions_not_list": "「地区」须为地区编号的列表",
    "unknown_keys": "已忽略 {count} 个无法识别的字段：{keys}",
    "unknown_keys_unnamed": "已忽略 {count} 个无法识别的字段",
    "unknown_action": "不支持的操作",
    "unknown_series": "无法绘制这条曲线：变化的项目或取值不受支持",
    "input_unreadable": "无法读取输入文件（{reason}）",
    "internal_error": "计算时出现内部错误，请检查输入后重试",
    "data_missing": "政策数据文件不存在：请先运行构建（python -m scripts.build）生成 calculator/data/core.json",
    "region_data_missing": "{region}的政策数据没有加载，无法计算：请刷新页面再试",
    "data_invalid": "政策数据文件无法读取：请重新运行构建（python -m scripts.build）",
    # --- answers ----------------------------------------------------------------------------------
    "display_not_eligible": "不符合条件",
    "display_unknown": "无法计算",
    "display_unknown_because": "无法计算：缺少「{reason}」",
    "display_unknown_reason": "无法计算：{reason}",
    "summary": "{region}：{label} {display}",
    "span_at_least": "至少 {low}",
    "span_at_most": "最多 {high}",
    "span_between": "{low}–{high}",
    "stale": (
        "注意：这项结果用到的数字最新是{as_of}的，计算日期{on}已晚了{years}，"
        "期间标准可能已经调整，请以当地经办机构核定为准。"
    ),
    "stale_undated": "注意：这项结果用到的数字没有日期，请以当地经办机构核定为准（计算日期{on}）。",
    # --- charts -------------------------------------------------------------------------------------
    "chart_medical_title": "个人自付随住院总费用的变化",
    "chart_medical_x": "住院总费用（元）",
    "chart_unit_cny": "元",
    "chart_pension_title": "每月养老金随个人缴费档次的变化",
    "chart_pension_x": "个人每年缴费（元）",
    "chart_unit_cny_per_month": "元/月",
    # --- missing figures ----------------------------------------------------------------------
    "missing_not_stated": "「{label}」：{region}的资料原文未规定。{supply}",
    "missing_absent": "「{label}」：原文未规定（已查{searched}的资料）。{supply}",
    "missing_part": "「{label}」：{region}的资料没有{part}的规定。{supply}",
    "band_between": "{what}满{lower}不足{upper}",
    "band_from": "{what}{lower}以上",
    "band_within": "{what}{upper}以内",
    "missing_expired": "「{label}」：{region}资料中的数值只适用到{until}，{on}适用的数值原文未规定。{supply}",
    "missing_not_yet": "「{label}」：{region}的规定自{start}起施行，{on}尚未生效，此前的数值原文未规定。{supply}",
    "missing_repealed": "「{label}」：{region}的规定已于{start}废止，原文未规定新的数值。{supply}",
    "supply_field": "如知道当地标准，可填写「{field}」。",
    # --- shared steps -------------------------------------------------------------------------
    "user_figure": "使用您填写的「{label}」：{value}",
    "groups": "您的身份：{groups}",
    "assume_registered_poor": "“建档立卡贫困人口”按“建档立卡未标注脱贫的贫困人口”对待（已脱贫的请不要勾选）",
    "assume_severe_disability": "“重度残疾人”同时按“残疾人”对待",
    "assume_residence": "「{label}」只适用于{group}；未填写户籍，按{group}计算",
    "assume_fallback_general": "「{poor}」原文未规定，按一般参保人员的「{general}」计算",
    # --- pension_subsidy ----------------------------------------------------------------------
    "subsidy_not_eligible": "您的身份不在政府代缴范围内（代缴对象：{targets}），政府不代缴保费",
    "subsidy_no_status": "未勾选困难群体身份，政府不代缴保费",
    "subsidy_one": "{target}：政府每年代缴 {value}",
    "subsidy_no_double": "同时符合多项代缴条件，不重复代缴，取较高的一项：{value}",
    "subsidy_assume_no_double": "同时符合多项代缴条件时按不重复代缴、取较高的一项计算（原文未写明）",
    "subsidy_assume_known_one": "另一项代缴的金额原文未规定；不重复代缴，按已知的一项计算（实际可能更高）",
    "subsidy_target": "{groups}代缴",
    "payer_shares": "省级财政负担{provincial}，市县财政负担{local}",
    # --- pension_monthly ----------------------------------------------------------------------
    "pension_subsidy_rule": "政府缴费补贴：个人每年缴费 {contribution}，{rule}，即 {subsidy}",
    "pension_basic_floor": "基础养老金：至少 {value}（当地资料未写明数额，按全国最低标准计，实际不会更低）",
    "pension_total_bound": "因为{reasons}，每月养老金只能给出范围",
    "bound_reason_basic_floor": "基础养老金按全国最低标准计（当地可能更高）",
    "bound_reason_subsidy_floor": "政府缴费补贴只知道最低标准（当地可能更高）",
    "bound_reason_paid_limit": "政府代缴的金额只知道上限（代缴部分或全部最低档次保费）",
    "subsidy_one_at_most": "{target}：政府代缴部分或全部最低标准的保费，即最多 {value}（不超过「{limit}」）",
    "pension_subsidy_low": "低于 {threshold} 的档次补贴不低于 {minimum}",
    "pension_subsidy_high": "{threshold} 及以上档次补贴不低于 {minimum}",
    "pension_subsidy_none": "个人未缴费，不计政府缴费补贴",
    "pension_account": "个人账户储存额 = ({contribution} + {subsidy} + {paid}) × {years}年 = {value}",
    "pension_account_monthly": "个人账户养老金 = {account} ÷ {divisor} = {value}",
    "pension_total": "每月养老金 = 基础养老金 {basic} + 个人账户养老金 {account} = {value}",
    "pension_basic": "基础养老金：{value}",
    "pension_assume_no_interest": "个人账户储存额未计利息，实际领取时还有利息",
    "pension_assume_paid_every_year": "政府代缴按每个缴费年度都享受计算",
    "pension_years_short": (
        "累计缴费 {years}年，少于 {minimum}年；按规定需补缴或延长缴费才能按月领取"
        "（新制度实施时已年满45周岁等情形另有规定）"
    ),
    "pension_age_reached": "现年 {age}岁，已到 {pension_age}岁领取年龄",
    "pension_age_future": "现年 {age}岁，{pension_age}岁起按月领取",
    # --- medical ------------------------------------------------------------------------------
    "medical_scheme": "医保类型：{scheme}",
    "medical_assume_scheme": "未选择医保类型，按城乡居民基本医疗保险计算",
    "medical_policy_cost": "政策范围内费用：{value}",
    "medical_assume_policy_cost": "未填写政策范围内费用，按住院总费用全部属于政策范围计算",
    "medical_basic": "基本医保支付 = ({policy} − 起付线 {deductible}) × {ratio} = {value}",
    "medical_basic_capped": "基本医保支付超过年度最高支付限额 {cap}，按限额支付 {value}",
    "medical_assume_no_basic_cap": (
        "基本医保年度最高支付限额原文未规定，未按封顶计算（知道的可填写「基本医保年度最高支付限额」）"
    ),
    "medical_basic_unknown": "基本医保支付：缺少{missing}，无法计算{known}",
    "known_figures": "（已知：{figures}）",
    "short_deductible": "起付线",
    "short_basic_ratio": "报销比例",
    "short_critical_threshold": "大病起付线",
    "short_critical_ratio": "大病保险支付比例",
    "short_personal_after_basic": "基本医保报销后的个人自付",
    "medical_level_needed": "「{label}」按医院级别规定，请选择「医院级别」",
    "medical_oop_given": "使用您填写的基本医保报销后个人自付 {value}，从大病保险开始计算",
    "medical_basic_from_oop": "基本医保已支付 = 总费用 {total} − 个人自付 {oop} = {value}",
    "medical_oop_policy_part": "大病保险只管政策范围内的个人自付：{oop} − 政策范围外费用 {outside} = {value}",
    "medical_personal_after_basic": "基本医保后政策范围内的个人自付 = {policy} − {basic} = {value}",
    "medical_critical_threshold_not_met": "个人自付 {base} 未超过大病保险起付线 {threshold}，大病保险不支付",
    "medical_critical_flat": "大病保险支付 = ({base} − 起付线 {threshold}) × {ratio} = {value}",
    "medical_critical_tiered": "大病保险支付（起付线以上 {excess}，分段计算）= {parts} = {value}",
    "medical_critical_band": "{band}的 {amount} × {ratio}",
    "medical_critical_capped": "大病保险支付超过封顶线 {cap}，按封顶线支付 {value}",
    "medical_critical_no_cap": "大病保险上不封顶",
    "medical_assume_no_critical_cap": "大病保险封顶线原文未规定，未按封顶计算（知道的可填写「大病保险封顶线」）",
    "medical_critical_unknown": "大病保险支付：缺少{missing}，无法计算{known}",
    "medical_target": "综合保障目标：{target}（这是政策目标，不是保证报销的金额，未计入上面的金额）",
    "medical_target_text": "目标：建档立卡贫困人口大病实际报销比例达到{target}（政策目标，不是保证报销的金额）",
    "medical_target_not_critical": (
        "这次住院的个人自付未达到大病保险起付线，不属于“大病”，综合保障的大病报销比例目标不适用"
    ),
    "medical_assistance_unknown": "困难群众可按当地医疗救助办法申请救助，本站资料没有写明救助金额",
    "medical_assistance_not_applicable": "未勾选困难群体身份，不计医疗救助",
    "medical_assistance_step": "医疗救助：{reason}，这一项未知（不按0元计）",
    "medical_basic_given": "使用住院费用结算单上的基本医保已支付（统筹基金支付）{value}",
    "medical_critical_given": "使用住院费用结算单上的大病保险已支付 {value}",
    "medical_basic_needs_total": "已知个人自付但未填写总费用，基本医保支付的金额未知",
    "medical_basic_needs_rules": "当地起付线或报销比例原文未规定；可填写结算单上的「基本医保已支付」",
    "medical_critical_needs_rules": "当地大病保险起付线或支付比例原文未规定",
    "medical_unknown_reason": "当地报销规定原文未写明，可填写住院费用结算单上的「基本医保已支付」",
    "medical_total_paid_at_least": "各项合计支付至少 = {parts} = {value}（医疗救助未知，未计入）",
    "medical_total_paid": "各项合计支付 = {parts} = {value}",
    "medical_out_of_pocket": "个人自付 = {total} − 各项支付 {paid} = {value}",
    "medical_out_of_pocket_from_oop": "个人自付 = {oop} − 大病保险及以后各项支付 {paid} = {value}",
    "medical_assume_insured": "按已参加基本医疗保险、在定点医疗机构住院计算",
    "medical_assume_oop_in_scope": "您填写的个人自付中，除政策范围外费用外都计入大病保险的计算范围",
    "layer_basic": "基本医保",
    "layer_critical_illness": "大病保险",
    "layer_assistance": "医疗救助/综合保障",
    "layer_out_of_pocket": "个人自付",
    # --- maternity ----------------------------------------------------------------------------
    "maternity_natural": "顺产：{value}",
    "maternity_caesarean_total": "剖宫产（难产）：{value}",
    "maternity_caesarean_extra": "剖宫产（难产）：{natural} + 难产增加 {extra} = {value}",
    "maternity_assume_caesarean_difficult": "剖宫产按难产计算",
    "maternity_extra_babies": "多胞胎：每多一个婴儿增加 {per_baby}，× {extra_babies} = {value}",
    "maternity_days": "合计天数 = {parts} = {value}",
    "maternity_days_floor": (
        "当地天数原文未写明，按国家规定的最低天数计：实际至少 {days}，当地可能更多，生育津贴也就至少这么多"
    ),
    "maternity_days_unknown": "产假天数：所需的天数原文未规定（见“原文未规定”一栏），无法计算",
    "maternity_allowance": "生育津贴 = {wage} ÷ {per_month} × {days} = {value}",
    "maternity_assume_30_days": "月工资按每月30天折算为日工资（原文未写明折算天数）",
    "maternity_no_wage": "未填写「用人单位上年度职工月平均工资」，只计算天数，未计算生育津贴",
    "maternity_assume_insured": "按参加生育保险的职工计算",
    # --- work injury --------------------------------------------------------------------------
    "injury_wage_floor": "本人工资 {wage} 低于当地平均工资 {average} 的 {ratio}（{limit}），按 {limit} 计算",
    "injury_wage_ceiling": "本人工资 {wage} 高于当地平均工资 {average} 的 {ratio}（{limit}），按 {limit} 计算",
    "injury_wage_within": (
        "本人工资 {wage} 在当地平均工资 {average} 的 {floor_ratio}–{ceiling_ratio} 之间，按实际工资计算"
    ),
    "injury_assume_unclamped": "未填写统筹地区职工月平均工资，本人工资未按60%–300%的上下限调整",
    "injury_lump_sum": "{grade}伤残一次性伤残补助金 = {months} × {wage} = {value}",
    "injury_allowance": "{grade}伤残津贴 = {wage} × {ratio} = {value}",
    "injury_no_allowance": "{grade}伤残没有按月的伤残津贴（七至十级只发一次性补助）",
    "injury_assume_minimum_wage": (
        "一至四级伤残津贴低于当地最低工资标准的，由工伤保险基金补足差额（最低工资标准未收录）"
    ),
    "injury_assume_five_six": "五级、六级伤残津贴在用人单位难以安排工作时才按月发放",
    "injury_assume_recognised": "按已认定工伤、参加工伤保险计算",
    # --- unemployment -------------------------------------------------------------------------
    "unemp_migrant": "农民合同制工人：本人不缴失业保险费，符合条件的可申领一次性生活补助",
    "unemp_assume_migrant": (
        "按本人不缴费的农民合同制工人计算；按城镇职工标准参保缴费的，失业后领取失业保险金，请不要勾选“农民工”"
    ),
    "unemp_not_migrant": "未勾选“农民工”，按城镇职工的失业保险金规定计算",
    "unemp_years_ok": "单位缴费 {years}，满 {minimum}",
    "unemp_years_short": "单位缴费 {years}，不满 {minimum}，不符合条件",
    "unemp_years_unknown": "未填写缴费年限，无法判断是否满 {minimum}",
    "unemp_contract_ended": "劳动合同期满不续订或被提前解除：符合",
    "unemp_contract_not_ended": "劳动合同没有期满不续订或被提前解除，不符合条件",
    "unemp_contract_unknown": "未填写劳动合同是否期满不续订或被提前解除，无法判断",
    "unemp_lump_sum": "一次性生活补助：{value}",
    "unemp_lump_sum_unknown": "一次性生活补助的金额原文未规定",
    "unemp_benefit_monthly": "每月失业保险金：{value}",
    "unemp_benefit_months": "缴费 {years}，最长领取 {value}",
    "unemp_benefit_total": "最多可领 = {monthly} × {months} = {value}",
    "unemp_assume_involuntary": "失业保险金按非因本人意愿中断就业、已办理失业登记并有求职要求计算",
}


BENEFIT_LABELS: Final[dict[str, str]] = {
    "pension_subsidy": "城乡居民养老保险政府代缴",
    "pension_monthly": "城乡居民基本养老金（每月）",
    "medical": "住院费用报销",
    "maternity": "产假天数与生育津贴",
    "work_injury": "一次性伤残补助金与伤残津贴",
    "unemployment": "失业保险待遇",
    # the unemployment result is one of two, depending on the household
    "unemployment.migrant_lump_sum": "农民合同制工人一次性生活补助",
    "unemployment.unemployment_benefit": "失业保险金（每月）",
}

# The example households of the web form (calculator/presets.py): button label, description.
PRESET_TEXTS: Final[dict[str, tuple[str, str]]] = {
    "poor_elderly": ("建档立卡贫困户老人", "62岁，农村户籍，建档立卡贫困人口，每年自己缴100元，已缴15年。"),
    "dibao_inpatient": (
        "低保户住院",
        "农村低保对象，参加城乡居民医保，在二级医院住院。结算单上：总费用8万元，政策范围内7万元，统筹基金支付3.5万元。",
    ),
    "migrant_injury": (
        "农民工工伤",
        "农民工，工伤鉴定为七级，本人月工资4,000元，当地职工月平均工资5,000元；单位已缴失业保险2年，合同到期未续。",
    ),
    "employee_maternity": ("职工生育", "女职工剖宫产生育一个孩子，单位上年度职工月平均工资6,000元。"),
}

_CHINESE_NUMERALS: Final = "一二三四五六七八九十"
# A document recorded as still in force (laws, regulations): its figures count as current as of the
# region's data (calculator/results.py, the age of a result).
IN_FORCE_VALIDITY: Final = "现行有效"


def say(name: str, **values: object) -> str:
    return TEMPLATES[name].format(**values)


def amount_text(amount: Decimal, unit: str = "cny") -> str:
    """Money as readers see it: rounded to the fen, then formatted by the vocabulary."""
    return format_value(round_fen(amount), unit)


def value_text(value: object, unit: str) -> str:
    return format_value(value, unit)


_BOUND_QUALIFIERS: Final = {"at_least": "at_least", "at_most": "at_most"}


def bounded_value_text(value: object, unit: str, bound: str) -> str:
    """A parameter's value as read: '88元/月', or '不低于88元/月' where it is only a minimum."""
    if isinstance(value, Decimal) and unit in {"cny", "cny_per_month", "cny_per_year"}:
        value = round_fen(value)
    return format_value(value, unit, qualifier=_BOUND_QUALIFIERS.get(bound))


def band_text(what: str, lower: object, upper: object | None, unit: str) -> str:
    """Which part of a scale a band covers, in words: '累计缴费时间满1年不足5年', '…5万元以内'."""
    low = format_value(lower, unit)
    if upper is None:
        return say("band_from", what=what, lower=low)
    high = format_value(upper, unit)
    if lower == 0:
        return say("band_within", what=what, upper=high)
    return say("band_between", what=what, lower=low, upper=high)


def part_label(label: str, part: str) -> str:
    """A breakdown key or scale band after its parameter's name: '伤残津贴（本人工资的百分比）：一级'."""
    return f"{label}：{part}"


def span_text(span: Span, unit: str, ceiling: Decimal | None = None) -> str:
    """'至少 112.82元/月', '最多 100元/年' or '1,050元–2,000元' for an amount known within limits."""
    low = amount_text(span.low, unit) if span.low > 0 else None
    high = amount_text(span.high, unit) if span.high is not None and (ceiling is None or span.high < ceiling) else None
    if low and high:
        return say("span_between", low=low, high=high)
    if low:
        return say("span_at_least", low=low)
    if high:
        return say("span_at_most", high=high)
    return say("display_unknown")


def month_text(day: date) -> str:
    """'2018年1月': how old a figure is, to the month."""
    return f"{day.year}年{day.month}月"


def years_text(earlier: date, later: date) -> str:
    """The gap between two dates in plain words: '8年多', '1年多', '11个月'."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if months < 12:
        return f"{max(months, 1)}个月"
    years, rest = divmod(months, 12)
    return f"{years}年多" if rest else f"{years}年"


def date_text(day: date) -> str:
    return format_date(day.isoformat())


def percent_text(ratio_percent: Decimal) -> str:
    return format_value(ratio_percent, "percent")


def join_names(names: list[str]) -> str:
    return "、".join(names)


def quoted(name: str) -> str:
    return f"「{name}」"


def numeral(number: int) -> str:
    """1 → 一 … 10 → 十 (grades and hospital levels)."""
    return _CHINESE_NUMERALS[number - 1]


def grade_text(grade: int) -> str:
    return numeral(grade) + "级"
