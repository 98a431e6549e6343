"""Writes to the member registry: roster import, first-run set-up (school, units, officers' logins),
member create/update, family, consents, export log.

Service functions are keyword-only, typed and atomic (HackSoft style). They take
``acting_user`` when the write is audited. The roster file's columns, validation and preview
(what an import changes) live in ``members.roster``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from union_portal.lib.audit import audit, client_ip
from union_portal.lib.tabular import clean_name

from .idcard import id_birth_date, id_gender, id_number_error, mask_id_number, normalize_id_number
from .models import (
    AuditEntry,
    Consent,
    Department,
    FamilyMember,
    Member,
    MemberStatus,
    MemberTransfer,
    Organization,
    PasswordChangeRequirement,
    Role,
    RoleAssignment,
)
from .pinyin import pinyin_fields
from .roster import FIELDS, ROSTER_ALIASES, ROSTER_COLUMNS, RosterResult, RosterRow, UnitIndex, roster_validate

__all__ = ["ROSTER_ALIASES", "ROSTER_COLUMNS", "RosterResult", "RosterRow", "roster_validate"]  # re-exported


# --- Organisation units and schools --------------------------------------------------------------

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")


def _free_code(prefix: str, width: int = 2) -> str:
    taken = set(Organization.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = 1
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"


def org_units_create(*, school: Organization, refs: list[tuple]) -> dict[tuple, Organization]:
    """Create the sub-unions and groups named by ``refs`` (``("sub", 名)``, ``("group", 分工会名, 名)``,
    see ``members.roster``) under ``school``; return every unit of the school by reference.

    Codes are generated: ``<school code>-01``… for sub-unions, ``<sub-union code>-G1``… for groups.
    Called inside ``roster_import``'s transaction (audited there).
    """
    index = UnitIndex(school)
    units = dict(index.by_ref)
    for ref in sorted(refs, key=len):  # sub-unions before their groups
        if ref in units:
            continue
        if ref[0] == "sub":
            code = _free_code(f"{school.code[:26]}-")
            node = Organization(kind=Organization.Kind.SUB_UNION, code=code, name=ref[1], parent=school)
        else:
            parent = units[("sub", ref[1])]
            node = Organization(kind=Organization.Kind.GROUP, code=_free_code(f"{parent.code[:26]}-G", 1),
                                name=ref[2], parent=parent)  # fmt: skip
        node.save()
        units[ref] = node
    return units


@transaction.atomic
def school_setup(
    *, code: str, name: str, parent: Organization | None = None, kind: str = Organization.Kind.SCHOOL,
    acting_user=None, request=None,
) -> tuple[Organization, bool]:  # fmt: skip
    """Create a school union (or, with ``kind="district"``, a district union) unless it exists.

    Idempotent: a node with the same ``code``, kind, name and parent is returned unchanged
    (``(node, False)``); a new one is created and audited (``(node, True)``). ``parent`` is the
    district union above a school (optional). Raises ``ValueError`` (Chinese message) for a
    malformed code, a blank name, a parent that is not a district union, or a code already used
    by another node.
    """
    code, name = code.strip(), name.strip()
    if not CODE_PATTERN.match(code):
        raise ValueError("编码只能包含字母、数字和短横线（最多32个字符），且不能以短横线开头")
    if not name or len(name) > 100:
        raise ValueError("请填写名称（最多100个字）")
    if parent is not None and (kind != Organization.Kind.SCHOOL or parent.kind != Organization.Kind.DISTRICT):
        raise ValueError("学校工会的上级只能是区教育工会")
    existing = Organization.objects.filter(code=code).first()
    if existing is not None:
        if (existing.kind, existing.name, existing.parent_id) == (kind, name, parent.pk if parent else None):
            return existing, False
        raise ValueError(f"编码 {code} 已被“{existing.name}”使用")
    node = Organization(kind=kind, code=code, name=name, parent=parent)
    node.save()
    audit(request, AuditEntry.Action.CREATE, node, user=acting_user, organization=node,
          summary=f"初始设置：新建{node.get_kind_display()} {name}（{code}）")  # fmt: skip
    return node, True


# --- Roster import -------------------------------------------------------------------------------


def _org_lookup(school: Organization) -> tuple[dict[str, Organization], dict[tuple[str, str], Organization]]:
    """The school's live (not retired) sub-unions by cleaned name and lower-case code, and groups by
    (sub-union code, cleaned name): the units a roster row may name (``members.roster.UnitIndex``)."""
    index = UnitIndex(school)
    subs = {key: index.by_ref[("sub", name)] for key, name in index.sub_names.items()}
    groups = {
        (index.by_ref[("sub", ref[1])].code, ref[2]): node for ref, node in index.by_ref.items() if ref[0] == "group"
    }
    return subs, groups


def _member_entry(member: Member, summary: str, action: str, *, user, ip, school) -> AuditEntry:
    return AuditEntry(
        user=user, username=getattr(user, "username", "") if user else "", action=action,
        object_type=Member._meta.label_lower, object_id=str(member.pk), summary=summary[:500],
        ip_address=ip, organization=school,
    )  # fmt: skip


def _apply_row(member: Member, values: dict) -> set[str]:
    """Set the row's values that differ on ``member``; return the changed field names."""
    changed = set()
    for key in FIELDS:
        if key in values and getattr(member, key) != values[key]:
            setattr(member, key, values[key])
            changed.add(key)
    for key in ("organization", "department"):
        if key in values:
            target = values[key]
            if getattr(member, f"{key}_id") != (target.pk if target else None):
                setattr(member, key, target)
                changed.add(key)
    if "name" in changed:
        member.name_pinyin, member.name_initials = pinyin_fields(member.name)
        changed |= {"name_pinyin", "name_initials"}
    return changed


