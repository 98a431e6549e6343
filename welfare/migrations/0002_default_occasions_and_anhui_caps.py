"""Ship the default 必访 occasions and the Anhui 2018 spending caps as a documented example.

Occasions (DOMAIN.md, "Welfare"): the common 必访 list — 生病住院, 生育, 结婚,
直系亲属去世, 本人去世（抚恤金）, 家庭困难, 退休, 意外 — plus 大病, 重阳/退休老同志
and 其他. Health-related occasions (生病住院, 生育, 意外, 大病) are sensitive.

Caps: 安徽省总工会 2018 年基层工会经费收支试行标准, as quoted in DOMAIN.md:
festival gifts ≤ 1,500 元 per member per year; birthday ≤ 300; wedding or
in-policy birth ≤ 600; hospitalisation ≤ 1,000; death of a member ≤ 2,000;
death of spouse, parent or child ≤ 1,000; retirement souvenir ≤ 1,000.
It is an example only: each school's chair saves its own rule set with an
effective date. The reverse step removes exactly what this migration added.
"""

from django.db import migrations

from welfare.defaults import OCCASIONS, RULE_SET_NAME, ensure_defaults


def forwards(apps, schema_editor):
    ensure_defaults(
        apps.get_model("welfare", "VisitOccasion"),
        apps.get_model("welfare", "SpendingCapRuleSet"),
        apps.get_model("welfare", "SpendingCap"),
    )


def backwards(apps, schema_editor):
    VisitOccasion = apps.get_model("welfare", "VisitOccasion")
    RuleSet = apps.get_model("welfare", "SpendingCapRuleSet")
    RuleSet.objects.filter(organization=None, name=RULE_SET_NAME).delete()
    VisitOccasion.objects.filter(school=None, code__in=[o[0] for o in OCCASIONS], visits__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_welfare_records")]

    operations = [migrations.RunPython(forwards, backwards)]
