"""Background work of the member registry: the e-mail copy of an inbox reminder.

Runs on the Celery worker over Redis, eagerly in-process without ``REDIS_URL`` (settings).
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone


@shared_task(name="members.reminder_email", acks_late=True)
def reminder_email(reminder_id: int) -> str:
    """E-mail reminder ``reminder_id`` to its recipient, once: a reminder with ``emailed_at`` is skipped.

    Returns ``"sent"``, ``"skipped"`` (already sent, gone, or no address). The row is claimed with a
    conditional UPDATE before sending, so two deliveries of the same task send one mail.
    """
    from .models import Reminder

    reminder = Reminder.objects.select_related("recipient").filter(pk=reminder_id).first()
    if reminder is None or not reminder.recipient.email:
        return "skipped"
    claimed = Reminder.objects.filter(pk=reminder_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return "skipped"
    site = getattr(settings, "SITE_URL", "")
    link = f"\n\n{site.rstrip('/')}{reminder.url}" if reminder.url and site else ""
    try:
        send_mail(
            f"【工会提醒】{reminder.title}"[:150],
            f"{reminder.body}{link}\n\n请登录学校工会工作平台查看。",
            None,
            [reminder.recipient.email],
        )
    except Exception:
        Reminder.objects.filter(pk=reminder_id).update(emailed_at=None)  # let a retry send it
        raise
    return "sent"