@transaction.atomic
def roster_import(
    *, school: Organization, data: bytes, filename: str, acting_user, dry_run: bool = False, request=None,
    create_units: bool = False,
) -> RosterResult:  # fmt: skip
    """Validate and, when every row is clean, write the roster in one transaction.

    All-or-nothing: with any row error (or ``dry_run``) nothing is written. Members are matched by
    工号 within ``school``: matched rows change only the fields the file gives and that differ (a
    blank cell or a missing column keeps the stored value, see ``members.roster``), others are
    created. Unknown departments are created; unknown sub-unions and groups too with
    ``create_units`` (else they are row errors). Writes use ``bulk_create``/``bulk_update``. The
    audit gets one ``import`` summary entry plus one entry per person added (``create``) or
    changed (``update``, listing each field old → new, ID numbers masked).
    """
    result = roster_validate(school=school, data=data, filename=filename, create_units=create_units)
    if not result.ok or dry_run:
        return result
    units = org_units_create(school=school, refs=result.new_unit_refs)
    for name in result.new_departments:
        Department.objects.get_or_create(school=school, name=name)
    departments = {clean_name(d.name): d for d in Department.objects.filter(school=school)}
    existing = {m.staff_no: m for m in Member.objects.filter(school=school).select_for_update()}
    to_create: list[Member] = []
    to_update: list[Member] = []
    update_fields: set[str] = set()
    for row in result.rows:
        values = dict(row.values)
        ref = values.pop("unit")
        values["organization"] = school if ref is None else units[ref]
        if "department" in values:
            values["department"] = departments[values["department"]] if values["department"] else None
        member = existing.get(values["staff_no"])
        if member is None:
            member = Member(school=school, **{k: v for k, v in values.items() if k != "staff_no"},
                            staff_no=values["staff_no"])  # fmt: skip
            if member.is_union_member and not member.joined_union_on:
                member.joined_union_on = member.hired_on
            member.name_pinyin, member.name_initials = pinyin_fields(member.name)
            to_create.append(member)
            continue
        changed = _apply_row(member, values)
        if changed:
            update_fields |= changed
            to_update.append(member)
    Member.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        now = timezone.now()
        for m in to_update:
            m.updated_at = now
        Member.objects.bulk_update(to_update, sorted(update_fields | {"updated_at"}), batch_size=500)
    result.written = True
    _audit_roster(result, school=school, filename=filename, created=to_create, updated=to_update,
                  acting_user=acting_user, request=request)  # fmt: skip
    return result


# --- Field-by-field change summaries (audit) and masking ------------------------------------------

SENSITIVE_FIELDS = frozenset({"id_number", "bank_account"})


def mask_value(field_name: str, value) -> str:
    """``value`` as shown in an audit summary or the history panel: ID and bank numbers masked (PIPL)."""
    if value in (None, ""):
        return "（空）"
    text_value = str(value)
    if field_name == "id_number":
        return mask_id_number(text_value)
    if field_name in SENSITIVE_FIELDS:
        return f"{'*' * max(len(text_value) - 4, 4)}{text_value[-4:]}"
    return text_value


def _display(instance, field_name: str, value) -> str:
    field_obj = instance._meta.get_field(field_name)
    if field_obj.choices and value not in (None, ""):
        value = dict(field_obj.flatchoices).get(value, value)
    elif field_obj.is_relation and value is not None:
        value = field_obj.related_model._default_manager.filter(pk=value).first() or value
    return mask_value(field_name, value)


def field_changes(old, new, fields) -> list[str]:
    """``["手机：138… → 139…", …]`` for each of ``fields`` whose value differs between two instances of a
    model (verbose names as labels, choice labels, masked sensitive values). FK fields use ``<name>_id``
    values and show the related object's name."""
    changes = []
    for name in fields:
        field_obj = new._meta.get_field(name)
        attr = field_obj.attname
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            label = str(field_obj.verbose_name)
            changes.append(f"{label}：{_display(new, name, before)} → {_display(new, name, after)}")
    return changes


def _summary(head: str, changes: list[str]) -> str:
    """An audit summary of at most 500 characters: ``head`` then the changes, cut with "…" when too long."""
    text_value = head + ("：" + "；".join(changes) if changes else "（无变化）")
    return text_value if len(text_value) <= 500 else text_value[:499] + "…"


MEMBER_AUDITED_FIELDS = (
    "name", "staff_no", "gender", "birth_date", "id_number", "bank_account", "phone", "address", "organization",
    "department", "title", "is_teacher", "hired_on", "employment_type", "is_union_member", "joined_union_on",
    "left_union_on", "status", "status_changed_on", "notes",
)  # fmt: skip


def _audit_roster(result: RosterResult, *, school, filename, created, updated, acting_user, request) -> None:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    ip = client_ip(request)
    changes = {c.staff_no: c for c in result.changes}
    entries = [
        _member_entry(m, f"导入会员名册 {filename}：新增 {m.name}（{m.staff_no}）", AuditEntry.Action.CREATE,
                      user=user, ip=ip, school=school)
        for m in created
    ]  # fmt: skip
    for m in updated:
        fields = "；".join(f"{f.label} {f.old} → {f.new}" for f in changes[m.staff_no].fields)
        entries.append(_member_entry(m, f"导入会员名册 {filename}：修改 {m.name}（{m.staff_no}）：{fields}",
                                     AuditEntry.Action.UPDATE, user=user, ip=ip, school=school))  # fmt: skip
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    extra = f"，新建分工会/小组 {len(result.new_units)} 个" if result.new_units else ""
    audit(request, AuditEntry.Action.IMPORT, user=acting_user, organization=school,
          summary=f"导入会员名册 {filename}：新增{len(created)}人，更新{len(updated)}人{extra}")  # fmt: skip


