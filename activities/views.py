"""Views of 文体活动: activities, registration and check-in, calendar, teams, photos,
awards, honours, sub-union funds, interest groups and the statistics page."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import MANAGER_ROLES, has_role, member_of, nodes_for, require_manager, scope_q
from members.models import AuditEntry, FamilyMember, Organization
from union_portal.lib.audit import audit

from . import selectors, services
from .forms import (
    ActivityForm,
    AwardForm,
    GroupSessionForm,
    HonorForm,
    InterestGroupForm,
    MatchForm,
    PhotoForm,
    SubUnionFundForm,
    TeamForm,
)
from .models import Activity, Award, Honor, InterestGroup, Match, Registration, SubUnionFund

PAGE_SIZE = 20


def manager_nodes(user) -> list[Organization]:
    """Nodes the user manages (superuser: every top-level node)."""
    nodes = nodes_for(user, *MANAGER_ROLES)
    if not nodes and getattr(user, "is_superuser", False):
        nodes = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    return nodes


def _render(request, template: str, context: dict):
    """``render`` plus ``act_manager`` for the app's sub-navigation (roles are cached on the user)."""
    context.setdefault("act_manager", bool(manager_nodes(request.user)))
    return render(request, template, context)


def _require_any_manager(user) -> list[Organization]:
    nodes = manager_nodes(user)
    if not nodes:
        raise PermissionDenied(_("您没有管理文体活动的权限。"))
    return nodes


def _my_status_subquery(me):
    return Subquery(
        Registration.objects.filter(activity=OuterRef("pk"), member=me, family_member__isnull=True)
        .exclude(status=Registration.Status.CANCELLED)
        .values("status")[:1]
    )


def _safe_next(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


# --- Activities -----------------------------------------------------------------------------------


def _traced_filters(request, rows):
    """The annual report's figure links (traceability): ``org`` (organiser's subtree), ``start``/``end``
    (activities *starting* on those local dates, as the report counts them), ``live=1`` (not cancelled)
    and ``organizer_kind`` (school / sub_union). They only narrow what the user may already see.
    """
    traced = False
    code = request.GET.get("org", "").strip()[:32]
    if code:
        node = Organization.objects.filter(code=code).only("path").first()
        rows = rows.filter(organizer__path__startswith=node.path) if node else rows.none()
        traced = True
    period = []
    for key in ("start", "end"):
        try:
            period.append(dt.date.fromisoformat(request.GET.get(key, "").strip()[:10]))
        except ValueError:
            period.append(None)
    if period[0] or period[1]:
        rows = rows.in_range(period[0] or dt.date(1900, 1, 1), period[1] or dt.date(2999, 12, 31))
        traced = True
    if request.GET.get("live") == "1":
        rows = rows.exclude(status=Activity.Status.CANCELLED)
        traced = True
    kind = request.GET.get("organizer_kind", "")
    if kind in (Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION):
        rows = rows.filter(organizer__kind=kind)
        traced = True
    return rows, traced


@login_required
@require_GET
def index(request):
    """活动列表: upcoming activities first, then everything visible, with filters.

    Query budget is constant in the table size: session, user, roles, member,
    upcoming (one annotated query), count, one page of rows.
    """
    me = member_of(request.user)
    now = timezone.now()
    base = selectors.with_counts(selectors.activities_visible_to(request.user).select_related("organizer"))
    if me is not None:
        base = base.annotate(my_status=_my_status_subquery(me))
    upcoming = list(
        base.filter(ends_at__gte=now).exclude(status=Activity.Status.CANCELLED).order_by("starts_at", "id")[:6]
    )
    rows = base
    q = request.GET.get("q", "").strip()[:50]
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(place__icontains=q))
    type_ = request.GET.get("type", "")
    if type_ in Activity.Type.values:
        rows = rows.filter(type=type_)
    status = request.GET.get("status", "")
    if status in Activity.Status.values:
        rows = rows.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        rows = rows.filter(starts_at__year=int(year))
    rows, traced = _traced_filters(request, rows)
    page = Paginator(rows.order_by("-starts_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    this_year = timezone.localdate().year
    return _render(
        request,
        "activities/index.html",
        {
            "upcoming": upcoming,
            "page": page,
            "traced": traced,
            "querystring": params.urlencode(),
            "q": q,
            "type": type_,
            "status": status,
            "year": year,
            "years": list(range(this_year + 1, 2019, -1)),
            "types": Activity.Type.choices,
            "statuses": Activity.Status.choices,
            "is_manager": bool(manager_nodes(request.user)),
        },
    )


@login_required
@require_GET
def calendar_view(request):
    """活动日历 by month: a grid on wide screens, a day list on phones. One query for the month."""
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    year, month = first.year, first.month
    acts = list(selectors.month_activities(request.user, year, month))
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    by_day: dict[dt.date, list[Activity]] = {}
    for a in acts:
        d0 = max(timezone.localtime(a.starts_at).date(), first)
        d1 = min(timezone.localtime(a.ends_at).date(), last)
        d = d0
        while d <= d1:
            by_day.setdefault(d, []).append(a)
            d += dt.timedelta(days=1)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [{"date": d, "in_month": d.month == month, "items": by_day.get(d, []), "today": d == today} for d in week]
        )
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return _render(
        request,
        "activities/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "days": sorted(by_day.items()),
            "prev": f"{prev_month:%Y-%m}",
            "next": f"{next_month:%Y-%m}",
            "this_month": f"{today:%Y-%m}",
            "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
            "count": len(acts),
        },
    )


