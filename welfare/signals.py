"""Visits stay counted where they happened: a transfer moves only the visits dated on or after it.

``WelfareVisit.school`` is the school the visit was recorded in (set from the member on save). It no
longer follows the member when their organisation changes: the old school's ledger and report figures
for the period before a transfer must not change (issue 15). A dated transfer
(``members.services.member_transfer``) sends ``members.signals.member_transferred``; visits dated on or
after the transfer date that still carry the old school belong to the new one.
"""

from __future__ import annotations

from django.dispatch import receiver

from members.signals import member_transferred


@receiver(member_transferred, dispatch_uid="welfare_visits_after_transfer_follow")
def visits_after_transfer_follow(sender, member, transfer, **kwargs) -> None:
    """Visits to ``member`` dated on/after ``transfer.on`` and recorded at the old school move to the new one
    (a backdated transfer); earlier visits keep their school. One indexed UPDATE."""
    from .models import WelfareVisit

    WelfareVisit.objects.filter(
        member_id=member.pk, school_id=transfer.from_school_id, visited_on__gte=transfer.on
    ).update(school_id=transfer.to_school_id)