# --- Officers and their first logins -------------------------------------------------------------

@dataclass
class IssuedLogin:
    """A login handed out at set-up: the person, their username, roles (Chinese, 、-joined) and the
    one-time ``password`` (empty when the person already had a login, which is kept)."""

    name: str
    staff_no: str
    username: str
    roles: str
    password: str


def _free_username(school: Organization, staff_no: str) -> str:
    user_model = get_user_model()
    for candidate in (staff_no.lower(), f"{school.code}-{staff_no}".lower()):
        if not user_model.objects.filter(username=candidate).exists():
            return candidate
    n = 2
    while user_model.objects.filter(username=f"{school.code}-{staff_no}-{n}".lower()).exists():
        n += 1
    return f"{school.code}-{staff_no}-{n}".lower()


def _setup_login_for(member: Member, school: Organization, acting_user) -> tuple[object, str]:
    if member.user_id:
        return member.user, ""
    user = get_user_model().objects.create_user(username=_free_username(school, member.staff_no), password=None)
    member.user = user
    member.save(update_fields=["user"])
    # One mechanism for every one-time password (set-up logins and the chair's reset): a
    # PasswordChangeRequirement that the login hook turns into a forced password change.
    password = user_one_time_password_issue(user=user, acting_user=acting_user)
    return user, password


@transaction.atomic
def officers_appoint(
    *, school: Organization, grants: list[tuple[Member, str, Organization]], acting_user, request=None
) -> list[IssuedLogin]:
    """Give each ``(member, role, node)`` of ``grants`` its role, creating logins where needed.

    ``grants`` come from the set-up's officers step: the chair and committee members at ``school``,
    sub-union chairs at their sub-union; every member must belong to ``school`` (``ValueError``
    otherwise). A member without a login gets one (username = 工号, lower case, or
    ``<school code>-<工号>`` if taken) with a one-time password (``user_one_time_password_issue``: to be
    changed at first login). Each grant is audited. Returns one ``IssuedLogin`` per person, in grant order.
    """
    issued: dict[int, IssuedLogin] = {}
    for member, role, node in grants:
        if member.school_id != school.pk or not node.is_within(school):
            raise ValueError("只能从本校教职工中任命")
        if member.pk not in issued:
            user, password = _setup_login_for(member, school, acting_user)
            issued[member.pk] = IssuedLogin(member.name, member.staff_no, user.username, "", password)
        login = issued[member.pk]
        user = member.user
        RoleAssignment.objects.get_or_create(user=user, role=role, organization=node, department=None)
        label = str(Role(role).label)
        login.roles = "、".join(filter(None, [login.roles, f"{label}（{node.name}）"]))
        audit(
            request,
            AuditEntry.Action.CREATE,
            member,
            user=acting_user,
            organization=school,
            summary=f"初始设置：任命 {member.name}（{member.staff_no}）为{label}（{node.name}），登录名 {user.username}",
        )
    return list(issued.values())


@transaction.atomic
def member_save(*, member: Member, acting_user, request=None, created: bool = False) -> Member:
    """Save a member edited through a form and audit the write field by field (old → new, ID and bank
    numbers masked). Derives birth date and gender from a valid ID number when they are blank.
    """
    old = None if created or member.pk is None else Member.objects.filter(pk=member.pk).first()
    if member.id_number:
        member.id_number = normalize_id_number(member.id_number)
        if not id_number_error(member.id_number):
            member.birth_date = member.birth_date or id_birth_date(member.id_number)
            member.gender = member.gender or id_gender(member.id_number)
    if member.is_union_member and not member.joined_union_on:
        member.joined_union_on = member.hired_on
    member._history_user = acting_user
    member.save()
    summary = f"新增教职工 {member.name}"
    if old is not None:
        summary = _summary(f"修改教职工 {member.name}", field_changes(old, member, MEMBER_AUDITED_FIELDS))
    audit(
        request,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        member,
        user=acting_user,
        organization=member.school,
        summary=summary,
    )
    return member


@transaction.atomic
def family_member_add(*, member: Member, relative: FamilyMember, acting_user, request=None) -> FamilyMember:
    """Attach an immediate family member (直系亲属, an unsaved form instance) to ``member``; audited."""
    relative.member = member
    relative._history_user = acting_user
    relative.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        relative,
        user=acting_user,
        organization=member.school,
        summary=f"为 {member.name} 添加直系亲属 {relative.name}（{relative.get_relation_display()}）",
    )
    return relative


FAMILY_FIELDS = ("relation", "name", "gender", "birth_date")


@transaction.atomic
def family_member_update(*, relative: FamilyMember, acting_user, request=None) -> FamilyMember:
    """Save an edited family member (a form instance whose ``pk`` exists); audited field by field."""
    old = FamilyMember.objects.get(pk=relative.pk)
    relative._history_user = acting_user
    relative.save()
    audit(
        request,
        AuditEntry.Action.UPDATE,
        relative,
        user=acting_user,
        organization=relative.member.school,
        summary=_summary(
            f"修改 {relative.member.name} 的直系亲属 {relative.name}", field_changes(old, relative, FAMILY_FIELDS)
        ),
    )
    return relative


@transaction.atomic
def family_member_remove(*, relative: FamilyMember, acting_user, request=None) -> None:
    """Delete a family member record (entered by mistake, or no longer family); audited with what it held.

    Raises ``django.db.models.ProtectedError`` when any record (a welfare visit, a life event …) names the
    relative: those records keep who was concerned, so the relative stays.
    """
    member = relative.member
    # Every reverse relation, the hidden ones too (welfare's visits name relatives with related_name="+").
    relations = [f for f in FamilyMember._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for rel in relations:  # welfare visits, life events … (history tables aside)
        if rel.related_model._meta.model_name.startswith("historical"):
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: relative}).exists():
            raise ProtectedError("records name this family member", {relative})
    summary = f"删除 {member.name} 的直系亲属 {relative.name}（{relative.get_relation_display()}）"
    relative._history_user = acting_user
    audit(request, AuditEntry.Action.DELETE, relative, user=acting_user, organization=member.school, summary=summary)
    relative.delete()


