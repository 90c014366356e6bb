"""Example households that fill the web form in one click.

They use the same keys as the shared links and are validated by the same parser; the build
also computes their results in CPython so the page can show them if Python cannot start. Their
Chinese label and description live in calculator/messages.py with every other sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calculator.messages import PRESET_TEXTS


@dataclass(frozen=True, slots=True, kw_only=True)
class Preset:
    id: str
    household: dict[str, Any]

    @property
    def label(self) -> str:
        return PRESET_TEXTS[self.id][0]

    @property
    def description(self) -> str:
        return PRESET_TEXTS[self.id][1]


PRESETS: tuple[Preset, ...] = (
    Preset(
        id="poor_elderly",
        household={
            "age": 62,
            "residence": "rural",
            "status": ["registered_poor"],
            "pension.annual_contribution": 100,
            "pension.years": 15,
        },
    ),
    Preset(
        id="dibao_inpatient",
        household={
            "status": ["dibao"],
            "residence": "rural",
            "medical.scheme": "resident",
            "medical.hospital_level": "2",
            "medical.total_cost": 80000,
            "medical.policy_cost": 70000,
            "medical.basic_paid": 35000,
        },
    ),
    Preset(
        id="migrant_injury",
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
        household={
            "maternity.avg_monthly_wage": 6000,
            "maternity.delivery": "caesarean",
            "maternity.babies": 1,
        },
    ),
)
