"""Retention (PIPL art. 19, "the shortest period necessary"): anonymise who left long ago.

``purge_expired`` blanks the sensitive identity details of members whose status
(调离 or 去世) changed more than ``settings.RETENTION_YEARS`` years ago, and asks
every app's ``retention.purge`` to do the same for its records. Rows are kept,
so every aggregate count (人次, 人, 元) of past years stays the same. Running it
twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from union_portal.lib.registry import retention_purgers

from .models import AuditEntry, FamilyMember, Member, MemberStatus

ANONYMISED = "（已匿名）"


@dataclass
class PurgeResult:
    """Counts of rows changed: members, family members, and rows in other apps."""

    members: int
    family: int
    app_rows: int


def expired_members(on: dt.date | None = None):
    """Members who left or died more than ``RETENTION_YEARS`` before ``on`` (default today)."""
    on = on or timezone.localdate()
    cutoff = on.replace(year=on.year - settings.RETENTION_YEARS) if not (on.month == 2 and on.day == 29) else on.replace(
        year=on.year - settings.RETENTION_YEARS, day=28)
    return Member.objects.filter(status__in=[MemberStatus.LEFT, MemberStatus.DECEASED], status_changed_on__lt=cutoff)


@transaction.atomic
def purge_expired(*, on: dt.date | None = None, acting_user=None) -> PurgeResult:
    """Anonymise sensitive details of expired members; idempotent; one audit entry when anything changed.

    Blanks 身份证号, 银行账号 and 手机, and replaces family members' names with
    ``（已匿名）`` and drops their birth dates. Names and 工号 of members stay,
    since congress and welfare history name them in past reports.
    """
    ids = list(expired_members(on).values_list("pk", flat=True))
    members = Member.objects.filter(pk__in=ids).filter(~Q(id_number="") | ~Q(bank_account="") | ~Q(phone="")).update(
        id_number="", bank_account="", phone=""
    )
    family = FamilyMember.objects.filter(member_id__in=ids).exclude(name=ANONYMISED, birth_date__isnull=True).update(
        name=ANONYMISED, birth_date=None
    )
    app_rows = sum(purge(ids) for purge in retention_purgers()) if ids else 0
    if members or family or app_rows:
        AuditEntry.objects.create(
            action=AuditEntry.Action.UPDATE, user=acting_user, username=getattr(acting_user, "username", "") or "system",
            object_type="members.member",
            summary=f"按保存期限匿名化：教职工{members}人，亲属{family}条，其他记录{app_rows}条",
        )
    return PurgeResult(members=members, family=family, app_rows=app_rows)
