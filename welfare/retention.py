"""Retention hook for ``manage.py purge_expired`` (see ``members.retention``).

Blanks the free-text details of welfare records about members past the retention
period — visit and pending-visit notes (illness details), claim notes, hardship
reasons and notes, aid notes, service descriptions and outcomes — and keeps every
row, date, occasion and amount, so 人次, 人 and 元 of past years stay the same.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from django.db.models import Q

from members.retention import ANONYMISED

from .models import AidClaim, HardshipAid, HardshipCase, PendingVisit, ServiceRecord, WelfareVisit


def purge(member_ids: list[int]) -> int:
    """Anonymise the welfare free text of ``member_ids``; return the number of rows changed."""
    changed = 0
    for model in (WelfareVisit, PendingVisit, AidClaim):
        changed += model.objects.filter(member_id__in=member_ids).exclude(notes="").update(notes="")
    changed += (
        HardshipCase.objects.filter(member_id__in=member_ids)
        .filter(~Q(reason=ANONYMISED) | ~Q(notes=""))
        .update(reason=ANONYMISED, notes="")
    )
    changed += HardshipAid.objects.filter(case__member_id__in=member_ids).exclude(notes="").update(notes="")
    changed += (
        ServiceRecord.objects.filter(member_id__in=member_ids)
        .filter(~Q(description=ANONYMISED) | ~Q(outcome=""))
        .update(description=ANONYMISED, outcome="")
    )
    return changed
