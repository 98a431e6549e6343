"""Figures for the report, gathered ONLY through the other apps' ``selectors.report_stats``.

``collect(organization=, start=, end=)`` calls ``<app>.selectors.report_stats`` for members, welfare,
congress and activities over the period and over the previous period of the same length (同比), and
returns a JSON-safe dict ``{"current": {app: stats}, "previous": {app: stats}, "missing": [apps],
"period": {...}}``. Each app's selectors run a constant number of queries, so assembly does too;
their results are cached per app until the next committed write to its tables (``stats_cache``).

Figures are addressed by dotted keys into ``current`` (``welfare.visits.count``); ``FIGURES`` says
each one's label, unit (人次 and 人 are different units, never mixed) and the list page of the records
it counts (traceability). Unknown keys still render, with a unit guessed from the key's last part.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from . import stats_cache

SOURCE_APPS = ("members", "welfare", "congress", "activities")


# --- periods ------------------------------------------------------------------------------------


def _is_month_start(d: dt.date) -> bool:
    return d.day == 1


def _is_month_end(d: dt.date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before [start, end] (whole months shift by months)."""
    if _is_month_start(start) and _is_month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return _add_months(start, -months), start - dt.timedelta(days=1)
    length = end - start
    prev_end = start - dt.timedelta(days=1)
    return prev_end - length, prev_end


# --- collection ---------------------------------------------------------------------------------


def jsonable(value):
    """Dates → ISO strings, Decimals → strings, recursively (for JSONField snapshots)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _stats_function(app: str):
    try:
        module = import_module(f"{app}.selectors")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.selectors":
            raise
        return None
    return getattr(module, "report_stats", None)


def collect(*, organization, start: dt.date, end: dt.date) -> dict:
    """All apps' report statistics for the period and the previous period of the same length."""
    prev_start, prev_end = previous_period(start, end)
    current: dict = {}
    previous: dict = {}
    missing: list[str] = []
    functions = {}
    for app in SOURCE_APPS:
        stats = _stats_function(app)
        if stats is None:
            missing.append(app)
        else:
            functions[app] = stats

    def compute(app, first, last):
        # The report is an official document in Chinese whatever language the committee member's
        # interface uses: labels inside the statistics (types, levels, sources) are made in the
        # site's language, so a cached entry never depends on who assembled it first.
        with translation.override(settings.LANGUAGE_CODE):
            return derive(app, jsonable(functions[app](organization=organization, start=first, end=last)))

    requests = [(app, s, e) for app in functions for s, e in ((start, end), (prev_start, prev_end))]
    found = stats_cache.cached_stats(requests, compute, organization=organization)
    for app in functions:
        current[app] = found[(app, start, end)]
        previous[app] = found[(app, prev_start, prev_end)]
    return {
        "current": current,
        "previous": previous,
        "missing": missing,
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "previous_start": prev_start.isoformat(),
            "previous_end": prev_end.isoformat(),
        },
    }


def derive(app: str, stats: dict) -> dict:
    """Lists the tables and charts need, computed from the app's own figures (no extra query)."""
    if app == "congress":
        stats["by_outcome"] = [
            {"label": label, "count": stats.get(key) or 0}
            for key, label in (("accepted", "立案"), ("merged", "并案"), ("to_suggestion", "转为意见建议"),
                               ("rejected", "不立案"), ("pending_review", "待审查"))
        ]
        stats["by_rating"] = [
            {"label": label, "count": stats.get(key) or 0}
            for key, label in (("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意"))
        ]
    return stats


def lookup(tree: dict, key: str):
    """Value at a dotted key in a nested dict, or None."""
    node = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    """Every scalar number in a nested dict, by dotted key (lists and texts left out)."""
    out: dict[str, object] = {}
    for key, value in (tree or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, (int, float)) or (isinstance(value, str) and _is_number(value)):
            out[path] = value
    return out


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return text.strip() not in ("", "NaN", "Infinity", "-Infinity") and any(c.isdigit() for c in text)


# --- figure registry ----------------------------------------------------------------------------

PERSON_TIMES = "人次"
PERSONS = "人"
YUAN = "元"


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str = ""
    link: str = ""  # name of a LINKS entry