# Contact details a member corrects themselves (self-service). ID and bank numbers are not among them:
# they are checked against documents by the union (DOMAIN.md, Privacy), so a member asks the chair.
SELF_SERVICE_MEMBER_FIELDS = ("phone", "address")


@transaction.atomic
def member_contact_update(
    *, member: Member, phone: str, address: str, email: str, acting_user, request=None
) -> list[str]:
    """A member corrects their own contact details: 手机 and 住址 on the record, 电子邮箱 on their login
    (used for password reset). Audited field by field (old → new). Returns the change lines (empty when
    nothing changed; then nothing is written)."""
    old = Member.objects.get(pk=member.pk)
    member.phone, member.address = phone, address
    changes = field_changes(old, member, SELF_SERVICE_MEMBER_FIELDS)
    user = member.user
    if user is not None and (user.email or "") != email:
        changes.append(f"电子邮箱：{user.email or '（空）'} → {email or '（空）'}")
        user.email = email
        user.save(update_fields=["email"])
    if not changes:
        return []
    member._history_user = acting_user
    member.save(update_fields=["phone", "address", "updated_at"])
    audit(
        request,
        AuditEntry.Action.UPDATE,
        member,
        user=acting_user,
        organization=member.school,
        summary=_summary(f"{member.name} 本人修改联系方式", changes),
    )
    return changes


# --- Transfers between schools ----------------------------------------------------------------------


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_school: Organization,
    on: dt.date,
    new_staff_no: str,
    acting_user,
    request=None,
    to_organization: Organization | None = None,
) -> MemberTransfer:
    """Transfer (调动) ``member`` to ``to_school`` on date ``on`` with the staff number ``new_staff_no``.

    The member's unit becomes ``to_organization`` (a unit of ``to_school``; default the school itself),
    the department is cleared (departments belong to a school). A ``MemberTransfer`` keeps both schools,
    units and staff numbers. Records dated before ``on`` stay counted where they happened: apps move only
    later records (``members.signals.member_transferred``; welfare visits keep their recorded school).
    Audited in both schools' logs. Raises ``ValidationError`` (Chinese message) when ``to_school`` is not
    another school, the unit is outside it, or the staff number is blank or taken there.
    """
    from .signals import member_transferred

    new_staff_no = (new_staff_no or "").strip()
    unit = to_organization or to_school
    if to_school.kind != Organization.Kind.SCHOOL:
        raise ValidationError("调入单位必须是学校工会。")
    if to_school.pk == member.school_id:
        raise ValidationError("调入学校与现所在学校相同。")
    if not unit.is_within(to_school):
        raise ValidationError("新所属单位不在调入学校内。")
    if not new_staff_no:
        raise ValidationError("请填写在调入学校的新工号。")
    if Member.objects.filter(school=to_school, staff_no=new_staff_no).exists():
        raise ValidationError(f"工号 {new_staff_no} 在{to_school.name}已被使用。")
    from_school, from_unit, old_staff_no = member.school, member.organization, member.staff_no
    member.organization, member.staff_no, member.department = unit, new_staff_no, None
    member._history_user = acting_user
    member.save()
    transfer = MemberTransfer.objects.create(
        member=member, on=on, from_school=from_school, from_organization=from_unit, old_staff_no=old_staff_no,
        to_school=to_school, to_organization=unit, new_staff_no=new_staff_no, recorded_by=acting_user,
    )  # fmt: skip
    member_transferred.send(sender=MemberTransfer, member=member, transfer=transfer)
    summary = (
        f"{member.name} 于 {on:%Y-%m-%d} 由{from_school.name}（工号 {old_staff_no}）"
        f"调至{to_school.name}（工号 {new_staff_no}）"
    )
    for school in (from_school, to_school):
        audit(request, AuditEntry.Action.UPDATE, transfer, user=acting_user, organization=school, summary=summary)
    return transfer


@transaction.atomic
def consent_record(*, member: Member, consent: Consent, acting_user, request=None) -> Consent:
    """Record ``member``'s consent (an unsaved form instance) to processing sensitive data for a
    purpose (PIPL art. 29), by ``acting_user``; audited."""
    consent.member = member
    consent.recorded_by = acting_user
    consent.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        consent,
        user=acting_user,
        organization=member.school,
        summary=f"登记 {member.name} 的个人信息处理同意：{consent.get_purpose_display()}",
    )
    return consent


@transaction.atomic
def member_export_log(*, organization: Organization | None, full_ids: bool, acting_user, request=None) -> None:
    """Audit an export of the member list (PIPL: who took which personal data out, with or
    without full ID numbers)."""
    audit(
        request,
        AuditEntry.Action.EXPORT,
        user=acting_user,
        organization=organization,
        summary=f"导出会员名册（{'含完整身份证号' if full_ids else '身份证号已脱敏'}）",
    )


# --- Organisation tree, departments and roles (组织管理) ----------------------------------------
# The chair of a school runs its tree in the portal: these services are its only writers outside
# the roster import. Each checks the acting user, is atomic and writes its audit entry inside the
# transaction. A school's units never leave it (a move between schools is a transfer).

CHILD_KINDS = {
    Organization.Kind.SCHOOL: (Organization.Kind.SUB_UNION, Organization.Kind.GROUP),
    Organization.Kind.SUB_UNION: (Organization.Kind.GROUP,),
}
UNIT_KINDS = (Organization.Kind.SUB_UNION, Organization.Kind.GROUP)


