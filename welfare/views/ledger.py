"""慰问台账: the filtered ledger with its totals row, and its .xlsx export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.models import AuditEntry, FamilyMember
from union_portal.lib.audit import audit, audit_sensitive_list
from union_portal.lib.exports import xlsx_response
from union_portal.lib.lists import paginate, querystring
from union_portal.lib.tables import DASH, Column, render_rows, sub_union_name, text, url_prefix, yuan

from .. import selectors, services
from ..filters import VisitFilter
from ..models import FundingSource
from .common import _school_of, _scope


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
        return (
            f'<span><a class="fw-semibold" href="{member_prefix}{r["member_id"]}/">{escape(r["member__name"])}</a>'
            f"{family if r['family_member_id'] else ''}</span>"
        )

    def sub_union(r):
        return text(
            sub_union_name(
                r["member__organization__kind"],
                r["member__organization__name"],
                r["member__organization__parent__name"],
            )
        )

    return [
        Column(
            _("日期"), lambda r: f'<a href="{visit_prefix}{r["pk"]}/">{r["visited_on"].isoformat()}</a>', "text-nowrap"
        ),
        Column(_("姓名"), name),
        Column(_("分工会"), sub_union, "text-nowrap"),
        Column(
            _("事由"),
            lambda r: f"<span>{escape(r['occasion__name'])}{shield if r['occasion__is_sensitive'] else ''}</span>",
        ),
        Column(_("慰问金（元）"), lambda r: escape(yuan(r["cash_amount"])), "text-end"),
        Column(_("慰问品"), lambda r: text(r["gift_description"])),
        Column(_("慰问品价值（元）"), lambda r: escape(yuan(r["gift_value"])), "text-end"),
        Column(_("经费来源"), lambda r: funding.get(r["funding_source"], "")),
        Column(_("慰问人"), lambda r: comma.join(escape(n) for n in visitors.get(r["pk"], ())) or DASH, "small"),
    ]


def _hidden_count(request, vf) -> int:
    """Sensitive visits in the filtered period and unit the user may not read (no query when none can be)."""
    hidden = selectors.hidden_sensitive_visits(request.user)
    if vf.is_valid():
        cd = vf.form.cleaned_data
        if cd.get("start"):
            hidden = hidden.filter(visited_on__gte=cd["start"])
        if cd.get("end"):
            hidden = hidden.filter(visited_on__lte=cd["end"])
        if cd.get("org"):
            hidden = vf.filter_org(hidden, "org", cd["org"])
    return hidden.count()


@login_required
@require_GET
def ledger(request):
    """慰问台账: filters, a totals row (人次, 人, 元), pagination and export.

    Queries are constant in the table size: session, user, roles, filter choices,
    totals, hidden-sensitive count, one page of rows and the page's visitors.
    """
    scope, vf, rows = _ledger_filter(request)
    totals = selectors.ledger_totals(rows)
    # The totals row already counted the rows: the paginator runs no second COUNT query.
    page = paginate(request, selectors.ledger_page_rows(rows, fields=LEDGER_ROW_FIELDS, count=totals["count"]))
    visitors = selectors.ledger_visitors([r["pk"] for r in page])
    audit_sensitive_list(request, count=sum(1 for r in page if r["occasion__is_sensitive"]),
                         summary="慰问台账显示敏感事由的慰问记录", organization=scope)
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
            "hidden_count": _hidden_count(request, vf),
            "querystring": querystring(request),
            "querystring_all_units": querystring(request, drop=("org",)),
        },
    )


EXPORT_HEADERS = [
    "日期", "工号", "姓名", "部门", "分工会", "事由", "涉及亲属",
    "慰问金（元）", "慰问品", "慰问品价值（元）", "经费来源", "备注",
]  # fmt: skip


def _export_line(v) -> list:
    """One visit as an export row (the columns of ``EXPORT_HEADERS``; yuan as Decimal)."""
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


@login_required
@require_GET
def ledger_export(request):
    """The filtered ledger as .xlsx, with a totals row; audited."""
    scope, vf, rows = _ledger_filter(request)
    totals = selectors.ledger_totals(rows)

    def all_rows():
        yield from (_export_line(v) for v in rows.iterator(chunk_size=1000))
        yield [
            "合计", f"{totals['count']}人次", f"{totals['persons']}人", "", "", "", "",
            totals["cash"], "", totals["gift"], f"共 {totals['total']} 元", "",
        ]  # fmt: skip

    response = xlsx_response(
        EXPORT_HEADERS, all_rows(), title="慰问台账", filename=f"welfare-ledger-{timezone.localdate():%Y%m%d}.xlsx"
    )
    audit(
        request,
        AuditEntry.Action.EXPORT,
        organization=scope,
        summary=f"导出慰问台账 {totals['count']} 条（{request.GET.urlencode()[:200]}）",
    )
    return response
