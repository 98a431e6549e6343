"""Member registry pages: the list and its export, a member's page, create/edit, family and consents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from union_portal.lib import registry
from union_portal.lib.audit import audit_sensitive_read
from union_portal.lib.exports import xlsx_response
from union_portal.lib.lists import clean_param, paginate, querystring
from union_portal.lib.tables import Column, render_rows, sub_union_name, text, url_prefix

from ..access import (
    MANAGER_ROLES,
    SCHOOL_MANAGER_ROLES,
    can_manage_member,
    can_see_sensitive_identity,
    get_member_for_user,
    has_role,
    has_school_role,
    member_of,
    nodes_for,
    require_manager,
)
from ..filters import MemberFilter
from ..forms import ConsentForm, FamilyMemberForm, MemberForm, MemberTransferForm
from ..history import member_change_history
from ..models import EmploymentType, Gender, Member, MemberStatus, Organization, Role
from ..selectors import member_list as select_members
from ..services import consent_record, family_member_add, member_export_log, member_save, member_transfer


def _scope_for_list(user) -> tuple[Organization | None, Organization | None]:
    nodes = nodes_for(user, *MANAGER_ROLES)
    scope = nodes[0] if nodes else None
    return scope, (scope.school if scope is not None and scope.kind != Organization.Kind.DISTRICT else None)


def _filtered_members(request, scope, school):
    """The members ``request.user`` may see, searched (``q``) and filtered (``MemberFilter``)."""
    search = clean_param(request, "q", max_length=50)
    qs = select_members(request.user, search=search)
    member_filter = MemberFilter(request.GET or None, queryset=qs, school=school, scope=scope)
    rows = member_filter.qs if member_filter.is_bound and member_filter.is_valid() else qs
    return search, member_filter, rows


LIST_ROW_FIELDS = (
    "pk", "staff_no", "name", "is_union_member", "gender", "title", "employment_type", "status",
    "department__name", "organization__kind", "organization__name", "organization__parent__name",
)  # fmt: skip


def _member_columns() -> list[Column]:
    """The member list's cells (labels translated in the active language, once per page)."""
    gender, employment, status = (
        {k: escape(str(v)) for k, v in choices}
        for choices in (Gender.choices, EmploymentType.choices, MemberStatus.choices)
    )
    prefix = url_prefix("members:detail")
    non_member = f' <span class="badge text-bg-light border">{escape(_("非会员"))}</span>'

    def name(r):
        badge = "" if r["is_union_member"] else non_member
        return f'<a href="{prefix}{r["pk"]}/" class="fw-semibold">{escape(r["name"])}</a>{badge}'

    return [
        Column(_("工号"), lambda r: escape(r["staff_no"])),
        Column(_("姓名"), name),
        Column(_("性别"), lambda r: gender.get(r["gender"], "")),
        Column(_("部门"), lambda r: text(r["department__name"])),
        Column(
            _("分工会"),
            lambda r: text(
                sub_union_name(r["organization__kind"], r["organization__name"], r["organization__parent__name"])
            ),
        ),
        Column(_("职称"), lambda r: text(r["title"])),
        Column(_("用工形式"), lambda r: employment.get(r["employment_type"], "")),
        Column(
            _("状态"),
            lambda r: f'<span class="badge badge-status-{escape(r["status"])}">{status.get(r["status"], "")}</span>',
        ),
    ]


@login_required
@require_GET
def member_list(request):
    """会员名册: search, filters, sorting and pagination over the user's subtree.

    Query budget is constant in the table size: session, user, roles, filter
    choices (sub-unions, departments), count, and one page of rows.
    """
    if not has_role(request.user, *MANAGER_ROLES):
        me = member_of(request.user)
        if me is None:
            raise PermissionDenied("您没有查看会员名册的权限。")
        return redirect("members:detail", pk=me.pk)
    scope, school = _scope_for_list(request.user)
    search, member_filter, rows = _filtered_members(request, scope, school)
    if not request.GET.get("ordering"):
        rows = rows.order_by("staff_no")
    # Only the columns a row shows, as dicts: a Member has ~40 fields (ID and bank numbers among
    # them), and instances plus a template render per cell were most of the page's time.
    rows = rows.values(*LIST_ROW_FIELDS)
    page = paginate(request, rows)
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "page": page,
            "rows": render_rows(page, _member_columns()),
            "search": search,
            "querystring": querystring(request),
            "scope": scope,
            "can_import": has_role(request.user, *SCHOOL_MANAGER_ROLES),
        },
    )