@login_required
@require_GET
def activity_detail(request, pk: int):
    """活动详情: facts, my registration (and my family's), photos, teams and matches, awards;
    for managers the registration list with check-in. Constant queries per page."""
    activity = selectors.get_activity_for_user(request.user, pk)
    counts = activity.registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    me = member_of(request.user)
    mine = []
    family_choices = []
    if me is not None:
        mine = list(
            activity.registrations.filter(member=me)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("family_member")
        )
        if activity.admits_families:
            taken = {r.family_member_id for r in mine if r.family_member_id}
            family_choices = [f for f in FamilyMember.objects.filter(member=me) if f.pk not in taken]
    waitlist_positions = {}
    if any(r.status == Registration.Status.WAITLISTED for r in mine):
        waiting = list(
            activity.registrations.filter(status=Registration.Status.WAITLISTED)
            .order_by("registered_at", "id")
            .values_list("pk", flat=True)
        )
        waitlist_positions = {pk_: i + 1 for i, pk_ in enumerate(waiting)}
    for r in mine:
        r.position = waitlist_positions.get(r.pk)
    can_manage = selectors.can_manage_activity(request.user, activity)
    registrations = []
    if can_manage:
        registrations = list(
            activity.registrations.exclude(status=Registration.Status.CANCELLED)
            .select_related("member__organization__parent", "family_member")
            .order_by("status", "registered_at", "id")
        )
    teams = list(activity.teams.select_related("organization").annotate(n_players=Count("players")).order_by("name"))
    matches = list(activity.matches.select_related("home", "away"))
    awards = list(activity.awards.select_related("member", "team"))
    photos = list(activity.photos.all())
    me_self_registered = any(r.family_member_id is None for r in mine)
    places_left = None
    if activity.capacity is not None:
        places_left = max(activity.capacity - counts["registered"], 0)
    return _render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "counts": counts,
            "places_left": places_left,
            "me": me,
            "mine": mine,
            "me_self_registered": me_self_registered,
            "family_choices": family_choices,
            "audience_ok": me is not None and services.audience_allows(activity, me),
            "can_manage": can_manage,
            "registrations": registrations,
            "teams": teams,
            "matches": matches,
            "awards": awards,
            "photos": photos,
            "photo_form": PhotoForm() if can_manage else None,
            "photo_limit": services.photo_limits()[1],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    nodes = _require_any_manager(request.user)
    form = ActivityForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        require_manager(request.user, activity.organizer)
        services.activity_save(activity=activity, acting_user=request.user)
        audit(
            request,
            AuditEntry.Action.CREATE,
            activity,
            summary=f"新建活动 {activity.title}",
            organization=activity.organizer,
        )
        messages.success(request, _("已创建活动“%(title)s”。") % {"title": activity.title})
        return redirect("activities:detail", pk=activity.pk)
    return _render(request, "activities/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = selectors.get_activity_for_user(request.user, pk)
    require_manager(request.user, activity.organizer)
    form = ActivityForm(request.POST or None, instance=activity, nodes=manager_nodes(request.user))
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        promoted = services.activity_save(activity=activity, acting_user=request.user)
        audit(
            request,
            AuditEntry.Action.UPDATE,
            activity,
            summary=f"修改活动 {activity.title}",
            organization=activity.organizer,
        )
        msg = _("已保存“%(title)s”。") % {"title": activity.title}
        if promoted:
            msg += _("候补的 %(n)s 人已自动转为正式报名。") % {"n": len(promoted)}
        messages.success(request, msg)
        return redirect("activities:detail", pk=activity.pk)
    return _render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_POST
def activity_register(request, pk: int):
    """Register myself, or with ``family`` one of my family members, for the activity."""
    activity = selectors.get_activity_for_user(request.user, pk)
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("您的账号没有关联教职工信息，不能报名。"))
    family = None
    family_id = request.POST.get("family", "")
    if family_id:
        family = FamilyMember.objects.filter(member=me, pk=family_id if family_id.isdigit() else 0).first()
        if family is None:
            messages.error(request, _("请选择您本人登记的直系亲属。"))
            return redirect("activities:detail", pk=pk)
    try:
        reg = services.registration_create(activity=activity, member=me, family_member=family)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
        return redirect("activities:detail", pk=pk)
    who = family.name if family else _("您")
    if reg.status == Registration.Status.REGISTERED:
        messages.success(request, _("报名成功：%(who)s已报名“%(title)s”。") % {"who": who, "title": activity.title})
    else:
        messages.warning(request, _("名额已满，%(who)s已进入候补名单；有人取消时将按顺序自动递补。") % {"who": who})
    return redirect("activities:detail", pk=pk)


