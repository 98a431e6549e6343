"""The shipped defaults: the 必访 occasion list and the Anhui 2018 caps as a documented example.

Occasions (DOMAIN.md, "Welfare"): the common 必访 list — 生病住院, 生育, 结婚,
直系亲属去世, 本人去世（抚恤金）, 家庭困难, 退休, 意外 — plus 大病, 重阳/退休老同志
and 其他. Health-related occasions (生病住院, 生育, 意外, 大病) are sensitive.

Caps: 安徽省总工会 2018 年基层工会经费收支试行标准, as quoted in DOMAIN.md:
festival gifts ≤ 1,500 元 per member per year; birthday ≤ 300; wedding or
in-policy birth ≤ 600; hospitalisation ≤ 1,000; death of a member ≤ 2,000;
death of spouse, parent or child ≤ 1,000; retirement souvenir ≤ 1,000.
An example only: each school's chair saves its own rule set with an effective date.

``ensure_defaults`` is idempotent and takes the model classes, so the data
migration (historical models) and the demo loader (after ``flush``) share it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

OCCASIONS = [
    # code, name, mandatory, sensitive, concerns_relative
    ("hospitalisation", "生病住院", True, True, False),
    ("childbirth", "生育", True, True, False),
    ("marriage", "结婚", True, False, False),
    ("relative_death", "直系亲属去世", True, False, True),
    ("member_death", "本人去世（抚恤金）", True, False, False),
    ("hardship", "家庭困难", True, False, False),
    ("retirement", "退休", True, False, False),
    ("accident", "意外", True, True, False),
    ("serious_illness", "大病", False, True, False),
    ("elderly", "重阳/退休老同志", False, False, False),
    ("other", "其他", False, False, False),
]
RULE_SET_NAME = "安徽省2018年试行标准（示例）"
CAPS = {
    "childbirth": "600",
    "marriage": "600",
    "hospitalisation": "1000",
    "member_death": "2000",
    "relative_death": "1000",
    "retirement": "1000",
}


def ensure_defaults(VisitOccasion, SpendingCapRuleSet, SpendingCap) -> int:  # noqa: N803 (model classes)
    """Create the default occasions and the example rule set where missing; return rows created.

    Existing rows are left as the chair edited them.
    """
    created = 0
    for order, (code, name, mandatory, sensitive, relative) in enumerate(OCCASIONS):
        _obj, made = VisitOccasion.objects.get_or_create(
            school=None,
            code=code,
            defaults={
                "name": name,
                "is_mandatory": mandatory,
                "is_sensitive": sensitive,
                "concerns_relative": relative,
                "sort_order": order,
            },
        )
        created += made
    if not SpendingCapRuleSet.objects.filter(organization=None, name=RULE_SET_NAME).exists():
        rule_set = SpendingCapRuleSet.objects.create(
            organization=None,
            name=RULE_SET_NAME,
            effective_from=dt.date(2018, 1, 1),
            festival_yearly_cap=Decimal("1500"),
            birthday_cap=Decimal("300"),
            source="安徽省总工会基层工会经费收支管理试行标准（2018），仅作示例，请按本省规定修改",
        )
        SpendingCap.objects.bulk_create(
            [SpendingCap(rule_set=rule_set, occasion_code=c, amount=Decimal(a)) for c, a in CAPS.items()]
        )
        created += 1 + len(CAPS)
    return created
