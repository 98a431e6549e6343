"""Writes of the activities app: registration with capacity and waitlist, check-in, photos, honours.

Capacity is race-safe: every service that takes or frees a place first locks
the activity row (``SELECT … FOR UPDATE``), so two registrations for the last
place are serialised by PostgreSQL and the second one sees the first one's
place and lands on the waitlist. SQLite serialises writers on its own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import FamilyMember, Gender, Member, MemberStatus

from .models import Activity, ActivityPhoto, Registration

PHOTO_MAX_PIXELS = 1600  # longest side after resizing
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


class RegistrationError(ValidationError):
    """A registration or cancellation refused for a reason the member can read (Chinese message)."""


def _lock_activity(activity_id: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity_id)


def audience_allows(activity: Activity, member: Member) -> bool:
    """Whether ``member`` belongs to the activity's audience (女教职工, 离退休 …)."""
    if member.status in (MemberStatus.LEFT, MemberStatus.DECEASED):
        return False
    if activity.audience == Activity.Audience.WOMEN:
        return member.gender == Gender.FEMALE
    if activity.audience == Activity.Audience.RETIREES:
        return member.status == MemberStatus.RETIRED
    return True


def _promote_waitlist(activity: Activity) -> list[Registration]:
    """Move waitlisted registrations into free places, oldest first. The activity row must be locked."""
    waiting = activity.registrations.filter(status=Registration.Status.WAITLISTED).order_by("registered_at", "id")
    if activity.capacity is None:
        free = None
    else:
        taken = activity.registrations.filter(status=Registration.Status.REGISTERED).count()
        free = max(activity.capacity - taken, 0)
        waiting = waiting[:free]
    promoted = list(waiting) if free is None or free > 0 else []
    now = timezone.now()
    for reg in promoted:
        reg.status = Registration.Status.REGISTERED
        reg.promoted_at = now
        reg.save(update_fields=["status", "promoted_at"])
    return promoted


@transaction.atomic
def registration_create(
    *, activity: Activity, member: Member, family_member: FamilyMember | None = None, enforce_window: bool = True
) -> Registration:
    """Register ``member`` (or their ``family_member``) for ``activity``.

    Takes a place when one is free, otherwise joins the waitlist. Raises
    ``RegistrationError`` when registration is closed, the member is outside
    the audience, the family member is not theirs or families are not
    admitted, or the person is already registered.
    """
    activity = _lock_activity(activity.pk)
    if enforce_window and not activity.registration_is_open:
        raise RegistrationError("该活动当前不在报名时间内。")
    if activity.status in (Activity.Status.CANCELLED, Activity.Status.FINISHED):
        raise RegistrationError("该活动已结束或已取消，不能报名。")
    if not audience_allows(activity, member):
        raise RegistrationError(f"该活动面向{activity.get_audience_display()}，您不在参加范围内。")
    if family_member is not None:
        if not activity.admits_families:
            raise RegistrationError("该活动不接受家属报名。")
        if family_member.member_id != member.pk:
            raise RegistrationError("只能为本人的直系亲属报名。")
    live = activity.registrations.exclude(status=Registration.Status.CANCELLED).filter(member=member)
    live = live.filter(family_member=family_member) if family_member else live.filter(family_member__isnull=True)
    if live.exists():
        raise RegistrationError("已经报过名了，无需重复报名。")
    taken = activity.registrations.filter(status=Registration.Status.REGISTERED).count()
    full = activity.capacity is not None and taken >= activity.capacity
    try:
        with transaction.atomic():
            return Registration.objects.create(
                activity=activity,
                member=member,
                family_member=family_member,
                status=Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED,
            )
    except IntegrityError:
        raise RegistrationError("已经报过名了，无需重复报名。") from None


@dataclass
class CancelResult:
    registration: Registration
    promoted: list[Registration]


@transaction.atomic
def registration_cancel(*, registration: Registration) -> CancelResult:
    """Cancel a registration; if it held a place, promote the first waitlisted registrations."""
    activity = _lock_activity(registration.activity_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return CancelResult(registration, [])
    if registration.checked_in_at:
        raise RegistrationError("已签到的报名不能取消。")
    if activity.status in (Activity.Status.FINISHED, Activity.Status.CANCELLED):
        raise RegistrationError("活动已结束或已取消，不能再取消报名。")
    held_place = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = _promote_waitlist(activity) if held_place else []
    return CancelResult(registration, promoted)


@transaction.atomic
def registration_check_in(*, registration: Registration) -> Registration:
    """Record arrival (签到). Only a registration holding a place can check in; idempotent."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.REGISTERED:
        raise RegistrationError("候补或已取消的报名不能签到。")
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
    return registration


@transaction.atomic
def activity_save(*, activity: Activity, acting_user=None) -> list[Registration]:
    """Save a new or edited activity; when its capacity grew (or was lifted), promote the waitlist."""
    if activity.pk is None:
        activity.created_by = acting_user
        activity.save()
        return []
    _lock_activity(activity.pk)
    activity.save()
    return _promote_waitlist(activity)


def photo_limits() -> tuple[int, int]:
    """(max bytes per upload, max photos per activity), from settings with defaults."""
    return (
        getattr(settings, "ACTIVITY_PHOTO_MAX_BYTES", 8 * 1024 * 1024),
        getattr(settings, "ACTIVITY_PHOTOS_PER_ACTIVITY", 8),
    )


def resize_image(data: bytes) -> bytes:
    """Validate an image with Pillow and return it as a JPEG no larger than ``PHOTO_MAX_PIXELS``.

    Raises ``ValidationError`` (Chinese message) for anything Pillow cannot read
    as JPEG, PNG or WebP, or for decompression bombs.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        if fmt not in PHOTO_FORMATS:
            raise ValidationError("只支持 JPG、PNG 或 WebP 格式的照片。")
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, (255, 255, 255))
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                img = background
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError("无法识别该图片文件，请上传 JPG、PNG 或 WebP 格式的照片。") from None


@transaction.atomic
def photo_add(*, activity: Activity, data: bytes, caption: str = "", acting_user=None) -> ActivityPhoto:
    """Resize and store one photo of ``activity``; refuses past the per-activity limit."""
    _max_bytes, max_count = photo_limits()
    _lock_activity(activity.pk)
    if activity.photos.count() >= max_count:
        raise ValidationError(f"每个活动最多上传 {max_count} 张照片。")
    jpeg = resize_image(data)
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as img:
        width, height = img.size
    photo = ActivityPhoto(activity=activity, caption=caption, uploaded_by=acting_user)
    photo.image.save(f"activity-{activity.pk}.jpg", ContentFile(jpeg), save=False)
    photo.width, photo.height = width, height
    photo.save()
    return photo