@login_required
@require_POST
def registration_cancel(request, pk: int):
    reg = selectors.get_registration_for_user(request.user, pk)
    me = member_of(request.user)
    if not (me is not None and reg.member_id == me.pk) and not selectors.can_manage_activity(
        request.user, reg.activity
    ):
        raise Http404
    try:
        result = services.registration_cancel(registration=reg)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
    else:
        msg = _("已取消 %(name)s 的报名。") % {"name": reg.person_name}
        if result.promoted:
            msg += _("候补名单中的 %(names)s 已自动递补。") % {
                "names": _("、").join(r.person_name for r in result.promoted)
            }
        messages.success(request, msg)
    return redirect(_safe_next(request, reverse("activities:detail", args=[reg.activity_id])))


@login_required
@require_POST
def registration_check_in(request, pk: int):
    """签到: by a manager of the activity, or by the member themself on the day of the activity."""
    reg = selectors.get_registration_for_user(request.user, pk)
    me = member_of(request.user)
    manager = selectors.can_manage_activity(request.user, reg.activity)
    own = me is not None and reg.member_id == me.pk
    if not manager and not (own and reg.activity.is_today):
        raise PermissionDenied(_("只能在活动当天签到。"))
    try:
        services.registration_check_in(registration=reg)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s 已签到。") % {"name": reg.person_name})
    return redirect(_safe_next(request, reverse("activities:detail", args=[reg.activity_id])))


@login_required
@require_GET
def check_in_sheet(request, pk: int):
    """签到表 for a phone: search by name or 工号, one big button per person. Constant queries."""
    activity = selectors.get_activity_for_user(request.user, pk)
    if not selectors.can_manage_activity(request.user, activity):
        raise PermissionDenied(_("只有活动管理人员可以代为签到。"))
    q = request.GET.get("q", "").strip()[:30]
    regs = activity.registrations.filter(status=Registration.Status.REGISTERED).select_related(
        "member__organization__parent", "family_member"
    )
    if q:
        regs = regs.filter(
            Q(member__name__icontains=q)
            | Q(member__staff_no__iexact=q)
            | Q(member__name_initials__iexact=q)
            | Q(family_member__name__icontains=q)
        )
    regs = list(regs.order_by("checked_in_at", "member__name_pinyin", "id"))
    totals = activity.registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        checked_in=Count("id", filter=Q(status=Registration.Status.REGISTERED, checked_in_at__isnull=False)),
    )
    return _render(request, "activities/check_in.html", {"activity": activity, "regs": regs, "q": q, "totals": totals})