@login_required
@require_GET
def member_export(request):
    """Export the filtered member list as .xlsx (ID numbers masked unless allowed); audited."""
    require_manager(request.user)
    scope, school = _scope_for_list(request.user)
    rows = _filtered_members(request, scope, school)[2].order_by("staff_no")
    full_ids = has_school_role(request.user, Role.CHAIR, within=scope)  # never a district role
    headers = [
        "工号",
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "部门",
        "分工会",
        "职称",
        "用工形式",
        "入职时间",
        "是否会员",
        "入会时间",
        "状态",
        "手机",
    ]

    def line(m: Member):
        sub = m.sub_union
        return [
            m.staff_no,
            m.name,
            m.get_gender_display(),
            m.birth_date,
            m.id_number if full_ids else m.masked_id_number,
            m.department.name if m.department else "",
            sub.name if sub else "",
            m.title,
            m.get_employment_type_display(),
            m.hired_on,
            "是" if m.is_union_member else "否",
            m.joined_union_on,
            m.get_status_display(),
            m.phone,
        ]

    response = xlsx_response(
        headers,
        (line(m) for m in rows.iterator(chunk_size=1000)),
        title="会员名册",
        filename=f"members-{timezone.localdate():%Y%m%d}.xlsx",
    )
    member_export_log(organization=scope, full_ids=full_ids, acting_user=request.user, request=request)
    return response


@login_required
@require_GET
def member_detail(request, pk: int):
    """A member's page: record, family, and the timeline contributed by each app.

    Full ID number and bank account are shown only to roles that need them,
    and that read is audited.
    """
    member = get_member_for_user(request.user, pk)
    show_sensitive = can_see_sensitive_identity(request.user, member)
    timeline = registry.member_timeline(request, member)
    _audit_member_page(request, member, show_ids=show_sensitive, timeline=timeline)
    is_chair = has_school_role(request.user, Role.CHAIR, within=member.organization)
    return render(
        request,
        "members/member_detail.html",
        {
            "is_chair": is_chair,
            "history": member_change_history(member) if is_chair else [],
            "transfers": list(member.transfers.select_related("from_school", "to_school", "recorded_by")),
            "transfer_form": MemberTransferForm(member=member, initial={"on": timezone.localdate()})
            if is_chair
            else None,
            "member": member,
            "family": list(member.family.all()),
            "show_sensitive": show_sensitive,
            "can_manage": can_manage_member(request.user, member),
            "timeline": timeline,
            "family_form": FamilyMemberForm(),
            "consents": list(member.consents.all()),
            "consent_form": ConsentForm(initial={"consented_on": timezone.localdate()}),
            "years_of_service": member.years_of_service(),
            "can_issue_password": is_chair and member.user_id is not None,
        },
    )


def _audit_member_page(request, member: Member, *, show_ids: bool, timeline=(), page: str = "查看") -> None:
    """One sensitive-read entry when the page shows the full ID/bank number or sensitive timeline items."""
    parts = []
    if show_ids and (member.id_number or member.bank_account):
        parts.append("身份证号/银行账号")
    if any(item.get("sensitive") for item in timeline):
        parts.append("健康、困难等敏感福利记录")
    if parts:
        audit_sensitive_read(request, member, member=member, summary=f"{page} {member.name} 的{'、'.join(parts)}")