def require_school_chair(user, school: Organization) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is chair over ``school`` (or a superuser)."""
    from .access import has_role

    if not has_role(user, Role.CHAIR, within=school):
        raise PermissionDenied(_("只有本校工会主席可以管理组织、部门和角色。"))


def _check_parent(*, school: Organization, parent: Organization, kind: str, moving: Organization | None = None) -> None:
    """Raise ``ValidationError`` (on ``parent``) unless a ``kind`` unit may sit under ``parent`` in ``school``."""
    if not parent.is_within(school):
        raise ValidationError({"parent": _("上级组织必须属于本校。")})
    if parent.is_retired:
        raise ValidationError({"parent": _("上级组织已撤销。")})
    if moving is not None and parent.is_within(moving):
        raise ValidationError({"parent": _("不能移到自己或自己的下级组织之下。")})
    if kind not in CHILD_KINDS.get(parent.kind, ()):
        raise ValidationError(
            {
                "parent": _("%(kind)s不能设在%(parent)s之下。")
                % {"kind": Organization.Kind(kind).label, "parent": parent.name}
            }
        )


def _next_code(parent: Organization) -> str:
    """A free code under ``parent``: ``<parent code>-<n>`` with the smallest unused n ≥ 1."""
    taken = set(Organization.objects.filter(code__startswith=f"{parent.code}-").values_list("code", flat=True))
    n = 1
    while f"{parent.code}-{n}" in taken:
        n += 1
    return f"{parent.code}-{n}"


def _check_sibling_name(parent: Organization, name: str, exclude: Organization | None = None) -> None:
    clash = Organization.objects.filter(parent=parent, name=name, retired_on__isnull=True)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": _("%(parent)s下已有同名组织。") % {"parent": parent.name}})


@transaction.atomic
def organization_create(
    *, acting_user, request=None, school: Organization, parent: Organization, kind: str, name: str, code: str = ""
) -> Organization:
    """Add a sub-union (under the school) or a union group (under the school or a sub-union); audited.

    ``code`` blank → ``<parent code>-<n>``. Raises ``ValidationError`` (keyed by field) for a parent
    outside ``school`` or of the wrong kind, a sibling of the same name or a code in use, and
    ``PermissionDenied`` unless ``acting_user`` is the school's chair.
    """
    require_school_chair(acting_user, school)
    name = clean_name(name)
    _check_parent(school=school, parent=parent, kind=kind)
    _check_sibling_name(parent, name)
    code = "".join((code or "").split()) or _next_code(parent)
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": _("编码 %(code)s 已被使用。") % {"code": code}})
    node = Organization(kind=kind, parent=parent, name=name, code=code)
    node.save()
    audit(request, AuditEntry.Action.CREATE, node, user=acting_user, organization=school,
          summary=f"新增{node.get_kind_display()} {name}（上级：{parent.name}）")  # fmt: skip
    return node


@transaction.atomic
def organization_rename(*, acting_user, request=None, school: Organization, organization: Organization, name: str):
    """Give a sub-union or group of ``school`` a new name; audited with the old one.

    Raises ``ValidationError`` (on ``name``) for a sibling of that name, ``PermissionDenied`` unless
    ``acting_user`` is the school's chair or the unit lies outside ``school``.
    """
    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    name = clean_name(name)
    _check_sibling_name(organization.parent, name, exclude=organization)
    old = organization.name
    organization.name = name
    organization.save(update_fields=["name"])
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"组织更名：{old} → {name}")  # fmt: skip
    return organization


def _require_unit_of(school: Organization, organization: Organization) -> None:
    if organization.kind not in UNIT_KINDS or not organization.is_within(school):
        raise PermissionDenied(_("只能管理本校的分工会和工会小组。"))


def _rewrite_subtree(node: Organization, parent: Organization) -> None:
    """Hang ``node`` under ``parent``: one UPDATE rewrites the materialised path of the whole subtree."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    old_path = node.path
    new_path = f"{parent.path}{node.code}/"
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    Organization.objects.filter(pk=node.pk).update(parent=parent)
    node.parent, node.path = parent, new_path


@transaction.atomic
def organization_move(*, acting_user, request=None, school: Organization, organization: Organization, parent):
    """Move a sub-union or group (with everything below it) under ``parent`` in the same school; audited.

    The materialised ``path`` of the whole subtree is rewritten in one statement inside the
    transaction, so scoping never sees half a move. Members stay in their units (same school).
    Raises ``ValidationError`` (on ``parent``) for a parent of the wrong kind, retired, outside the
    school or inside the unit itself; ``PermissionDenied`` as :func:`organization_rename`.
    """
    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    _check_parent(school=school, parent=parent, kind=organization.kind, moving=organization)
    if any(c.kind == Organization.Kind.GROUP for c in organization.children.all()) and parent.kind != "school":
        raise ValidationError({"parent": _("带有工会小组的单位只能设在学校工会之下。")})
    old_parent = organization.parent
    _rewrite_subtree(organization, parent)
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"组织调整：{organization.name} 从 {old_parent.name} 移到 {parent.name}")  # fmt: skip
    return organization


def _organization_links():
    """(model, field name) of every foreign key to ``Organization`` whose rows follow a merge.

    The tree's own ``parent`` (children are moved instead) and the append-only audit log are left out.
    """
    for rel in Organization._meta.get_fields(include_hidden=True):
        if rel.one_to_many and rel.auto_created and not rel.concrete:
            model = rel.related_model
            if model in (Organization, AuditEntry):
                continue
            yield model, rel.field.name


