"""Example households that fill the web form in one click.

They use the same keys as the shared links and are validated by the same parser; the build
also computes their results in CPython so the page can show them if Python cannot start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Preset:
    id: str
    label: str
    description: str
    household: dict[str, Any]


PRESETS: tuple[Preset, ...] = (
    Preset(
        id="poor_elderly",
        label="建档立卡贫困户老人",
        description="62岁，建档立卡贫困人口，每年自己缴100元，已缴15年。",
        household={
            "age": 62,
            "status": ["registered_poor"],
            "pension.annual_contribution": 100,
            "pension.years": 15,
        },
    ),
    Preset(
        id="dibao_inpatient",
        label="低保户住院",
        description="低保对象，参加城乡居民医保，在二级医院住院花费8万元。",
        household={
            "status": ["dibao"],
            "medical.scheme": "resident",
            "medical.hospital_level": "2",
            "medical.total_cost": 80000,
        },
    ),
    Preset(
        id="migrant_injury",
        label="农民工工伤",
        description="农民工，工伤鉴定为七级，本人月工资4,000元，当地职工月平均工资5,000元；单位已缴失业保险2年，合同到期未续。",
        household={
            "status": ["migrant_worker"],
            "work_injury.grade": 7,
            "work_injury.monthly_wage": 4000,
            "work_injury.local_avg_wage": 5000,
            "unemployment.insured_years": 2,
            "unemployment.contract_ended": True,
        },
    ),
    Preset(
        id="employee_maternity",
        label="职工生育",
        description="女职工剖宫产生育一个孩子，单位上年度职工月平均工资6,000元。",
        household={
            "maternity.avg_monthly_wage": 6000,
            "maternity.delivery": "caesarean",
            "maternity.babies": 1,
        },
    ),
)
