"""Views of the 送温暖 area: quick visit form, ledger, pending visits, distributions,
caps and compliance, plans and claims, health checks, hardship, donations, services, import.

Managers (chair, committee, sub-union chair) work within their subtree; a member
sees their own records. Sensitive records follow ``welfare.access``; every read
of a sensitive detail page and every export writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import (
    MANAGER_ROLES,
    SCHOOL_MANAGER_ROLES,
    get_member_for_user,
    has_role,
    member_of,
    nodes_for,
    primary_school,
    scope_q,
)
from members.models import AuditEntry, FamilyMember, ImportBatch, Member, Organization, Role
from union_portal.lib.audit import audit, audit_sensitive_read
from union_portal.lib.exports import xlsx_response_bytes
from union_portal.lib.tables import DASH, Column, render_rows, sub_union_name, text, url_prefix, yuan

from . import selectors, services
from .access import (
    can_manage,
    can_see_sensitive,
    get_claim_for_user,
    get_hardship_case_for_user,
    get_visit_for_user,
    person_scope_q,
    sensitive_q,
)
from .filters import VisitFilter
from .forms import (
    CampaignForm,
    ClaimForm,
    DistributionForm,
    DonationForm,
    DriveForm,
    HardshipAidForm,
    HardshipCaseForm,
    HardshipCloseForm,
    ImportUploadForm,
    LifeEventForm,
    PlanForm,
    RuleSetForm,
    ServiceForm,
    VisitForm,
)
from .importer import ALIASES as IMPORT_ALIASES
from .importer import welfare_import, welfare_validate
from .models import (
    AidClaim,
    Donation,
    DonationDrive,
    FestivalDistribution,
    FundingSource,
    HardshipAid,
    HardshipCase,
    HealthCheckCampaign,
    HealthCheckParticipant,
    MutualAidPlan,
    PendingVisit,
    PlanEnrollment,
    ServiceRecord,
    WelfareVisit,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(user) -> Organization:
    """The outermost node the user manages; ``PermissionDenied`` for non-managers."""
    nodes = nodes_for(user, *MANAGER_ROLES)
    if nodes:
        return nodes[0]
    if user.is_superuser:
        school = primary_school(user)
        if school is not None:
            return school
    raise PermissionDenied(_("只有工会主席、工会委员和分工会主席可以使用此功能。"))


def _school_of(node: Organization) -> Organization | None:
    return node.school if node.kind != Organization.Kind.DISTRICT else None


def _manageable_members(user):
    return Member.objects.filter(scope_q(user, "organization", *MANAGER_ROLES))


def _querystring(request, drop: tuple[str, ...] = ()) -> str:
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    return params.urlencode()


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


# --- Home of the area --------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """送温暖 home: this year's figures, pending visits and the life-event form (managers); own records (members)."""
    today = timezone.localdate()
    if not has_role(request.user, *MANAGER_ROLES) and not request.user.is_superuser:
        me = member_of(request.user)
        visits = (
            selectors.visit_ledger(request.user).filter(member=me)
            if me
            else selectors.visit_ledger(request.user).none()
        )
        return render(request, "welfare/my_records.html", {"visits": visits[:100], "me": me})
    scope = _scope(request.user)
    year_start = dt.date(today.year, 1, 1)
    stats = selectors.ledger_totals(selectors.visit_ledger(request.user).filter(visited_on__gte=year_start))
    pending, open_count, overdue = selectors.pending_for(request.user, today=today, limit=50)
    return render(
        request,
        "welfare/index.html",
        {
            "scope": scope,
            "today": today,
            "stats": stats,
            "pending": pending,
            "open_count": open_count,
            "overdue": overdue,
            "event_form": LifeEventForm(members=None, initial={"event_date": today}),
            "is_school_manager": has_role(request.user, *SCHOOL_MANAGER_ROLES),
        },
    )


@login_required
@require_POST
def life_event_create(request):
    """登记事件 → a pending visit on the dashboard."""
    _scope(request.user)
    form = LifeEventForm(request.POST, members=_manageable_members(request.user))
    if form.is_valid():
        pending = services.life_event_record(
            member=form.member,
            event=form.cleaned_data["event"],
            event_date=form.cleaned_data["event_date"],
            notes=form.cleaned_data["notes"],
            acting_user=request.user,
        )
        messages.success(
            request,
            _("已登记：%(name)s %(event)s，请于 %(date)s 前慰问。")
            % {
                "name": pending.member.name,
                "event": pending.get_event_display(),
                "date": date_format(pending.due_on, _("Y年n月j日")),
            },
        )
        return redirect("welfare:index")
    messages.error(request, _("登记事件未成功：") + _("；").join(e for errs in form.errors.values() for e in errs))
    today = timezone.localdate()
    pending, open_count, overdue = selectors.pending_for(request.user, today=today, limit=50)
    return render(
        request,
        "welfare/index.html",
        {
            "scope": _scope(request.user),
            "today": today,
            "stats": selectors.ledger_totals(
                selectors.visit_ledger(request.user).filter(visited_on__gte=dt.date(today.year, 1, 1))
            ),
            "pending": pending,
            "open_count": open_count,
            "overdue": overdue,
            "event_form": form,
            "is_school_manager": has_role(request.user, *SCHOOL_MANAGER_ROLES),
        },
        status=400,
    )


