"""Writes of the activities app: registration with capacity and waitlist, check-in, photos, honours.

Every service is keyword-only and atomic; those that must be audited take ``acting_user`` (and
``request`` for the client address) and write their ``AuditEntry`` inside the same transaction,
so a rolled-back write leaves no audit entry and an audit that fails undoes the write.

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

from members.models import AuditEntry, FamilyMember, Gender, Member, MemberStatus
from union_portal.lib.audit import audit

from .models import (
    Activity,
    ActivityPhoto,
    Award,
    GroupSession,
    Honor,
    InterestGroup,
    Match,
    Registration,
    SubUnionFund,
    Team,
)

PHOTO_MAX_PIXELS = 1600  # longest side after resizing
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Largest source image decoded, in pixels (width × height, read from the file's header before any
# decoding): a 40-megapixel photo decodes to about 120 MB; a 169-megapixel PNG of 481 KB would take a
# worker to 1.5 GB. Pillow's own guard (Image.MAX_IMAGE_PIXELS) only warns below twice its limit.
PHOTO_MAX_SOURCE_PIXELS = 40_000_000


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

    The size is checked from the header before anything is decoded (``PHOTO_MAX_SOURCE_PIXELS``).
    The JPEG written is a fresh image: no EXIF, comment, XMP or ICC segment of the upload survives
    (a phone photo's EXIF holds the place and time it was taken). Raises ``ValidationError``
    (Chinese message) for anything Pillow cannot read as JPEG, PNG or WebP, or for too many pixels.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            _check_pixels(*probe.size)
            probe.verify()
        if fmt not in PHOTO_FORMATS:
            raise ValidationError("只支持 JPG、PNG 或 WebP 格式的照片。")
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", (PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))  # JPEG: decode at a reduced scale
            img = ImageOps.exif_transpose(img)
            img.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, (255, 255, 255))
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                img = background
            clean = Image.new("RGB", img.size)
            clean.paste(img.convert("RGB"))  # pixels only: no info (comment, exif, xmp, icc) carried over
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError("无法识别该图片文件，请上传 JPG、PNG 或 WebP 格式的照片。") from None


def _check_pixels(width: int, height: int) -> None:
    """Refuse a source image above ``PHOTO_MAX_SOURCE_PIXELS`` (raises ``ValidationError``)."""
    if width * height > PHOTO_MAX_SOURCE_PIXELS:
        raise ValidationError(
            f"图片像素过多（{width}×{height}），请缩小到 {PHOTO_MAX_SOURCE_PIXELS // 10_000} 万像素以内后再上传。"
        )


@transaction.atomic
def photo_add(*, activity: Activity, data: bytes, caption: str = "", acting_user=None, request=None) -> ActivityPhoto:
    """Resize and store one photo of ``activity`` and audit the upload; refuses past the per-activity limit.

    ``data`` is the uploaded file's bytes. Raises ``ValidationError`` (Chinese message) when the
    activity already has ``photo_limits()[1]`` photos or the data is not a readable image. If the row
    or its audit entry cannot be written, the stored file is removed again.
    """
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
    try:
        photo.width, photo.height = width, height
        photo.save()
        audit(
            request,
            AuditEntry.Action.CREATE,
            photo,
            summary=f"上传活动照片 {activity.title}",
            user=acting_user,
            organization=activity.organizer,
        )
    except Exception:
        photo.image.delete(save=False)
        raise
    return photo


@transaction.atomic
def photo_delete(*, photo: ActivityPhoto, acting_user, request=None) -> None:
    """Delete a photo's row (audited); its file is removed only once the deletion has committed.

    If the surrounding transaction rolls back, the row and its file both stay.
    """
    storage, name = photo.image.storage, photo.image.name
    audit(
        request,
        AuditEntry.Action.DELETE,
        photo,
        summary="删除活动照片",
        user=acting_user,
        organization=photo.activity.organizer,
    )
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Activities ------------------------------------------------------------------------------------


@transaction.atomic
def activity_create(*, activity: Activity, acting_user, request=None) -> Activity:
    """Save a new (unsaved) ``activity`` created by ``acting_user`` and audit it. Returns it saved."""
    activity_save(activity=activity, acting_user=acting_user)
    audit(
        request,
        AuditEntry.Action.CREATE,
        activity,
        summary=f"新建活动 {activity.title}",
        user=acting_user,
        organization=activity.organizer,
    )
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, acting_user, request=None) -> list[Registration]:
    """Save an edited ``activity`` and audit it; returns the registrations promoted from the waitlist
    because the capacity grew or was lifted (oldest first)."""
    promoted = activity_save(activity=activity, acting_user=acting_user)
    audit(
        request,
        AuditEntry.Action.UPDATE,
        activity,
        summary=f"修改活动 {activity.title}",
        user=acting_user,
        organization=activity.organizer,
    )
    return promoted


# --- Teams and matches -----------------------------------------------------------------------------


@transaction.atomic
def team_add(*, activity: Activity, team: Team, players, acting_user, request=None) -> Team:
    """Save an unsaved ``team`` of ``activity`` with its ``players`` (Members) and audit it."""
    team.activity = activity
    team.save()
    team.players.set(players)
    audit(
        request,
        AuditEntry.Action.CREATE,
        team,
        summary=f"{activity.title}：{team}",
        user=acting_user,
        organization=activity.organizer,
    )
    return team


@transaction.atomic
def match_add(*, activity: Activity, match: Match, acting_user, request=None) -> Match:
    """Save an unsaved ``match`` (a fixture or result) of ``activity`` and audit it."""
    match.activity = activity
    match.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        match,
        summary=f"{activity.title}：{match}",
        user=acting_user,
        organization=activity.organizer,
    )
    return match


@transaction.atomic
def team_delete(*, team: Team, acting_user, request=None) -> None:
    """Delete a team (its matches go with it, by cascade) and audit it."""
    audit(
        request,
        AuditEntry.Action.DELETE,
        team,
        summary=f"删除参赛队 {team.name}",
        user=acting_user,
        organization=team.activity.organizer,
    )
    team.delete()


@transaction.atomic
def match_delete(*, match: Match) -> None:
    """Delete one match. Not audited (as before the services existed: a fixture, not a record of a person)."""
    match.delete()


# --- Honours, awards, funds ------------------------------------------------------------------------


def _record(obj, *, title: str, acting_user, request) -> None:
    obj.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        obj,
        summary=f"登记{title} {obj}",
        user=acting_user,
        organization=obj.organization,
    )


@transaction.atomic
def honor_record(*, honor: Honor, acting_user, request=None) -> Honor:
    """Save an unsaved honour (荣誉, individual or collective) and audit it."""
    _record(honor, title="荣誉", acting_user=acting_user, request=request)
    return honor


@transaction.atomic
def award_record(*, award: Award, acting_user, request=None) -> Award:
    """Save an unsaved award (获奖, individual or team) and audit it."""
    _record(award, title="获奖", acting_user=acting_user, request=request)
    return award


@transaction.atomic
def honor_delete(*, honor: Honor, acting_user, request=None) -> None:
    """Delete an honour and audit it."""
    audit(
        request,
        AuditEntry.Action.DELETE,
        honor,
        summary=f"删除荣誉 {honor.title}",
        user=acting_user,
        organization=honor.organization,
    )
    honor.delete()


@transaction.atomic
def award_delete(*, award: Award, acting_user, request=None) -> None:
    """Delete an award and audit it."""
    audit(
        request,
        AuditEntry.Action.DELETE,
        award,
        summary=f"删除获奖 {award}",
        user=acting_user,
        organization=award.organization,
    )
    award.delete()


@transaction.atomic
def sub_union_fund_allocate(*, fund: SubUnionFund, acting_user, request=None) -> SubUnionFund:
    """Save an unsaved yearly allocation (活动经费, ``allocation`` in yuan as Decimal) and audit it."""
    fund.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        fund,
        summary=f"下拨 {fund.organization} {fund.year} 年活动经费 {fund.allocation} 元",
        user=acting_user,
        organization=fund.organization,
    )
    return fund


# --- Interest groups -------------------------------------------------------------------------------


@transaction.atomic
def interest_group_save(*, group: InterestGroup, acting_user, request=None) -> InterestGroup:
    """Save a new or edited interest group, make its leader (if any) a member, and audit it."""
    created = group.pk is None
    group.save()
    if group.leader_id:
        group.members.add(group.leader)
    audit(
        request,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        group,
        summary=f"兴趣小组 {group.name}",
        user=acting_user,
        organization=group.organization,
    )
    return group


@transaction.atomic
def group_session_record(*, group: InterestGroup, session: GroupSession, attendees) -> GroupSession:
    """Save an unsaved session of ``group`` with its ``attendees`` (Members). Not audited (as before)."""
    session.group = group
    session.save()
    session.attendees.set(attendees)
    return session


@transaction.atomic
def interest_group_join(*, group: InterestGroup, member: Member) -> None:
    """Add ``member`` to ``group`` (idempotent). The caller checks the group is active."""
    group.members.add(member)


@transaction.atomic
def interest_group_leave(*, group: InterestGroup, member: Member) -> None:
    """Remove ``member`` from ``group`` (idempotent)."""
    group.members.remove(member)