FIGURES: dict[str, Figure] = {
    # members
    "members.staff": Figure("在职教职工", PERSONS, "members_active"),
    "members.union_members": Figure("在职工会会员", PERSONS, "members_union"),
    "members.women": Figure("女教职工", PERSONS, "members_women"),
    "members.contract_staff": Figure("编外教职工", PERSONS, "members_contract"),
    "members.retirees": Figure("离退休教职工", PERSONS, "members_retired"),
    "members.joined": Figure("新入会会员", PERSONS, "members_union"),
    "members.left": Figure("退会会员", PERSONS, "members_all"),
    "members.sub_unions": Figure("分工会", "个"),
    "members.groups": Figure("工会小组", "个"),
    # welfare
    "welfare.visits.count": Figure("走访慰问", PERSON_TIMES, "welfare_visits"),
    "welfare.visits.persons": Figure("走访慰问教职工", PERSONS, "welfare_visits"),
    "welfare.visits.cash": Figure("慰问金", YUAN, "welfare_visits"),
    "welfare.visits.gift": Figure("慰问品价值", YUAN, "welfare_visits"),
    "welfare.visits.total": Figure("慰问金额合计", YUAN, "welfare_visits"),
    "welfare.distributions.count": Figure("慰问品发放", "次", "welfare_distributions"),
    "welfare.distributions.recipients": Figure("领取慰问品", PERSON_TIMES, "welfare_distributions"),
    "welfare.distributions.persons": Figure("领取慰问品教职工", PERSONS, "welfare_distributions"),
    "welfare.distributions.total": Figure("慰问品金额", YUAN, "welfare_distributions"),
    "welfare.plans_total.enrolled": Figure("互助保障参保", PERSON_TIMES, "welfare_plans"),
    "welfare.plans_total.enrolled_persons": Figure("互助保障参保教职工", PERSONS, "welfare_plans"),
    "welfare.plans_total.claims": Figure("互助保障理赔申请", "件", "welfare_plans"),
    "welfare.plans_total.paid_claims": Figure("互助保障已赔付", "件", "welfare_plans"),
    "welfare.plans_total.paid": Figure("互助保障赔付金额", YUAN, "welfare_plans"),
    "welfare.health_checks.campaigns": Figure("体检组织", "次", "welfare_health"),
    "welfare.health_checks.participants": Figure("参加体检", PERSON_TIMES, "welfare_health"),
    "welfare.health_checks.persons": Figure("参加体检教职工", PERSONS, "welfare_health"),
    "welfare.health_checks.womens_checks": Figure("女职工专项体检", PERSON_TIMES, "welfare_health"),
    "welfare.health_checks.contract_staff": Figure("编外人员体检", PERSON_TIMES, "welfare_health"),
    "welfare.hardship.open_at_end": Figure("在档困难教职工", PERSONS, "welfare_hardship"),
    "welfare.hardship.aid_count": Figure("困难帮扶", PERSON_TIMES, "welfare_hardship"),
    "welfare.hardship.aid_persons": Figure("帮扶困难教职工", PERSONS, "welfare_hardship"),
    "welfare.hardship.aid_total": Figure("帮扶金", YUAN, "welfare_hardship"),
    "welfare.donations.drives": Figure("捐款活动", "次", "welfare_donations"),
    "welfare.donations.donations": Figure("捐款", PERSON_TIMES, "welfare_donations"),
    "welfare.donations.donors": Figure("捐款教职工", PERSONS, "welfare_donations"),
    "welfare.donations.total": Figure("捐款金额", YUAN, "welfare_donations"),
    "welfare.donations.blood.donors": Figure("无偿献血", PERSONS, "welfare_donations"),
    "welfare.donations.blood.ml": Figure("献血量", "毫升", "welfare_donations"),
    "welfare.services_total": Figure("服务事项", "件", "welfare_services"),
    # congress (proposals are counted in 项, as the seeds write "共立案64项")
    "congress.sessions": Figure("教代会会议", "次", "congress_sessions"),
    "congress.collected": Figure("征集提案", "项", "congress_collected"),
    "congress.accepted": Figure("立案", "项", "congress_accepted"),
    "congress.merged": Figure("并案", "项", "congress_merged"),
    "congress.to_suggestion": Figure("转为意见建议", "项", "congress_to_suggestion"),
    "congress.rejected": Figure("不立案", "项", "congress_rejected"),
    "congress.assigned": Figure("交办", "项", "congress_assigned"),
    "congress.replied": Figure("已答复", "项", "congress_replied"),
    "congress.closed": Figure("办结", "项", "congress_closed"),
    "congress.satisfied": Figure("满意", "项", "congress_satisfied"),
    "congress.basically_satisfied": Figure("基本满意", "项", "congress_basic"),
    "congress.dissatisfied": Figure("不满意", "项", "congress_dissatisfied"),
    "congress.rated": Figure("已评价", "项", "congress_rated"),
    "congress.reply_rate": Figure("答复率", "%", "congress_replied"),
    "congress.handling_rate": Figure("办理率", "%", "congress_closed"),
    "congress.on_time_rate": Figure("按时答复率", "%", "congress_replied"),
    "congress.satisfaction_rate": Figure("满意率", "%", "congress_rated"),
    "congress.suggestions": Figure("意见建议", "条", "congress_suggestions"),
    "congress.suggestions_forwarded": Figure("转办意见建议", "条", "congress_suggestions"),
    "congress.suggestions_replied": Figure("已答复意见建议", "条", "congress_suggestions"),
    "congress.motions_passed": Figure("通过议案", "项", "congress_sessions"),
    # activities
    "activities.activities.total": Figure("组织活动", "项", "activities_live"),
    "activities.activities.by_organizer_kind.school": Figure("全校性活动", "项", "activities_school"),
    "activities.activities.by_organizer_kind.sub_union": Figure("分工会活动", "项", "activities_sub_union"),
    "activities.participants.total_person_times": Figure("参加活动", PERSON_TIMES, "activities_list"),
    "activities.participants.registered_person_times": Figure("报名参加活动", PERSON_TIMES, "activities_list"),
    "activities.participants.registered_persons": Figure("参加活动教职工", PERSONS, "activities_list"),
    "activities.participants.family_person_times": Figure("家属参加", PERSON_TIMES, "activities_list"),
    "activities.sub_unions.taking_part": Figure("参与的分工会", "个", "activities_list"),
    "activities.teams.teams": Figure("参赛队伍", "支", "activities_list"),
    "activities.teams.players": Figure("参赛队员", PERSONS, "activities_list"),
    "activities.teams.matches": Figure("比赛", "场", "activities_list"),
    "activities.awards.total": Figure("获奖", "项", "activities_awards"),
    "activities.awards.individual": Figure("个人获奖", "项", "activities_awards"),
    "activities.awards.team": Figure("团体获奖", "项", "activities_awards"),
    "activities.honors.total": Figure("荣誉", "项", "activities_honors"),
    "activities.honors.individual": Figure("个人荣誉", "项", "activities_honors"),
    "activities.honors.collective": Figure("集体荣誉", "项", "activities_honors"),
    "activities.spending.spent": Figure("活动支出", YUAN, "activities_list"),
    "activities.spending.sub_union_funds.allocated": Figure("分工会活动经费", YUAN, "activities_list"),
    "activities.spending.sub_union_funds.spent": Figure("分工会经费支出", YUAN, "activities_list"),
    "activities.interest_groups.count": Figure("兴趣小组", "个", "activities_groups"),
    "activities.interest_groups.members": Figure("兴趣小组成员", PERSONS, "activities_groups"),
    "activities.interest_groups.sessions": Figure("兴趣小组活动", "次", "activities_groups"),
    "activities.interest_groups.attendance_person_times": Figure("兴趣小组活动参加", PERSON_TIMES, "activities_groups"),
}