def _get_pending_for_user(user, pk) -> PendingVisit:
    pending = (
        PendingVisit.objects.filter(scope_q(user, "member__organization", *MANAGER_ROLES), pk=pk)
        .select_related("member__organization", "member__school", "occasion", "family_member")
        .first()
    )
    if pending is None:
        raise Http404(_("没有找到该待慰问事项。"))
    return pending


@login_required
@require_POST
def pending_cancel(request, pk: int):
    pending = _get_pending_for_user(request.user, pk)
    services.pending_cancel(pending=pending)
    messages.info(request, _("已取消 %(name)s 的待慰问事项。") % {"name": pending.member.name})
    return redirect("welfare:index")


# --- Visits ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    """Quick 登记慰问: pre-filled from ``?pending=`` or ``?member=``; keeps every input on error."""
    scope = _scope(request.user)
    school = _school_of(scope)
    source = request.POST if request.method == "POST" else request.GET
    pending = None
    member = None
    if source.get("pending"):
        pending = _get_pending_for_user(request.user, source.get("pending"))
        if pending.status != PendingVisit.Status.OPEN:
            messages.info(request, _("该待慰问事项已处理。"))
            return redirect("welfare:index")
        member = pending.member
    elif source.get("member"):
        member = get_member_for_user(request.user, source.get("member"))
        if not can_manage(request.user, member):
            raise PermissionDenied(_("您不能为该教职工登记慰问。"))
    school = member.school if member is not None else school
    me = member_of(request.user)
    initial = {
        "visited_on": timezone.localdate(),
        "visitors_text": me.name if me else "",
    }
    if member is not None:
        initial["member_ref"] = f"{member.staff_no} {member.name}"
    if pending is not None:
        initial["occasion"] = pending.occasion_id
        initial["family_member"] = pending.family_member_id
        initial["notes"] = pending.notes
    form = VisitForm(
        request.POST or None,
        initial=initial,
        members=_manageable_members(request.user),
        school=school,
        member=member,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.welfare_visit_record(
            member=form.member,
            occasion=data["occasion"],
            visited_on=data["visited_on"],
            cash_amount=data["cash_amount"],
            gift_description=data["gift_description"],
            gift_value=data["gift_value"],
            funding_source=data["funding_source"],
            visitors=form.visitors,
            family_member=data.get("family_member"),
            notes=data["notes"],
            pending=pending,
            acting_user=request.user,
            request=request,
        )
        for w in result.warnings:
            messages.warning(request, w)
        messages.success(
            request,
            (
                _("已登记慰问：%(name)s（%(occasion)s），慰问金 %(cash)s 元，慰问品 %(gift)s。")
                if data["gift_description"]
                else _("已登记慰问：%(name)s（%(occasion)s），慰问金 %(cash)s 元。")
            )
            % {
                "name": form.member.name,
                "occasion": data["occasion"].name,
                "cash": f"{data['cash_amount']:.2f}",
                "gift": data["gift_description"],
            },
        )
        return redirect(reverse("welfare:ledger") + "?" + f"member={form.member.staff_no}")
    rule_set = services.rule_set_for(school, timezone.localdate())
    caps = {c.occasion_code: str(c.amount) for c in rule_set.caps.all()} if rule_set else {}
    occasion_caps = {str(o.pk): caps[o.code] for o in form.fields["occasion"].queryset if o.code in caps}
    return render(
        request,
        "welfare/visit_form.html",
        {"form": form, "pending": pending, "member": member, "occasion_caps": occasion_caps, "rule_set": rule_set},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def visit_detail(request, pk: int):
    """One visit; reading a sensitive one is audited."""
    visit = get_visit_for_user(request.user, pk)
    if visit.occasion.is_sensitive:
        audit_sensitive_read(
            request, visit, member=visit.member, summary=f"查看敏感慰问记录：{visit.member.name}（{visit.occasion.name}）"
        )
    return render(
        request,
        "welfare/visit_detail.html",
        {"visit": visit, "visitors": list(visit.visitors.all()), "can_manage": can_manage(request.user, visit.member)},
    )


def _ledger_filter(request):
    """The ledger's filter, bound to the request; the period defaults to the current calendar year.

    A chair's 台账 is kept per year, and counting, totalling and sorting every year's visits on
    each visit to the page would grow with the table. Clearing both dates (``?start=&end=``)
    still shows every year.
    """
    scope = _scope(request.user)
    school = _school_of(scope)
    qs = selectors.visit_ledger(request.user)
    data = request.GET.copy()
    if "start" not in data and "end" not in data:
        year = timezone.localdate().year
        data["start"], data["end"] = f"{year}-01-01", f"{year}-12-31"
    vf = VisitFilter(data, queryset=qs, scope=scope, occasions=services.occasions_for(school))
    rows = vf.qs if vf.is_valid() else qs
    return scope, vf, rows


LEDGER_ROW_FIELDS = (
    "pk", "visited_on", "cash_amount", "gift_description", "gift_value", "funding_source",
    "member_id", "member__name", "member__organization__kind", "member__organization__name",
    "member__organization__parent__name", "occasion__name", "occasion__is_sensitive", "family_member_id",
    "family_relation",
)  # fmt: skip


def _ledger_columns(visitors: dict[int, list[str]]) -> list[Column]:
    """The ledger's cells; ``visitors`` maps a visit's pk to its visitors' names (staff_no order)."""
    funding = {k: escape(str(v)) for k, v in FundingSource.choices}
    relation = {k: escape(str(v)) for k, v in FamilyMember.Relation.choices}
    visit_prefix = url_prefix("welfare:visit_detail")
    member_prefix = url_prefix("members:detail")
    shield = f' <i class="bi bi-shield-lock text-warning" title="{escape(_("敏感"))}"></i>'
    comma = escape(_("、"))

    def name(r):
        family = f' <span class="small text-muted">({relation.get(r["family_relation"], "")})</span>'
        return (f'<span><a class="fw-semibold" href="{member_prefix}{r["member_id"]}/">{escape(r["member__name"])}</a>'
                f'{family if r["family_member_id"] else ""}</span>')

    def sub_union(r):
        return text(sub_union_name(r["member__organization__kind"], r["member__organization__name"],
                                   r["member__organization__parent__name"]))

    return [
        Column(_("日期"), lambda r: f'<a href="{visit_prefix}{r["pk"]}/">{r["visited_on"].isoformat()}</a>',
               "text-nowrap"),
        Column(_("姓名"), name),
        Column(_("分工会"), sub_union, "text-nowrap"),
        Column(_("事由"), lambda r: f'<span>{escape(r["occasion__name"])}'
                                    f'{shield if r["occasion__is_sensitive"] else ""}</span>'),
        Column(_("慰问金（元）"), lambda r: escape(yuan(r["cash_amount"])), "text-end"),
        Column(_("慰问品"), lambda r: text(r["gift_description"])),
        Column(_("慰问品价值（元）"), lambda r: escape(yuan(r["gift_value"])), "text-end"),
        Column(_("经费来源"), lambda r: funding.get(r["funding_source"], "")),
        Column(_("慰问人"), lambda r: comma.join(escape(n) for n in visitors.get(r["pk"], ())) or DASH, "small"),
    ]


@login_required
@require_GET
def ledger(request):
    """慰问台账: filters, a totals row (人次, 人, 元), pagination and export.

    Queries are constant in the table size: session, user, roles, filter choices,
    totals, hidden-sensitive count, one page of rows and the page's visitors.
    """
    scope, vf, rows = _ledger_filter(request)
    totals = selectors.ledger_totals(rows)
    # Only the columns a row shows, as dicts, with two joins fewer than the instances needed: with
    # the department and family member joined too PostgreSQL spent ~7 ms planning a seven-table join
    # per page (EXPLAIN at 10×: planning 7.0 ms → 1.2 ms). The family relation is a correlated
    # lookup, run for the page's rows only.
    family_relation = FamilyMember.objects.filter(pk=OuterRef("family_member_id")).values("relation")[:1]
    page_rows = rows.annotate(family_relation=Subquery(family_relation)).values(*LEDGER_ROW_FIELDS)
    paginator = Paginator(page_rows, PAGE_SIZE)
    paginator.count = totals["count"]  # the totals row already counted the rows: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    visitors: dict[int, list[str]] = {}
    ids = [r["pk"] for r in page]
    if ids:
        through = WelfareVisit.visitors.through.objects.filter(welfarevisit_id__in=ids)
        for visit_id, visitor in through.order_by("member__staff_no").values_list("welfarevisit_id", "member__name"):
            visitors.setdefault(visit_id, []).append(visitor)
    hidden = selectors.hidden_sensitive_visits(request.user)
    if vf.is_valid():
        cd = vf.form.cleaned_data
        if cd.get("start"):
            hidden = hidden.filter(visited_on__gte=cd["start"])
        if cd.get("end"):
            hidden = hidden.filter(visited_on__lte=cd["end"])
        if cd.get("org"):
            hidden = vf.filter_org(hidden, "org", cd["org"])
    return render(
        request,
        "welfare/ledger.html",
        {
            "scope": scope,
            "filter": vf,
            "org_node": vf.org_node,
            "page": page,
            "rows": render_rows(page, _ledger_columns(visitors)),
            "totals": totals,
            "hidden_count": hidden.count(),  # no query when nothing can be hidden from this user
            "querystring": _querystring(request),
            "querystring_all_units": _querystring(request, drop=("org",)),
        },
    )


@login_required
@require_GET
def ledger_export(request):
    """The filtered ledger as .xlsx, with a totals row; audited."""
    scope, vf, rows = _ledger_filter(request)
    headers = [
        "日期",
        "工号",
        "姓名",
        "部门",
        "分工会",
        "事由",
        "涉及亲属",
        "慰问金（元）",
        "慰问品",
        "慰问品价值（元）",
        "经费来源",
        "备注",
    ]
    totals = selectors.ledger_totals(rows)

    def line(v):
        sub = v.member.sub_union
        return [
            v.visited_on,
            v.member.staff_no,
            v.member.name,
            v.member.department.name if v.member.department else "",
            sub.name if sub else "",
            v.occasion.name,
            str(v.family_member) if v.family_member else "",
            v.cash_amount,
            v.gift_description,
            v.gift_value,
            v.get_funding_source_display(),
            v.notes,
        ]

    def all_rows():
        yield from (line(v) for v in rows.iterator(chunk_size=1000))
        yield [
            "合计",
            f"{totals['count']}人次",
            f"{totals['persons']}人",
            "",
            "",
            "",
            "",
            totals["cash"],
            "",
            totals["gift"],
            f"共 {totals['total']} 元",
            "",
        ]

    data = xlsx_response_bytes(headers, all_rows(), title="慰问台账")
    audit(
        request,
        AuditEntry.Action.EXPORT,
        organization=scope,
        summary=f"导出慰问台账 {totals['count']} 条（{request.GET.urlencode()[:200]}）",
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="welfare-ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- Import ------------------------------------------------------------------------------------


def _import_school(user) -> Organization:
    nodes = nodes_for(user, *SCHOOL_MANAGER_ROLES)
    school = next((n.school for n in nodes if n.kind != Organization.Kind.DISTRICT), None)
    if school is None and user.is_superuser:
        school = primary_school(user)
    if school is None:
        raise PermissionDenied(_("只有学校工会主席和工会委员可以导入慰问台账。"))
    return school


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    school = _import_school(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.WELFARE,
            school=school,
            file=upload,
            original_name=upload.name[:255],
            uploaded_by=request.user,
        )
        return redirect("welfare:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.filter(kind=ImportBatch.Kind.WELFARE, school=school).select_related("uploaded_by")[:5]
    return render(
        request,
        "welfare/import_upload.html",
        {"form": form, "school": school, "recent": recent, "aliases": IMPORT_ALIASES},
    )


def _get_batch_for_user(user, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch, pk=pk, kind=ImportBatch.Kind.WELFARE, school=_import_school(user))


@login_required
@require_GET
def import_preview(request, pk: int):
    batch = _get_batch_for_user(request.user, pk)
    if batch.status == ImportBatch.Status.DONE:
        return render(request, "welfare/import_preview.html", {"batch": batch, "result": None, "done": True})
    with batch.file.open("rb") as fh:
        result = welfare_validate(school=batch.school, data=fh.read(), filename=batch.original_name)
    batch.summary = result.as_summary()
    batch.status = ImportBatch.Status.PREVIEW if result.ok else ImportBatch.Status.FAILED
    batch.save(update_fields=["summary", "status"])
    return render(request, "welfare/import_preview.html", {"batch": batch, "result": result, "done": False})


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _get_batch_for_user(request.user, pk)
    if batch.status == ImportBatch.Status.DONE:
        messages.info(request, _("该文件已经导入过了。"))
        return redirect("welfare:ledger")
    with batch.file.open("rb") as fh:
        result = welfare_import(
            school=batch.school, data=fh.read(), filename=batch.original_name, acting_user=request.user, request=request
        )
    batch.summary = result.as_summary()
    if not result.written:
        batch.status = ImportBatch.Status.FAILED
        batch.save(update_fields=["summary", "status"])
        messages.error(request, _("文件有错误，未写入任何数据。请修改后重新上传。"))
        return redirect("welfare:import_preview", pk=batch.pk)
    batch.status = ImportBatch.Status.DONE
    batch.save(update_fields=["summary", "status"])
    messages.success(
        request,
        _("导入完成：%(n)s 条慰问记录，合计 %(total)s 元。") % {"n": len(result.rows), "total": f"{result.total:.2f}"},
    )
    return redirect("welfare:ledger")


@login_required
@require_GET
def import_template(request):
    _import_school(request.user)
    headers = ["日期", "工号", "姓名", "部门", "事由", "慰问金", "慰问品", "慰问品价值", "经费来源", "备注"]
    example = ["2021-03-15", "S0100012", "张三", "教务处", "生病住院", 500, "水果、牛奶", 100, "工会经费", ""]
    response = HttpResponse(xlsx_response_bytes(headers, [example], title="慰问台账模板"), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="welfare-template.xlsx"'
    return response


# --- Festival distributions -------------------------------------------------------------------------


def _school_records(user, model):
    return model.objects.filter(scope_q(user, "organization", *MANAGER_ROLES))


def _report_period(request) -> tuple[dt.date | None, dt.date | None]:
    """``?start=&end=`` (ISO dates) as the annual report's figure links pass them; invalid → None."""
    out = []
    for key in ("start", "end"):
        try:
            out.append(dt.date.fromisoformat(request.GET.get(key, "").strip()[:10]))
        except ValueError:
            out.append(None)
    return out[0], out[1]


def _traced(request, qs, *, date_field: str, org_field: str):
    """Narrow a list to ``?org=<code>`` (that subtree) and ``?start=``/``?end=`` (never widens the user's scope).

    Returns (queryset, whether a period was given) so year-based pages skip their year filter.
    """
    code = request.GET.get("org", "").strip()[:32]
    if code:
        node = Organization.objects.filter(code=code).only("path").first()
        qs = qs.filter(**{f"{org_field}__path__startswith": node.path}) if node else qs.none()
    start, end = _report_period(request)
    if start:
        qs = qs.filter(**{f"{date_field}__gte": start})
    if end:
        qs = qs.filter(**{f"{date_field}__lte": end})
    return qs, bool(start or end)


@login_required
@require_GET
def distribution_list(request):
    """节日慰问发放 by year with 人次 and yuan per distribution and in total (three queries)."""
    scope = _scope(request.user)
    year = _year(request)
    qs, period = _traced(
        request,
        _school_records(request.user, FestivalDistribution),
        date_field="distributed_on",
        org_field="organization",
    )
    qs = (
        (qs if period else qs.filter(distributed_on__year=year))
        .annotate(
            n=Count("recipients"),
            signed_n=Count("recipients", filter=Q(recipients__signed=True)),
            total=Sum("recipients__value"),
        )
        .order_by("distributed_on")
    )
    rows = list(qs)
    totals = {"n": sum(r.n for r in rows), "total": sum((r.total or Decimal(0) for r in rows), Decimal(0))}
    return render(
        request,
        "welfare/distribution_list.html",
        {
            "scope": scope,
            "rows": rows,
            "totals": totals,
            "year": year,
            "years": range(timezone.localdate().year, 2018, -1),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def distribution_create(request):
    scope = _scope(request.user)
    form = DistributionForm(request.POST or None, scope=scope, initial={"distributed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = services.distribution_issue(
            organization=d["sub_union"] or scope,
            festival=d["festival"],
            title=d["title"],
            distributed_on=d["distributed_on"],
            item=d["item"],
            value_per_person=d["value_per_person"],
            funding_source=d["funding_source"],
            include_retirees=d["include_retirees"],
            include_contract=d["include_contract"],
            union_members_only=d["union_members_only"],
            acting_user=request.user,
            request=request,
        )
        for w in result.warnings:
            messages.warning(request, w)
        messages.success(
            request,
            _("已发放“%(title)s”：%(n)s 人次。") % {"title": result.distribution.title, "n": result.issued},
        )
        return redirect("welfare:distribution_detail", pk=result.distribution.pk)
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建节日慰问发放"), "back": "welfare:distributions"},
        status=400 if request.method == "POST" else 200,
    )


def _get_distribution_for_user(user, pk) -> FestivalDistribution:
    dist = _school_records(user, FestivalDistribution).filter(pk=pk).select_related("organization").first()
    if dist is None:
        raise Http404(_("没有找到该发放记录。"))
    return dist


@login_required
@require_http_methods(["GET", "POST"])
def distribution_detail(request, pk: int):
    """Recipients of one distribution with 签领 marks; POST marks the ticked rows as signed."""
    dist = _get_distribution_for_user(request.user, pk)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
        n = services.recipients_sign(distribution=dist, member_ids=ids, signed=request.POST.get("action") != "unsign")
        messages.success(request, _("已更新 %(n)s 人的签领状态。") % {"n": n})
        return redirect(reverse("welfare:distribution_detail", args=[dist.pk]) + "?" + _querystring(request))
    recipients = dist.recipients.select_related("member__organization__parent", "member__department").order_by(
        "member__staff_no"
    )
    q = request.GET.get("q", "").strip()[:30]
    if q:
        recipients = recipients.filter(Q(member__name__icontains=q) | Q(member__staff_no=q))
    totals = dist.recipients.aggregate(n=Count("pk"), signed=Count("pk", filter=Q(signed=True)), total=Sum("value"))
    page = Paginator(recipients, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "welfare/distribution_detail.html",
        {"dist": dist, "page": page, "totals": totals, "q": q, "querystring": _querystring(request)},
    )


# --- Caps and compliance ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def caps(request):
    """慰问标准: the rule set in force, its history, and (chair) a form to save a new one."""
    scope = _scope(request.user)
    school = _school_of(scope)
    today = timezone.localdate()
    current = services.rule_set_for(school, today)
    occasions = list(services.occasions_for(school))
    can_edit = school is not None and has_role(request.user, Role.CHAIR, within=school)
    initial = {"effective_from": today, "name": f"{school.name if school else ''}{today.year}年慰问标准"}
    if current:
        initial.update(festival_yearly_cap=current.festival_yearly_cap, birthday_cap=current.birthday_cap)
        initial.update({f"cap_{c.occasion_code}": c.amount for c in current.caps.all()})
    form = RuleSetForm(request.POST or None, occasions=occasions, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有工会主席可以修改慰问标准。"))
        if form.is_valid():
            d = form.cleaned_data
            services.rule_set_save(
                organization=school,
                name=d["name"],
                effective_from=d["effective_from"],
                festival_yearly_cap=d["festival_yearly_cap"],
                birthday_cap=d["birthday_cap"],
                caps=form.caps(),
                source=d["source"],
                acting_user=request.user,
                request=request,
            )
            messages.success(request, _("已保存新的慰问标准。"))
            return redirect("welfare:caps")
    from .models import SpendingCapRuleSet

    history = SpendingCapRuleSet.objects.filter(Q(organization__isnull=True) | Q(organization=school)).prefetch_related(
        "caps"
    )
    names = {o.code: o.name for o in occasions}
    current_caps = (
        [(names.get(c.occasion_code, c.occasion_code), c.amount) for c in current.caps.all()] if current else []
    )
    return render(
        request,
        "welfare/caps.html",
        {"current": current, "current_caps": current_caps, "history": history, "form": form, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def compliance(request):
    scope = _scope(request.user)
    year = _year(request)
    data = selectors.compliance(scope, year=year)
    return render(
        request,
        "welfare/compliance.html",
        {"data": data, "year": year, "scope": scope, "years": range(timezone.localdate().year, 2018, -1)},
    )


# --- Mutual aid plans and claims ---------------------------------------------------------------------------


def _claims_visible(user):
    return AidClaim.objects.filter(person_scope_q(user) & (Q(plan__is_health=False) | sensitive_q(user)))


@login_required
@require_GET
def plan_list(request):
    """互助保障: plans with the year's enrolment and claims totals; claims listed only where visible."""
    scope = _scope(request.user)
    year = _year(request)
    plans = list(
        _school_records(request.user, MutualAidPlan).annotate(
            enrolled=Count("enrollments", filter=Q(enrollments__year=year), distinct=True),
        )
    )
    claim_stats = {
        r["plan_id"]: r
        for r in AidClaim.objects.filter(person_scope_q(request.user), plan__in=plans, claimed_on__year=year)
        .values("plan_id")
        .annotate(
            n=Count("pk"),
            claimed=Sum("claimed_amount"),
            paid=Sum("paid_amount"),
            paid_n=Count("pk", filter=Q(status="paid")),
        )
    }
    for p in plans:
        s = claim_stats.get(p.pk, {})
        p.claims_n, p.claimed, p.paid, p.paid_n = (
            s.get("n", 0),
            s.get("claimed") or 0,
            s.get("paid") or 0,
            s.get("paid_n", 0),
        )
    claims = _claims_visible(request.user).filter(claimed_on__year=year).select_related("member", "plan")[:200]
    hidden = (
        AidClaim.objects.filter(person_scope_q(request.user), claimed_on__year=year).count()
        - _claims_visible(request.user).filter(claimed_on__year=year).count()
    )
    totals = {
        "enrolled": sum(p.enrolled for p in plans),
        "claims": sum(p.claims_n for p in plans),
        "claimed": sum((Decimal(p.claimed) for p in plans), Decimal(0)),
        "paid": sum((Decimal(p.paid) for p in plans), Decimal(0)),
    }
    return render(
        request,
        "welfare/plan_list.html",
        {
            "scope": scope,
            "plans": plans,
            "claims": claims,
            "hidden": hidden,
            "year": year,
            "totals": totals,
            "years": range(timezone.localdate().year, 2018, -1),
            "statuses": AidClaim.Status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    scope = _scope(request.user)
    school = _school_of(scope)
    if school is None or not has_role(request.user, *SCHOOL_MANAGER_ROLES, within=school):
        raise PermissionDenied(_("只有学校工会主席和工会委员可以新建互助保障计划。"))
    form = PlanForm(request.POST or None, initial={"enroll_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.organization = school
        plan.save()
        year = form.cleaned_data.get("enroll_year")
        if year:
            members = Member.objects.within(school).filter(status="active")
            if form.cleaned_data.get("enroll_women_only"):
                members = members.filter(gender="female")
            PlanEnrollment.objects.bulk_create(
                [
                    PlanEnrollment(plan=plan, member_id=i, year=year, premium=plan.premium)
                    for i in members.values_list("pk", flat=True)
                ],
                batch_size=5000,
            )
        messages.success(request, _("已新建互助保障计划“%(name)s”。") % {"name": plan.name})
        return redirect("welfare:plans")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建互助保障计划"), "back": "welfare:plans"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request):
    _scope(request.user)  # managers only: raises PermissionDenied for anyone else
    form = ClaimForm(
        request.POST or None,
        members=_manageable_members(request.user),
        plans=_school_records(request.user, MutualAidPlan),
        initial={"claimed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        claim = form.save(commit=False)
        claim.member = form.member
        claim.recorded_by = request.user
        claim.save()
        audit(
            request,
            AuditEntry.Action.CREATE,
            claim,
            organization=form.member.school,
            summary=f"登记理赔申请 {form.member.name}",
        )
        messages.success(request, _("已登记 %(name)s 的理赔申请。") % {"name": form.member.name})
        return redirect("welfare:plans")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("登记理赔申请"), "back": "welfare:plans"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def claim_detail(request, pk: int):
    claim = get_claim_for_user(request.user, pk)
    if claim.plan.is_health:
        audit_sensitive_read(
            request, claim, member=claim.member, summary=f"查看理赔记录：{claim.member.name}（{claim.plan.name}）"
        )
    return render(
        request,
        "welfare/claim_detail.html",
        {
            "claim": claim,
            "can_manage": can_manage(request.user, claim.member),
            "next_statuses": services.CLAIM_NEXT.get(claim.status, set()),
            "statuses": AidClaim.Status,
        },
    )


@login_required
@require_POST
def claim_advance(request, pk: int):
    claim = get_claim_for_user(request.user, pk)
    if not can_manage(request.user, claim.member):
        raise PermissionDenied(_("您不能处理该理赔。"))
    paid = None
    if request.POST.get("paid_amount"):
        try:
            paid = Decimal(request.POST["paid_amount"]).quantize(Decimal("0.01"))
            if paid < 0:
                raise ValueError
        except (ArithmeticError, ValueError):
            messages.error(request, _("赔付金额不是有效的数字。"))
            return redirect("welfare:claim_detail", pk=claim.pk)
    try:
        services.claim_advance(
            claim=claim, status=request.POST.get("status", ""), paid_amount=paid, on=timezone.localdate()
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("理赔状态已更新为“%(status)s”。") % {"status": claim.get_status_display()})
    return redirect("welfare:claim_detail", pk=claim.pk)


# --- Health checks ----------------------------------------------------------------------------------------


@login_required
@require_GET
def healthcheck_list(request):
    scope = _scope(request.user)
    campaigns, _period = _traced(
        request, _school_records(request.user, HealthCheckCampaign), date_field="held_on", org_field="organization"
    )
    rows = list(
        campaigns.annotate(
            n=Count("participants"),
            women=Count("participants", filter=Q(participants__womens_check=True)),
            contract=Count("participants", filter=~Q(participants__member__employment_type="established")),
        )
    )
    return render(
        request, "welfare/healthcheck_list.html", {"scope": scope, "rows": rows, "total": sum(r.n for r in rows)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def healthcheck_create(request):
    """A campaign with every active member (contract staff included) as participant; women get the special check."""
    scope = _scope(request.user)
    school = _school_of(scope) or scope
    form = CampaignForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "name": f"{timezone.localdate().year}年教职工健康体检"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        camp = HealthCheckCampaign.objects.create(
            organization=school,
            year=d["held_on"].year,
            name=d["name"],
            held_on=d["held_on"],
            provider=d["provider"],
            cost_per_person=d["cost_per_person"] or 0,
        )
        statuses = ["active"] + (["retired"] if d["include_retirees"] else [])
        HealthCheckParticipant.objects.bulk_create(
            [
                HealthCheckParticipant(campaign=camp, member_id=pk, womens_check=g == "female")
                for pk, g in Member.objects.within(scope).filter(status__in=statuses).values_list("pk", "gender")
            ],
            batch_size=5000,
        )
        messages.success(request, _("已建立体检“%(name)s”。") % {"name": camp.name})
        return redirect("welfare:healthchecks")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建体检"), "back": "welfare:healthchecks"},
        status=400 if request.method == "POST" else 200,
    )


# --- Hardship cases ----------------------------------------------------------------------------------------


@login_required
@require_GET
def hardship_list(request):
    """困难职工: records only for those allowed to see them; others see counts."""
    scope = _scope(request.user)
    in_scope = HardshipCase.objects.filter(person_scope_q(request.user))
    visible = in_scope.filter(sensitive_q(request.user))
    rows = list(
        visible.select_related("member__organization__parent").annotate(
            aid_total=Sum("aids__amount"), aid_n=Count("aids")
        )
    )
    counts = in_scope.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status="open")), closed=Count("pk", filter=Q(status="closed"))
    )
    aid = HardshipAid.objects.filter(case__in=in_scope).aggregate(n=Count("pk"), total=Sum("amount"))
    return render(
        request,
        "welfare/hardship_list.html",
        {"scope": scope, "rows": rows, "counts": counts, "aid": aid, "hidden": counts["total"] - len(rows)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hardship_create(request):
    _scope(request.user)
    form = HardshipCaseForm(
        request.POST or None, members=_manageable_members(request.user), initial={"opened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        if not can_see_sensitive(request.user, form.member):
            raise PermissionDenied(_("您无权为该教职工建立困难档案。"))
        case = form.save(commit=False)
        case.member = form.member
        case.recorded_by = request.user
        case.save()
        audit(
            request,
            AuditEntry.Action.CREATE,
            case,
            organization=form.member.school,
            summary=f"困难职工建档 {form.member.name}",
        )
        messages.success(request, _("已为 %(name)s 建立困难职工档案。") % {"name": form.member.name})
        return redirect("welfare:hardship_detail", pk=case.pk)
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("困难职工建档"), "back": "welfare:hardship"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hardship_detail(request, pk: int):
    """A hardship case (always sensitive, so every read is audited), its aid payments, 帮扶 and 脱困 forms."""
    case = get_hardship_case_for_user(request.user, pk)
    manage = can_manage(request.user, case.member)
    aid_form = HardshipAidForm(
        request.POST if request.POST.get("action") == "aid" else None, initial={"paid_on": timezone.localdate()}
    )
    close_form = HardshipCloseForm(
        request.POST if request.POST.get("action") == "close" else None, initial={"closed_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("您不能处理该档案。"))
        form = aid_form if request.POST.get("action") == "aid" else close_form
        if form.is_valid():
            try:
                if form is aid_form:
                    services.hardship_aid_pay(case=case, **form.cleaned_data)
                    messages.success(
                        request, _("已发放帮扶金 %(amount)s 元。") % {"amount": f"{form.cleaned_data['amount']:.2f}"}
                    )
                else:
                    services.hardship_case_close(case=case, **form.cleaned_data)
                    messages.success(request, _("已标记为脱困。"))
            except ValueError as exc:
                messages.error(request, str(exc))
            return redirect("welfare:hardship_detail", pk=case.pk)
    else:
        audit_sensitive_read(request, case, member=case.member, summary=f"查看困难职工档案：{case.member.name}")
    aids = list(case.aids.all())
    return render(
        request,
        "welfare/hardship_detail.html",
        {
            "case": case,
            "aids": aids,
            "aid_total": sum((a.amount for a in aids), Decimal(0)),
            "aid_form": aid_form,
            "close_form": close_form,
            "can_manage": manage,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Donations ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def donation_list(request):
    scope = _scope(request.user)
    drives, _period = _traced(
        request, _school_records(request.user, DonationDrive), date_field="held_on", org_field="organization"
    )
    rows = list(
        drives.annotate(
            donors=Count("donations__member", distinct=True),
            total=Sum("donations__amount"),
            ml=Sum("donations__blood_ml"),
        )
    )
    totals = {
        "donors": sum(r.donors for r in rows if r.kind != "blood"),
        "total": sum((r.total or Decimal(0) for r in rows if r.kind != "blood"), Decimal(0)),
        "blood": sum(r.donors for r in rows if r.kind == "blood"),
    }
    return render(
        request,
        "welfare/donation_list.html",
        {"scope": scope, "rows": rows, "totals": totals, "form": DriveForm(initial={"held_on": timezone.localdate()})},
    )


@login_required
@require_POST
def drive_create(request):
    scope = _scope(request.user)
    form = DriveForm(request.POST)
    if form.is_valid():
        drive = form.save(commit=False)
        drive.organization = _school_of(scope) or scope
        drive.save()
        messages.success(request, _("已新建“%(title)s”。") % {"title": drive.title})
        return redirect("welfare:drive_detail", pk=drive.pk)
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建捐助活动"), "back": "welfare:donations"},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def drive_detail(request, pk: int):
    drive = _school_records(request.user, DonationDrive).filter(pk=pk).first()
    if drive is None:
        raise Http404(_("没有找到该捐助活动。"))
    form = DonationForm(request.POST or None, members=_manageable_members(request.user))
    if request.method == "POST" and form.is_valid():
        Donation.objects.create(
            drive=drive,
            member=form.member,
            amount=form.cleaned_data["amount"] or 0,
            blood_ml=form.cleaned_data["blood_ml"],
        )
        messages.success(request, _("已登记 %(name)s。") % {"name": form.member.name})
        return redirect("welfare:drive_detail", pk=drive.pk)
    donations = drive.donations.select_related("member__organization__parent").order_by("member__staff_no")
    totals = drive.donations.aggregate(
        n=Count("pk"), donors=Count("member", distinct=True), total=Sum("amount"), ml=Sum("blood_ml")
    )
    page = Paginator(donations, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "welfare/drive_detail.html",
        {"drive": drive, "page": page, "totals": totals, "form": form, "querystring": ""},
        status=400 if request.method == "POST" else 200,
    )


# --- Services -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def service_list(request):
    scope = _scope(request.user)
    year = _year(request)
    qs, period = _traced(
        request,
        ServiceRecord.objects.filter(person_scope_q(request.user)),
        date_field="served_on",
        org_field="member__organization",
    )
    if not period:
        qs = qs.filter(served_on__year=year)
    by_kind = list(qs.values("kind").annotate(n=Count("pk"), persons=Count("member", distinct=True)).order_by("kind"))
    labels = dict(ServiceRecord.Kind.choices)
    for r in by_kind:
        r["label"] = labels.get(r["kind"], r["kind"])
    rows = qs.select_related("member__organization__parent")[:300]
    return render(
        request,
        "welfare/service_list.html",
        {
            "scope": scope,
            "rows": rows,
            "by_kind": by_kind,
            "total": sum(r["n"] for r in by_kind),
            "year": year,
            "years": range(timezone.localdate().year, 2018, -1),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    _scope(request.user)
    form = ServiceForm(
        request.POST or None, members=_manageable_members(request.user), initial={"served_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.member = form.member
        record.recorded_by = request.user
        record.save()
        messages.success(
            request,
            _("已登记服务事项：%(name)s %(kind)s。") % {"name": form.member.name, "kind": record.get_kind_display()},
        )
        return redirect("welfare:services")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("登记服务事项"), "back": "welfare:services"},
        status=400 if request.method == "POST" else 200,
    )