@transaction.atomic
def organization_merge(
    *, acting_user, request=None, school: Organization, organization: Organization, target: Organization
) -> dict[str, int]:
    """Merge ``organization`` into ``target``: its members, records and sub-units move to ``target``,
    then it is retired (kept for history); audited with the counts.

    A sub-union merges into a sub-union; a group into a group or a sub-union. A role held at both is
    kept once. Returns ``{model label: rows moved}``. Raises ``ValidationError`` (on ``target``) for
    a target of the wrong kind, retired, inside ``organization``, or when a record cannot follow
    (a unique rule such as one fund per sub-union and year); ``PermissionDenied`` as above.
    """
    from django.db import IntegrityError

    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    _require_unit_of(school, target)
    allowed = {"sub_union": ("sub_union",), "group": ("group", "sub_union")}[organization.kind]
    if target.kind not in allowed or target.is_within(organization) or target.is_retired:
        raise ValidationError({"target": _("不能合并到该组织。")})
    dupes = RoleAssignment.objects.filter(
        organization=target, user__role_assignments__organization=organization
    ).values_list("user_id", "role", "department_id")
    for user_id, role, department_id in set(dupes):
        RoleAssignment.objects.filter(
            organization=organization, user_id=user_id, role=role, department_id=department_id
        ).delete()
    moved: dict[str, int] = {}
    for model, name in _organization_links():
        try:
            with transaction.atomic():
                n = model._base_manager.filter(**{name: organization}).update(**{name: target})
        except IntegrityError as exc:
            raise ValidationError(
                {"target": _("%(model)s 有记录无法合并（目标已有同样的记录）。") % {"model": model._meta.verbose_name}}
            ) from exc
        if n:
            moved[model._meta.label] = moved.get(model._meta.label, 0) + n
    for child in list(organization.children.all()):
        _rewrite_subtree(child, target)
        moved["members.Organization"] = moved.get("members.Organization", 0) + 1
    organization.retired_on = timezone.localdate()
    organization.save(update_fields=["retired_on"])
    detail = "，".join(f"{label} {n}" for label, n in sorted(moved.items())) or "无记录"
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"组织合并：{organization.name} 并入 {target.name}（{detail}）")  # fmt: skip
    return moved


@transaction.atomic
def organization_retire(
    *, acting_user, request=None, school: Organization, organization: Organization, on: dt.date | None = None
) -> int:
    """Retire (撤销) a sub-union or group and every unit below it on ``on`` (default today); audited.

    Retired units take no new members or records and are hidden from choices; their history stays.
    Returns the number of units retired. Raises ``ValidationError`` while active members remain
    in the subtree (move them or merge the unit first); ``PermissionDenied`` as above.
    """
    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    active = Member.objects.filter(organization__path__startswith=organization.path, status=MemberStatus.ACTIVE)
    if active.exists():
        raise ValidationError(
            _("%(name)s 还有 %(n)d 名在职教职工，请先调整他们的所属单位或合并该单位。")
            % {"name": organization.name, "n": active.count()}
        )
    on = on or timezone.localdate()
    n = organization.subtree().filter(retired_on__isnull=True).update(retired_on=on)
    organization.retired_on = on
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"撤销{organization.get_kind_display()} {organization.name}（含下级共{n}个）")  # fmt: skip
    return n


@transaction.atomic
def department_save(
    *, acting_user, request=None, school: Organization, department: Department | None = None,
    name: str, code: str = "", sort_order: int = 0,
) -> Department:  # fmt: skip
    """Add a department (部门) to ``school`` (``department`` None) or change one; audited.

    Raises ``ValidationError`` (on ``name``) when the school has another department of that name,
    ``PermissionDenied`` unless ``acting_user`` is the school's chair or the department is another school's.
    """
    require_school_chair(acting_user, school)
    if department is not None and department.pk and department.school_id != school.pk:
        raise PermissionDenied(_("该部门不属于本校。"))
    name = clean_name(name)
    clash = Department.objects.filter(school=school, name=name)
    if department is not None and department.pk:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise ValidationError({"name": _("本校已有同名部门。")})
    creating = department is None or department.pk is None
    department = department or Department(school=school)
    old = department.name
    department.school, department.name, department.code, department.sort_order = school, name, code, sort_order
    department.save()
    summary = f"新增部门 {name}" if creating else f"修改部门 {old}" + (f" → {name}" if old != name else "")
    audit(request, AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, department,
          user=acting_user, organization=school, summary=summary)  # fmt: skip
    return department


def _login_for(member: Member):
    """The member's login; a new one (unusable password, to be issued a one-time password) when missing."""
    if member.user_id:
        return member.user
    from django.contrib.auth import get_user_model

    User = get_user_model()
    base = f"{member.school.code}-{member.staff_no}".lower()
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, first_name=member.name[:150])
    user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    return user


ROLE_NODE_KINDS = {
    Role.CHAIR: ("school",),
    Role.COMMITTEE: ("school",),
    Role.PROPOSAL_COMMITTEE: ("school",),
    Role.HANDLER: ("school",),
    Role.REPRESENTATIVE: ("school",),
    Role.SUB_UNION_CHAIR: ("sub_union",),
    Role.MEMBER: ("school", "sub_union", "group"),
}