_UNIT_BY_SUFFIX = (
    ("person_times", PERSON_TIMES),
    ("persons", PERSONS),
    ("members", PERSONS),
    ("donors", PERSONS),
    ("players", PERSONS),
    ("_rate", "%"),
    ("rate", "%"),
    ("total", ""),
)


def figure_meta(key: str) -> Figure:
    if key in FIGURES:
        return FIGURES[key]
    last = key.rsplit(".", 1)[-1]
    for suffix, unit in _UNIT_BY_SUFFIX:
        if last.endswith(suffix):
            return Figure(last, unit)
    return Figure(last, "")


# --- links to the records a figure counts (traceability) ------------------------------------------

# name → (URL names to try, in order; query parameters). Every target list page honours ``org``
# (organisation code: that subtree, still within the user's own permissions) and ``start``/``end``
# (the report's period) where the link says ``"period": True``, and counts its records the way the
# figure does (welfare ledger: visits dated in the period; proposal list: proposals of sessions
# held in the period, by ``stage``/``status``/``rating``; activities: live activities starting in
# it). ``"year": True`` passes ``year=<start's year>`` to pages kept per year. The target views apply
# their own permissions: sensitive records stay hidden from those who may not read them.
_ALL = {"view": "all"}  # the committee's full list (all statuses), behind its own permission check
LINKS: dict[str, tuple[tuple[str, ...], dict]] = {
    "members_active": (("members:list",), {"status": "active"}),
    "members_union": (("members:list",), {"status": "active", "is_union_member": "true"}),
    "members_women": (("members:list",), {"status": "active", "gender": "female"}),
    "members_contract": (("members:list",), {"status": "active"}),
    "members_retired": (("members:list",), {"status": "retired"}),
    "members_all": (("members:list",), {}),
    "welfare_visits": (("welfare:ledger",), {"period": True}),
    "welfare_distributions": (("welfare:distributions",), {"period": True}),
    "welfare_plans": (("welfare:plans",), {"year": True}),
    "welfare_health": (("welfare:healthchecks",), {"period": True}),
    "welfare_hardship": (("welfare:hardship",), {}),
    "welfare_donations": (("welfare:donations",), {"period": True}),
    "welfare_services": (("welfare:services",), {"period": True}),
    "congress_proposals": (("congress:proposal_list",), {**_ALL, "period": True}),
    "congress_collected": (("congress:proposal_list",), {**_ALL, "stage": "collected", "period": True}),
    "congress_accepted": (("congress:proposal_list",), {"stage": "accepted", "period": True}),
    "congress_merged": (("congress:proposal_list",), {**_ALL, "status": "merged", "period": True}),
    "congress_to_suggestion": (("congress:proposal_list",), {**_ALL, "status": "to_suggestion", "period": True}),
    "congress_rejected": (("congress:proposal_list",), {**_ALL, "status": "rejected", "period": True}),
    "congress_assigned": (("congress:proposal_list",), {"stage": "assigned", "period": True}),
    "congress_replied": (("congress:proposal_list",), {"stage": "replied", "period": True}),
    "congress_closed": (("congress:proposal_list",), {"status": "closed", "period": True}),
    "congress_rated": (("congress:proposal_list",), {"stage": "rated", "period": True}),
    "congress_satisfied": (("congress:proposal_list",), {"rating": "satisfied", "period": True}),
    "congress_basic": (("congress:proposal_list",), {"rating": "basic", "period": True}),
    "congress_dissatisfied": (("congress:proposal_list",), {"rating": "dissatisfied", "period": True}),
    "congress_suggestions": (("congress:suggestion_list",), {}),
    "congress_sessions": (("congress:index",), {}),
    "activities_list": (("activities:index",), {"live": "1", "period": True}),
    "activities_live": (("activities:index",), {"live": "1", "period": True}),
    "activities_school": (("activities:index",), {"live": "1", "organizer_kind": "school", "period": True}),
    "activities_sub_union": (("activities:index",), {"live": "1", "organizer_kind": "sub_union", "period": True}),
    "activities_awards": (("activities:awards",), {}),
    "activities_honors": (("activities:honors",), {}),
    "activities_groups": (("activities:groups",), {}),
}