def _member_form_context(request, form, member=None):
    return {"form": form, "member": member}


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    """Add a staff member to the school (managers of the school or a sub-union)."""
    scope, school = _scope_for_list(request.user)
    if scope is None or school is None:
        raise PermissionDenied("您没有新增教职工的权限。")
    show_sensitive = has_role(request.user, Role.CHAIR, within=scope)
    form = MemberForm(request.POST or None, school=school, scope=scope, show_sensitive=show_sensitive)
    if request.method == "POST" and form.is_valid():
        member = form.save(commit=False)
        member_save(member=member, acting_user=request.user, request=request, created=True)
        messages.success(request, _("已新增教职工 %(name)s。") % {"name": member.name})
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", _member_form_context(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    """Edit a member's record (managers whose subtree holds the member)."""
    member = get_member_for_user(request.user, pk)
    if not can_manage_member(request.user, member):
        raise PermissionDenied("您没有修改该教职工信息的权限。")
    scope, _school = _scope_for_list(request.user)
    form = MemberForm(
        request.POST or None,
        instance=member,
        school=member.school,
        scope=scope,
        show_sensitive=can_see_sensitive_identity(request.user, member),
    )
    if request.method == "POST" and form.is_valid():
        member_save(member=form.save(commit=False), acting_user=request.user, request=request)
        messages.success(request, _("已保存 %(name)s 的信息。") % {"name": member.name})
        return redirect("members:detail", pk=member.pk)
    _audit_member_page(request, member, show_ids=form.show_sensitive, page="编辑页显示")
    return render(request, "members/member_form.html", _member_form_context(request, form, member))


@login_required
@require_POST
def family_add(request, pk: int):
    """Add an immediate family member (直系亲属) to a member's record."""
    member = get_member_for_user(request.user, pk)
    if not can_manage_member(request.user, member) and member_of(request.user) != member:
        raise PermissionDenied("您没有修改该教职工信息的权限。")
    form = FamilyMemberForm(request.POST)
    if form.is_valid():
        relative = family_member_add(
            member=member, relative=form.save(commit=False), acting_user=request.user, request=request
        )
        messages.success(request, _("已添加直系亲属 %(name)s。") % {"name": relative.name})
    else:
        messages.error(
            request,
            _("直系亲属信息有误：%(errors)s") % {"errors": "；".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("members:detail", pk=member.pk)


@login_required
@require_POST
def consent_add(request, pk: int):
    """Record a member's consent to processing sensitive data for a purpose (PIPL art. 29)."""
    member = get_member_for_user(request.user, pk)
    if not can_manage_member(request.user, member):
        raise PermissionDenied("您没有登记该教职工同意书的权限。")
    form = ConsentForm(request.POST)
    if form.is_valid():
        consent_record(member=member, consent=form.save(commit=False), acting_user=request.user, request=request)
        messages.success(request, _("已登记同意记录。"))
    else:
        messages.error(
            request,
            _("同意记录有误：%(errors)s") % {"errors": "；".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("members:detail", pk=member.pk)


@login_required
@require_POST
def transfer(request, pk: int):
    """调动: the chair (of the member's school or above) transfers the member to another school on a date."""
    member = get_member_for_user(request.user, pk)
    if not has_school_role(request.user, Role.CHAIR, within=member.organization):  # a district does not run schools
        raise PermissionDenied("只有本校工会主席可以办理调动。")
    form = MemberTransferForm(request.POST, member=member)
    if form.is_valid():
        try:
            data = form.cleaned_data
            member_transfer(
                member=member,
                to_school=data["to_school"],
                on=data["on"],
                new_staff_no=data["new_staff_no"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, _("调动未办理：%(error)s") % {"error": "；".join(exc.messages)})
        else:
            messages.success(
                request,
                _("已办理调动：%(name)s 调至 %(school)s。")
                % {"name": member.name, "school": form.cleaned_data["to_school"].name},
            )
            if not has_role(request.user, Role.CHAIR, within=member.organization):
                return redirect("members:list")  # the member now lies outside the chair's school
    else:
        messages.error(
            request,
            _("调动信息有误：%(errors)s") % {"errors": "；".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("members:detail", pk=member.pk)