@transaction.atomic
def role_grant(
    *, acting_user, request=None, school: Organization, member: Member, role: str,
    organization: Organization, department: Department | None = None,
) -> RoleAssignment:  # fmt: skip
    """Grant ``role`` over ``organization`` to ``member``'s login (created without a usable password
    when missing); audited.

    School-wide roles sit at the school, 分工会主席 at a sub-union; a handler (承办部门负责人) names
    a department of the school. Raises ``ValidationError`` (keyed by field) for a node or department
    that does not fit, a retired unit, or an assignment that exists; ``PermissionDenied`` unless
    ``acting_user`` is the school's chair and the member belongs to ``school``.
    """
    require_school_chair(acting_user, school)
    if member.school_id != school.pk or not organization.is_within(school):
        raise PermissionDenied(_("只能为本校教职工分配本校的角色。"))
    if organization.kind not in ROLE_NODE_KINDS[role] or organization.is_retired:
        raise ValidationError({"organization": _("该角色不能设在这一级组织。")})
    if role == Role.HANDLER and (department is None or department.school_id != school.pk):
        raise ValidationError({"department": _("承办部门负责人须指定本校的部门。")})
    if role != Role.HANDLER:
        department = None
    user = _login_for(member)
    if RoleAssignment.objects.filter(user=user, role=role, organization=organization, department=department).exists():
        raise ValidationError({"role": _("%(name)s 已有这个角色。") % {"name": member.name}})
    assignment = RoleAssignment(user=user, role=role, organization=organization, department=department)
    assignment.save()
    where = organization.name + (f" · {department.name}" if department else "")
    audit(request, AuditEntry.Action.CREATE, assignment, user=acting_user, organization=school,
          summary=f"授予 {member.name}（{user.username}）{assignment.get_role_display()}：{where}")  # fmt: skip
    return assignment


@transaction.atomic
def role_revoke(*, acting_user, request=None, school: Organization, assignment: RoleAssignment) -> None:
    """Revoke one role assignment inside ``school``; audited.

    Raises ``ValidationError`` when the chair would revoke their own last chair role (nobody could
    manage the school any more), ``PermissionDenied`` as :func:`role_grant`.
    """
    require_school_chair(acting_user, school)
    if not assignment.organization.is_within(school):
        raise PermissionDenied(_("只能撤销本校的角色。"))
    if assignment.role == Role.CHAIR and assignment.user_id == acting_user.pk:
        others = RoleAssignment.objects.filter(user=acting_user, role=Role.CHAIR).exclude(pk=assignment.pk)
        if not any(school.is_within(ra.organization) for ra in others.select_related("organization")):
            raise ValidationError(_("不能撤销自己唯一的工会主席角色。"))
    summary = f"撤销 {assignment.user.username} 的{assignment.get_role_display()}：{assignment.organization.name}"
    audit(request, AuditEntry.Action.DELETE, assignment, user=acting_user, organization=school, summary=summary)
    assignment.delete()


ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet, not a password)
ONE_TIME_PASSWORD_LENGTH = 12
PASSWORD_CHANGE_SESSION_KEY = "must_change_password"  # noqa: S105 (a session key name)


def one_time_password() -> str:
    """A random 12-character password (about 69 bits) without look-alike characters."""
    return "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))


@transaction.atomic
def user_one_time_password_issue(*, user, acting_user, request=None) -> str:
    """Give ``user`` a new one-time password and require a change at the next login; audited.

    Returns the password in clear text: the caller shows it once (or puts it in a one-off
    download) and never stores it. The user's other sessions are not ended here; the
    requirement is read at login (``requires_password_change``) and enforced by
    ``union_portal.middleware.PasswordChangeRequiredMiddleware`` until the user sets a
    password of their own (``user_password_changed``). Used by the chair for a colleague who
    forgot theirs and by the first-run wizard for new logins. The audit entry never holds the password.
    """
    password = one_time_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordChangeRequirement.objects.update_or_create(
        user=user, defaults={"issued_by": acting_user, "issued_at": timezone.now()}
    )
    member = Member.objects.filter(user=user).select_related("school").first()
    audit(
        request,
        AuditEntry.Action.UPDATE,
        user,
        user=acting_user,
        organization=member.school if member else None,
        summary=f"为用户 {user.username} 发放一次性密码（首次登录须修改）",
    )
    return password


def requires_password_change(user) -> bool:
    """True when ``user`` holds a one-time password that must be changed (one query)."""
    return PasswordChangeRequirement.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def user_password_changed(*, user, request=None, how: str = "修改") -> None:
    """Record that ``user`` set a password of their own (change or e-mail reset); audited.

    Removes the one-time-password requirement and its session flag. ``how`` names the way
    (修改 / 重置) in the audit summary.
    """
    PasswordChangeRequirement.objects.filter(user_id=user.pk).delete()
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
    audit(request, AuditEntry.Action.UPDATE, user, user=user, summary=f"用户 {user.username} {how}了登录密码")


def user_language_set(*, user, language: str) -> None:
    """Remember ``language`` (a code of ``settings.LANGUAGES``; blank: the site's) as ``user``'s choice.

    One row per user (``UserPreference``); not audited (a display preference). Raises ``ValueError``
    for a code the site does not offer.
    """
    from django.conf import settings

    from .models import UserPreference

    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})


def user_language(user) -> str:
    """``user``'s remembered language code, or "" (none chosen: the site's language applies)."""
    from .models import UserPreference

    return UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""


# --- notices (通知公告) and reminders (the in-app inbox) -------------------------------------------


