import datetime as dt

from django.core.management import call_command

from members.models import AuditEntry, FamilyMember, Member
from members.retention import ANONYMISED, purge_expired
from members.tests.factories import FamilyMemberFactory, MemberFactory
from members.tests.rosters import valid_id


def test_purge_anonymises_only_expired_members_and_is_idempotent(school, settings):
    settings.RETENTION_YEARS = 5
    today = dt.date(2026, 11, 21)
    old = MemberFactory(organization=school, status="left", status_changed_on=dt.date(2019, 1, 1),
                        id_number=valid_id(), bank_account="6222000011112222", phone="13800000000")
    recent = MemberFactory(organization=school, status="left", status_changed_on=dt.date(2024, 1, 1),
                           id_number=valid_id("19900101", "121"))
    active = MemberFactory(organization=school, id_number=valid_id("19910101", "121"))
    FamilyMemberFactory(member=old, name="某某", birth_date=dt.date(2015, 1, 1))

    result = purge_expired(on=today)
    assert (result.members, result.family) == (1, 1)
    old.refresh_from_db()
    assert (old.id_number, old.bank_account, old.phone) == ("", "", "")
    assert old.name and Member.objects.count() == 3  # rows kept, so counts stay intact
    assert FamilyMember.objects.get(member=old).name == ANONYMISED
    assert Member.objects.get(pk=recent.pk).id_number and Member.objects.get(pk=active.pk).id_number
    assert AuditEntry.objects.filter(summary__startswith="按保存期限匿名化").count() == 1

    again = purge_expired(on=today)
    assert (again.members, again.family, again.app_rows) == (0, 0, 0)
    assert AuditEntry.objects.filter(summary__startswith="按保存期限匿名化").count() == 1


def test_command_dry_run_counts_without_changing(school, capsys):
    MemberFactory(organization=school, status="deceased", status_changed_on=dt.date(2000, 1, 1), id_number=valid_id())
    call_command("purge_expired", "--dry-run")
    assert "1 名" in capsys.readouterr().out
    assert Member.objects.get().id_number
