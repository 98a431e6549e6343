"""Keep ``WelfareVisit.school`` (denormalised for the ledger's index) in step with the member's school."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from members.models import Member


@receiver(post_save, sender=Member, dispatch_uid="welfare_visit_school_follows_member")
def visit_school_follows_member(sender, instance: Member, created: bool, raw: bool = False, **kwargs) -> None:
    """A member moved to another school: their visits follow (one indexed UPDATE, usually of no rows)."""
    if created or raw:
        return
    from .models import WelfareVisit

    WelfareVisit.objects.filter(member_id=instance.pk).exclude(school_id=instance.school_id).update(
        school_id=instance.school_id
    )