@transaction.atomic
def notice_publish(
    *,
    acting_user,
    school: Organization,
    title: str,
    body: str,
    audience: str,
    sub_union: Organization | None = None,
    roles: list[str] | tuple[str, ...] = (),
    publish_at: dt.datetime | None = None,
    expires_on: dt.date | None = None,
    uploads: list | tuple = (),
    request=None,
):
    """Publish a notice of ``school`` to ``audience`` (``Notice.Audience``); return the ``Notice``.

    Who: the chair or a committee member of ``school`` for any audience; a sub-union chair only to their
    own sub-union. ``publish_at`` (default now) opens the publish window and ``expires_on`` (a date,
    inclusive) closes it. ``uploads`` are checked like proposal attachments
    (``congress.services.attachment_check``: type, size, contents). Raises ``PermissionDenied`` for
    another role or sub-union, ``ValidationError`` (Chinese) for a bad audience, window or file. Audited.
    """
    from django.core.exceptions import PermissionDenied, ValidationError

    from congress.services import attachment_check

    from .access import SCHOOL_MANAGER_ROLES, has_role
    from .models import Notice, NoticeAttachment, Role

    school_wide = has_role(acting_user, *SCHOOL_MANAGER_ROLES, within=school)
    if audience == Notice.Audience.SUB_UNION:
        if sub_union is None or sub_union.kind != Organization.Kind.SUB_UNION or not sub_union.is_within(school):
            raise ValidationError("请选择本校的一个分工会。")
        if not school_wide and not has_role(acting_user, Role.SUB_UNION_CHAIR, within=sub_union):
            raise PermissionDenied("只能向本人负责的分工会发布通知。")
    elif not school_wide:
        raise PermissionDenied("只有工会主席或工会委员可以向全校或指定角色发布通知。")
    roles = [r for r in roles if r in Role.values]
    if audience == Notice.Audience.ROLES and not roles:
        raise ValidationError("请至少选择一个角色。")
    now = timezone.now()
    publish_at = publish_at or now
    if expires_on is not None and expires_on < timezone.localdate(publish_at):
        raise ValidationError("截止日期不能早于发布时间。")
    checked = [(upload, *attachment_check(upload)) for upload in uploads]
    notice = Notice.objects.create(
        school=school,
        title=title.strip(),
        body=body,
        audience=audience,
        sub_union=sub_union if audience == Notice.Audience.SUB_UNION else None,
        roles=f",{','.join(roles)}," if audience == Notice.Audience.ROLES else "",
        publish_at=publish_at,
        expires_on=expires_on,
        created_by=acting_user,
    )
    for upload, name, content_type in checked:
        NoticeAttachment.objects.create(
            notice=notice, file=upload, original_name=name, size=upload.size, content_type=content_type
        )
    audit(
        request, AuditEntry.Action.CREATE, notice, user=acting_user, organization=school,
        summary=f"发布通知“{notice.title[:100]}”（{notice.audience_label}）",
    )
    return notice


@transaction.atomic
def notice_withdraw(*, acting_user, notice, request=None):
    """Withdraw a published notice (it leaves every home page; receipts are kept); return it.

    Who: its sender, or the chair / a committee member of its school. Withdrawing twice changes
    nothing. Raises ``PermissionDenied`` for anyone else. Audited.
    """
    from django.core.exceptions import PermissionDenied

    from .access import SCHOOL_MANAGER_ROLES, has_role
    from .models import Notice

    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.created_by_id != acting_user.pk and not has_role(acting_user, *SCHOOL_MANAGER_ROLES, within=notice.school):
        raise PermissionDenied("只有发布人或工会主席、委员可以撤回通知。")
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.withdrawn_by = acting_user
        notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit(
            request, AuditEntry.Action.UPDATE, notice, user=acting_user, organization=notice.school,
            summary=f"撤回通知“{notice.title[:100]}”",
        )
    return notice


@transaction.atomic
def notice_mark_read(*, acting_user, notice, request=None) -> bool:
    """Record ``acting_user``'s read receipt for ``notice``; True when it is new (then audited).

    The caller fetched ``notice`` through ``selectors.get_notice_for_user`` (visible to the user).
    A second confirmation is a no-op (one receipt per user and notice, unique in the database).
    """
    from django.db import IntegrityError

    from .models import NoticeRead

    try:
        with transaction.atomic():
            NoticeRead.objects.create(notice=notice, user=acting_user)
    except IntegrityError:
        return False
    audit(
        request, AuditEntry.Action.UPDATE, notice, user=acting_user, organization=notice.school,
        summary=f"确认已读通知“{notice.title[:100]}”",
    )
    return True


@transaction.atomic
def reminder_send(
    *,
    kind: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    step: str,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
) -> list:
    """Put one reminder per recipient in their inbox, once per (kind, object, step, recipient).

    ``obj`` names the object by model label and pk (or pass ``object_type``/``object_id``, e.g. a week
    for the digest). Recipients already reminded at this step are skipped: the unique constraint
    ``reminder_once_per_step`` decides, so two beats or a restarted worker racing on the same step
    send it once. Returns the new ``Reminder`` rows; those whose user has an e-mail address are
    e-mailed after commit (``members.tasks.reminder_email``).
    """
    from django.db import IntegrityError

    from .models import Reminder

    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    created = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        try:
            with transaction.atomic():
                created.append(
                    Reminder.objects.create(
                        recipient=user, kind=kind, object_type=object_type, object_id=str(object_id), step=step,
                        title=title[:200], body=body, url=url[:300],
                    )
                )
        except IntegrityError:
            continue
    mailed = [r.pk for r in created if r.recipient.email]
    if mailed:
        transaction.on_commit(lambda: _queue_reminder_emails(mailed))
    return created


def _queue_reminder_emails(ids: list[int]) -> None:
    """Queue one e-mail task per reminder; a broker outage is logged, the inbox already has them."""
    import logging

    from .tasks import reminder_email

    for pk in ids:
        try:
            reminder_email.delay(pk)
        except Exception:  # the reminder is committed; only its e-mail copy is lost
            logging.getLogger(__name__).exception("queueing reminder e-mail %s failed", pk)


@transaction.atomic
def reminder_mark_read(*, acting_user, reminder_ids=None) -> int:
    """Mark ``acting_user``'s reminders read (those in ``reminder_ids``, or all); return how many changed."""
    from .models import Reminder

    qs = Reminder.objects.filter(recipient=acting_user, read_at__isnull=True)
    if reminder_ids is not None:
        qs = qs.filter(pk__in=list(reminder_ids))
    return qs.update(read_at=timezone.now())