# --- Teams, matches, photos -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def teams_manage(request, pk: int):
    """参赛队与赛程: add teams (sub-union, players) and matches with results."""
    activity = selectors.get_activity_for_user(request.user, pk)
    require_manager(request.user, activity.organizer)
    team_form = TeamForm(request.POST if request.POST.get("form") == "team" else None, activity=activity)
    match_form = MatchForm(request.POST if request.POST.get("form") == "match" else None, activity=activity)
    if request.method == "POST":
        form = team_form if request.POST.get("form") == "team" else match_form
        if form.is_valid():
            obj = form.save(commit=False)
            obj.activity = activity
            obj.save()
            form.save_m2m()
            audit(
                request,
                AuditEntry.Action.CREATE,
                obj,
                summary=f"{activity.title}：{obj}",
                organization=activity.organizer,
            )
            messages.success(request, _("已添加：%(obj)s") % {"obj": obj})
            return redirect("activities:teams", pk=pk)
    teams = activity.teams.select_related("organization").annotate(n_players=Count("players")).order_by("name")
    matches = activity.matches.select_related("home", "away")
    return _render(
        request,
        "activities/teams.html",
        {"activity": activity, "team_form": team_form, "match_form": match_form, "teams": teams, "matches": matches},
    )


@login_required
@require_POST
def team_delete(request, pk: int):
    team = selectors.get_team_for_user(request.user, pk)
    activity_id = team.activity_id
    audit(
        request, AuditEntry.Action.DELETE, team, summary=f"删除参赛队 {team.name}", organization=team.activity.organizer
    )
    team.delete()
    messages.success(request, _("已删除参赛队。"))
    return redirect("activities:teams", pk=activity_id)


@login_required
@require_POST
def match_delete(request, pk: int):
    match = Match.objects.filter(scope_q(request.user, "activity__organizer", *MANAGER_ROLES), pk=pk).first()
    if match is None:
        raise Http404
    activity_id = match.activity_id
    match.delete()
    messages.success(request, _("已删除该场次。"))
    return redirect("activities:teams", pk=activity_id)


@login_required
@require_POST
def photo_add(request, pk: int):
    activity = selectors.get_activity_for_user(request.user, pk)
    require_manager(request.user, activity.organizer)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo = services.photo_add(
                activity=activity,
                data=form.cleaned_data["image"].read(),
                caption=form.cleaned_data["caption"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            audit(
                request,
                AuditEntry.Action.CREATE,
                photo,
                summary=f"上传活动照片 {activity.title}",
                organization=activity.organizer,
            )
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("activities:detail", args=[pk]) + "#photos")


@login_required
@require_GET
def photo_file(request, pk: int):
    """Serve a photo only to users who may see its activity (media is not public)."""
    photo = selectors.get_photo_for_user(request.user, pk)
    try:
        fh = photo.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("照片文件不存在。")) from None
    response = FileResponse(fh, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request, pk: int):
    photo = selectors.get_photo_for_user(request.user, pk)
    require_manager(request.user, photo.activity.organizer)
    activity_id = photo.activity_id
    audit(request, AuditEntry.Action.DELETE, photo, summary="删除活动照片", organization=photo.activity.organizer)
    photo.image.delete(save=False)
    photo.delete()
    messages.success(request, _("照片已删除。"))
    return redirect(reverse("activities:detail", args=[activity_id]) + "#photos")


# --- Awards, honours, funds -------------------------------------------------------------------------