def figure_url(key: str, *, org: dict, start: str, end: str) -> str:
    """The list page of the records behind a figure, filtered to the report's unit and period."""
    meta = figure_meta(key)
    link = LINKS.get(meta.link) or (
        (f"{key.split('.', 1)[0]}:index",),
        {"period": True},
    )
    names, params = link
    for name in names:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        query = {k: v for k, v in params.items() if k not in ("period", "year")}
        if name.startswith("members:"):
            if org.get("kind") == "sub_union":
                query["sub_union"] = org.get("pk")
        else:
            query["org"] = org.get("code", "")
            if params.get("period"):
                query.update({"start": start, "end": end})
            if params.get("year") and start:
                query["year"] = str(start)[:4]
        return f"{url}?{urlencode(query)}" if query else url
    return ""


# --- formatting -------------------------------------------------------------------------------


def to_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def wan_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "REPORT_WAN_THRESHOLD", 10_000)))


def format_money(value) -> str:
    """≥ 10,000 元 → 万元 with two decimals (6.12万元); below → 元 without needless decimals."""
    amount = to_decimal(value) or Decimal(0)
    if abs(amount) >= wan_threshold():
        return f"{(amount / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}万元"
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{text}元"


def format_number(value) -> str:
    number = to_decimal(value)
    if number is None:
        return "—"
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


def format_value(key: str, value) -> str:
    """A figure with its unit, as the report prints it."""
    unit = figure_meta(key).unit
    if unit == YUAN:
        return format_money(value)
    return f"{format_number(value)}{unit}"


def format_yoy(key: str, current, previous) -> str:
    """同比 phrase against the previous period of the same length."""
    cur, prev = to_decimal(current), to_decimal(previous)
    if cur is None or prev is None:
        return "同比数据暂缺"
    if prev == 0:
        return "上年同期为零" if cur else "与上年同期持平"
    change = ((cur - prev) / prev * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if change > 0:
        return f"同比增长{change}%"
    if change < 0:
        return f"同比下降{-change}%"
    return "与上年同期持平"


def format_date(value) -> str:
    """2024年4月18日 (no zero padding)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


def format_period(start, end) -> str:
    return f"{format_date(start)}至{format_date(end)}"
