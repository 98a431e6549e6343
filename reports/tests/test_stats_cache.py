"""The report statistics cache: hits when nothing changed, and no stale figure after any kind of write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from members.models import Member
from members.tests.factories import MemberFactory, SchoolFactory
from reports import figures, stats_cache
from reports.models import StatsToken
from union_portal.lib.audit import audit
from welfare.models import WelfareVisit
from welfare.services import distribution_issue
from welfare.tests.factories import WelfareVisitFactory, occasion

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)


def current(school) -> dict:
    return figures.collect(organization=school, start=START, end=END)["current"]


def visits(school) -> dict:
    return current(school)["welfare"]["visits"]


@pytest.mark.parametrize(
    ("sql", "apps"),
    [
        ('INSERT INTO "welfare_welfarevisit" ("member_id") VALUES (%s) RETURNING "id"', {"welfare"}),
        ('INSERT OR IGNORE INTO "activities_registration" ("activity_id") VALUES (%s)', {"activities"}),
        ('UPDATE "members_member" SET "status" = %s WHERE "id" = %s', {"members"}),
        ('DELETE FROM "congress_cosignature" WHERE "id" IN (%s)', {"congress"}),
        ('TRUNCATE "auth_user", "welfare_welfarevisit", "members_member" RESTART IDENTITY CASCADE;',
         {"welfare", "members"}),
        ('INSERT INTO "members_auditentry" ("action") VALUES (%s)', set()),  # written by reads
        ('INSERT INTO "reports_statstoken" ("app_label") VALUES (%s)', set()),
        ('UPDATE "django_session" SET "session_data" = %s', set()),
        ('SELECT "welfare_welfarevisit"."id" FROM "welfare_welfarevisit"', set()),
        ('SAVEPOINT "s1_x1"', set()),
        ('(SELECT "members_member"."id" FROM "members_member") UNION (SELECT 1)', set()),
        ("\n  /* raw */ UPDATE members_member SET phone = ''", {"members"}),  # leading space, comment, unquoted
        ('DELETE FROM "public"."congress_proposal" WHERE id = 1', {"congress"}),  # schema-qualified
        ("WITH gone AS (DELETE FROM activities_registration RETURNING id) SELECT count(*) FROM gone", {"activities"}),
        ('INSERT INTO "welfare_welfarevisit_visitors" ("welfarevisit_id", "member_id") VALUES (%s, %s) '
         'ON CONFLICT DO NOTHING', {"welfare"}),  # an m2m through table, bulk_create(ignore_conflicts)
    ],
)
def test_write_statements_name_the_apps_they_change(sql, apps):
    assert stats_cache.tables_apps(sql) == apps


@pytest.mark.django_db(transaction=True)
def test_unchanged_records_are_read_from_the_cache(django_assert_num_queries):
    school = SchoolFactory()
    WelfareVisitFactory(member=MemberFactory(organization=school))
    first = figures.collect(organization=school, start=START, end=END)
    assert first["current"]["welfare"]["visits"]["count"] == 1
    with django_assert_num_queries(1):  # the tokens; every app's statistics come from the cache
        again = figures.collect(organization=school, start=START, end=END)
    assert again == first


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_committed_write_is_seen_at_once():
    school = SchoolFactory()
    member = MemberFactory(organization=school)
    WelfareVisitFactory(member=member, cash_amount=Decimal("500"))
    assert visits(school)["count"] == 1  # cached from here on

    WelfareVisitFactory(member=member, cash_amount=Decimal("300"))  # Model.save
    assert visits(school)["count"] == 2

    WelfareVisit.objects.filter(member=member).update(cash_amount=Decimal("100"))  # QuerySet.update
    assert Decimal(visits(school)["cash"]) == Decimal("200")

    WelfareVisit.objects.bulk_create(  # bulk_create
        [WelfareVisit(member=member, school=school, occasion=occasion("marriage"), visited_on=dt.date(2021, 6, 1),
                      cash_amount=Decimal("50"), gift_value=Decimal("0"))]
    )
    assert visits(school)["count"] == 3

    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("DELETE FROM welfare_welfarevisit WHERE cash_amount = %s", [Decimal("50")])
    assert visits(school)["count"] == 2

    staff = current(school)["members"]["staff"]
    Member.objects.filter(pk=member.pk).update(status="retired")  # another app's table
    assert current(school)["members"]["staff"] == staff - 1

    with transaction.atomic():  # a service's bulk path inside a transaction
        issued = distribution_issue(organization=school, festival="spring", title="春节慰问",
                                    distributed_on=dt.date(2021, 2, 1), item="大礼包",
                                    value_per_person=Decimal("200.00"))
    assert issued.issued >= 1
    assert current(school)["welfare"]["distributions"]["recipients"] == issued.issued


@pytest.mark.django_db(transaction=True)
def test_a_transaction_sees_its_own_writes_and_stores_nothing_uncommitted():
    school = SchoolFactory()
    member = MemberFactory(organization=school)
    WelfareVisitFactory(member=member)
    assert visits(school)["count"] == 1

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        WelfareVisitFactory(member=member)
        assert stats_cache.pending_apps() == {"welfare"}
        assert visits(school)["count"] == 2  # its own write, not the cached 1
        raise Abandon

    assert stats_cache.pending_apps() == set()
    assert visits(school)["count"] == 1  # the rolled-back figure was never stored


@pytest.mark.django_db(transaction=True)
def test_reads_that_write_the_audit_log_keep_the_cache():
    school = SchoolFactory()
    WelfareVisitFactory(member=MemberFactory(organization=school))
    visits(school)
    before = stats_cache.tokens()
    audit(None, "export", summary="导出", organization=school)
    assert stats_cache.tokens() == before


@pytest.mark.django_db(transaction=True)
def test_invalidate_replaces_every_token():
    before = stats_cache.tokens()
    stats_cache.invalidate()
    after = stats_cache.tokens()
    assert set(after) == set(stats_cache.SOURCE_APPS)
    assert all(after[app] != before.get(app) for app in after)
    assert StatsToken.objects.count() == len(stats_cache.SOURCE_APPS)


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_cache_falls_back_to_computing(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    school = SchoolFactory()
    WelfareVisitFactory(member=MemberFactory(organization=school))
    assert visits(school)["count"] == 1
    WelfareVisitFactory(member=MemberFactory(organization=school))
    assert visits(school)["count"] == 2


@pytest.mark.django_db(transaction=True)
def test_the_setting_turns_the_cache_off(settings):
    from django.test.utils import CaptureQueriesContext

    settings.REPORT_STATS_CACHE = False
    school = SchoolFactory()
    figures.collect(organization=school, start=START, end=END)
    with CaptureQueriesContext(connection) as captured:
        figures.collect(organization=school, start=START, end=END)
    assert len(captured) > 20  # every app's statistics computed again, no token read
    assert not any("reports_statstoken" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_figures_are_made_in_the_site_language_whoever_assembles_first():
    from django.utils import translation

    from welfare.models import FundingSource

    school = SchoolFactory()
    WelfareVisitFactory(member=MemberFactory(organization=school), funding_source=FundingSource.UNION_FUNDS)

    def labels():
        welfare = figures.collect(organization=school, start=START, end=END)["current"]["welfare"]
        return [row["label"] for row in welfare["visits_by_funding_source"] if row["count"]]

    with translation.override("en"):
        first = labels()  # computed (and cached) while the interface is English
    with translation.override("zh-hans"):
        second = labels()  # read from the cache
    assert first == second == [str(FundingSource.UNION_FUNDS.label)] == ["工会经费"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_token_write_never_fails_the_committed_request(monkeypatch):
    school = SchoolFactory()
    member = MemberFactory(organization=school)

    def broken(alias, apps):
        raise RuntimeError("token table unreachable")

    monkeypatch.setattr(stats_cache, "_write_tokens", broken)
    with transaction.atomic():  # commits; the failing on-commit hook is logged, not raised
        WelfareVisitFactory(member=member)
    assert WelfareVisit.objects.filter(member=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_tokens_are_created_when_an_app_never_had_one():
    school = SchoolFactory()
    WelfareVisitFactory(member=MemberFactory(organization=school))
    StatsToken.objects.all().delete()  # as after a load outside Django
    assert visits(school)["count"] == 1
    assert set(stats_cache.tokens()) >= {"welfare", "members"}


@pytest.mark.django_db(transaction=True)
def test_migrations_replace_every_token_once_when_they_finish():
    from django.apps import apps

    before = stats_cache.tokens()
    stats_cache.migration_started()
    try:
        with transaction.atomic():
            MemberFactory()  # a data migration's write: not observed one by one (the table may not exist yet)
            assert stats_cache.pending_apps() == set()
    finally:
        stats_cache.migration_finished(sender=apps.get_app_config("members"))  # other apps' signals: nothing
        assert stats_cache._migrating
        stats_cache.migration_finished(sender=apps.get_app_config("reports"))
    after = stats_cache.tokens()
    assert not stats_cache._migrating
    assert set(after) == set(stats_cache.SOURCE_APPS) and all(after[a] != before.get(a) for a in after)