def _record_page(request, *, model, form_class, template, order, related, title):
    nodes = _require_any_manager(request.user)
    form = form_class(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        require_manager(request.user, obj.organization)
        obj.save()
        audit(request, AuditEntry.Action.CREATE, obj, summary=f"登记{title} {obj}", organization=obj.organization)
        messages.success(request, _("已登记：%(obj)s") % {"obj": obj})
        return redirect(request.path)
    rows = model.objects.filter(scope_q(request.user, "organization", *MANAGER_ROLES)).select_related(*related)
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(awarded_on__year=int(year))
    level = request.GET.get("level", "")
    if level:
        rows = rows.filter(level=level)
    page = Paginator(rows.order_by(*order), 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    from .models import Level

    return _render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
            "year": year,
            "level": level,
            "levels": Level.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def honor_list(request):
    """荣誉: individual and collective honours in the user's subtree, and a form to record one."""
    return _record_page(
        request,
        model=Honor,
        form_class=HonorForm,
        template="activities/honor_list.html",
        order=["-awarded_on", "id"],
        related=["member", "organization"],
        title="荣誉",
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_list(request):
    """获奖: prizes in internal and external competitions, and a form to record one."""
    return _record_page(
        request,
        model=Award,
        form_class=AwardForm,
        template="activities/award_list.html",
        order=["-awarded_on", "id"],
        related=["member", "team", "organization", "activity"],
        title="获奖",
    )


@login_required
@require_POST
def honor_delete(request, pk: int):
    honor = selectors.get_honor_for_user(request.user, pk)
    audit(request, AuditEntry.Action.DELETE, honor, summary=f"删除荣誉 {honor.title}", organization=honor.organization)
    honor.delete()
    messages.success(request, _("已删除该荣誉记录。"))
    return redirect("activities:honors")


@login_required
@require_POST
def award_delete(request, pk: int):
    award = selectors.get_award_for_user(request.user, pk)
    audit(request, AuditEntry.Action.DELETE, award, summary=f"删除获奖 {award}", organization=award.organization)
    award.delete()
    messages.success(request, _("已删除该获奖记录。"))
    return redirect("activities:awards")


@login_required
@require_http_methods(["GET", "POST"])
def fund_list(request):
    """分工会活动经费: yearly allocation per sub-union against the spending of its activities."""
    nodes = _require_any_manager(request.user)
    today = timezone.localdate()
    year_s = request.GET.get("year", "")
    year = int(year_s) if year_s.isdigit() and 2000 <= int(year_s) <= 2100 else None
    if year is None:
        year = (
            SubUnionFund.objects.filter(scope_q(request.user, "organization", *MANAGER_ROLES)).aggregate(y=Max("year"))[
                "y"
            ]
            or today.year
        )
    form = SubUnionFundForm(request.POST or None, nodes=nodes, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        fund = form.save(commit=False)
        require_manager(request.user, fund.organization)
        fund.save()
        audit(
            request,
            AuditEntry.Action.CREATE,
            fund,
            summary=f"下拨 {fund.organization} {fund.year} 年活动经费 {fund.allocation} 元",
            organization=fund.organization,
        )
        messages.success(
            request, _("已登记 %(org)s %(year)s 年活动经费。") % {"org": fund.organization, "year": fund.year}
        )
        return redirect(f"{request.path}?year={fund.year}")
    spent = (
        Activity.objects.filter(
            organizer=OuterRef("organization"),
            starts_at__year=year,
            funding_source=Activity.FundingSource.SUB_UNION,
        )
        .exclude(status=Activity.Status.CANCELLED)
        .values("organizer")
        .annotate(s=Sum("spent"))
        .values("s")
    )
    n_acts = (
        Activity.objects.filter(organizer=OuterRef("organization"), starts_at__year=year)
        .exclude(status=Activity.Status.CANCELLED)
        .values("organizer")
        .annotate(n=Count("id"))
        .values("n")
    )
    funds = list(
        SubUnionFund.objects.filter(scope_q(request.user, "organization", *MANAGER_ROLES), year=year)
        .select_related("organization")
        .annotate(spent_total=Subquery(spent), activities=Subquery(n_acts))
        .order_by("organization__path")
    )
    for f in funds:
        f.remaining = f.allocation - (f.spent_total or 0)
    total_alloc = sum((f.allocation for f in funds), start=0)
    total_spent = sum((f.spent_total or 0 for f in funds), start=0)
    return _render(
        request,
        "activities/fund_list.html",
        {
            "form": form,
            "funds": funds,
            "year": year,
            "years": list(range(today.year + 1, 2019, -1)),
            "total_alloc": total_alloc,
            "total_spent": total_spent,
        },
    )


# --- Interest groups --------------------------------------------------------------------------------


@login_required
@require_GET
def group_list(request):
    """兴趣小组: every group visible to the user with member and session counts (one query)."""
    me = member_of(request.user)
    groups = (
        selectors.interest_groups_visible_to(request.user)
        .select_related("leader", "organization")
        .annotate(n_members=Count("members", distinct=True), n_sessions=Count("sessions", distinct=True))
        .order_by("-is_active", "name")
    )
    mine = set(me.interest_groups.values_list("pk", flat=True)) if me else set()
    return _render(
        request,
        "activities/group_list.html",
        {"groups": groups, "mine": mine, "is_manager": bool(manager_nodes(request.user))},
    )


def _can_manage_group(user, group: InterestGroup) -> bool:
    me = member_of(user)
    return has_role(user, *MANAGER_ROLES, within=group.organization) or (me is not None and group.leader_id == me.pk)


@login_required
@require_http_methods(["GET", "POST"])
def group_form(request, pk: int | None = None):
    nodes = _require_any_manager(request.user)
    group = selectors.get_interest_group_for_user(request.user, pk) if pk else None
    if group is not None:
        require_manager(request.user, group.organization)
    form = InterestGroupForm(request.POST or None, instance=group, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        require_manager(request.user, obj.organization)
        obj.save()
        if obj.leader_id:
            obj.members.add(obj.leader)
        audit(
            request,
            AuditEntry.Action.UPDATE if group else AuditEntry.Action.CREATE,
            obj,
            summary=f"兴趣小组 {obj.name}",
            organization=obj.organization,
        )
        messages.success(request, _("已保存兴趣小组“%(name)s”。") % {"name": obj.name})
        return redirect("activities:group_detail", pk=obj.pk)
    return _render(request, "activities/group_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request, pk: int):
    """A group's members, sessions with attendance; the leader or a manager records a session."""
    group = selectors.get_interest_group_for_user(request.user, pk)
    can_manage = _can_manage_group(request.user, group)
    form = GroupSessionForm(request.POST or None, group=group) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("只有小组负责人或工会管理人员可以登记活动。"))
        if form.is_valid():
            session = form.save(commit=False)
            session.group = group
            session.save()
            form.save_m2m()
            messages.success(
                request,
                _("已登记 %(date)s 的活动，出勤 %(n)s 人。")
                % {"date": f"{session.held_on:%Y-%m-%d}", "n": session.attendees.count()},
            )
            return redirect("activities:group_detail", pk=pk)
    members = list(group.members.select_related("organization__parent").order_by("staff_no"))
    sessions = list(group.sessions.annotate(n=Count("attendees")).order_by("-held_on")[:20])
    me = member_of(request.user)
    return _render(
        request,
        "activities/group_detail.html",
        {
            "group": group,
            "members": members,
            "sessions": sessions,
            "form": form,
            "can_manage": can_manage,
            "is_member": me is not None and any(m.pk == me.pk for m in members),
            "me": me,
        },
    )


@login_required
@require_POST
def group_join(request, pk: int):
    group = selectors.get_interest_group_for_user(request.user, pk)
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("您的账号没有关联教职工信息。"))
    if not group.is_active:
        messages.error(request, _("该兴趣小组已停止活动。"))
    elif request.POST.get("leave"):
        group.members.remove(me)
        messages.success(request, _("已退出“%(name)s”。") % {"name": group.name})
    else:
        group.members.add(me)
        messages.success(request, _("已加入“%(name)s”。") % {"name": group.name})
    return redirect("activities:group_detail", pk=pk)


# --- Statistics ----------------------------------------------------------------------------------------


@login_required
@require_GET
def stats(request):
    """年度统计: ``selectors.report_stats`` for the user's managed node and a year, as the report uses it."""
    nodes = _require_any_manager(request.user)
    node = nodes[0]
    node_id = request.GET.get("node", "")
    if node_id.isdigit():
        chosen = Organization.objects.filter(pk=int(node_id)).first()
        if chosen is not None and has_role(request.user, *MANAGER_ROLES, within=chosen):
            node = chosen
    year_s = request.GET.get("year", "")
    if year_s.isdigit() and 2000 <= int(year_s) <= 2100:
        year = int(year_s)
    else:
        latest = (
            Activity.objects.within(node).filter(status=Activity.Status.FINISHED).aggregate(m=Max("starts_at"))["m"]
        )
        year = timezone.localtime(latest).year if latest else timezone.localdate().year
    data = selectors.report_stats(organization=node, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    today = timezone.localdate()
    return _render(
        request,
        "activities/stats.html",
        {"s": data, "node": node, "year": year, "years": list(range(today.year, 2019, -1))},
    )
