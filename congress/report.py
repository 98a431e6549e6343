"""What the staff congress gives the annual report: proposal and congress figures, tables, charts, links.

Registered in ``CongressConfig.ready()``; ``reports`` reads it through the registry. Proposals are
counted in 项, as the seeds write "共立案64项".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate

from members.models import Organization
from reports.models import ReportBlock, ReportSection
from reports.providers import Chart, Column, Figure, Link, ReportProvider, Table, coverage_figures, month_coverage
from reports.sentences import join, listing, names, sentence, subhead

from .models import ACCEPTED_STATUSES, CongressSession, Motion, Proposal, ProposalTransition, Suggestion
from .selectors import disclosure_counts, proposal_stats


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Congress figures for the annual report: sessions held in [start, end] in ``organization``'s subtree.

    Eleven queries whatever the data size. Counts are numbers of proposals (件):

    - ``sessions``: congress sessions whose meeting date falls in the range.
    - ``collected``: proposals that reached the committee (submitted, or reviewed
      in any way; drafts and those still collecting co-signers are not counted).
    - ``pending_review``: submitted, not yet reviewed.
    - ``accepted``: 立案 (accepted, assigned, replied or closed).
    - ``merged``: 并案 into another proposal. ``to_suggestion``: 转为意见建议
      (including late ones). ``rejected``: 不立案.
    - ``assigned``: accepted and handed over (交办) at least once. ``unassigned``: accepted, not yet
      handed over (= accepted − assigned; "已全部交办" only when it is 0).
    - ``replied``: accepted proposals with at least one reply (答复).
    - ``on_time``: replied with the first reply on or before the current deadline.
    - ``closed``: 办结.
    - ``satisfied``, ``basically_satisfied``, ``dissatisfied``: the latest rating
      of each accepted proposal (满意 / 基本满意 / 不满意); ``rated`` their sum.
    - ``first_round``: ``{"satisfied", "basically_satisfied", "dissatisfied"}``: the ratings given in
      round 1 (``Feedback.round == 1``) of accepted proposals (首轮评价).
    - ``rehandled``: accepted proposals rated 不满意 in some round and so sent back (重办: a later round;
      a 不满意 imported from a past summary stays in round 1 and is not counted here).
      ``rehandled_then``: ``{"satisfied", "basically_satisfied", "dissatisfied", "pending"}``: their
      latest outcome: rated 满意 / 基本满意 after re-handling, closed while still 不满意, or still being
      re-handled (``pending``: latest rating 不满意, not closed). The four add up to ``rehandled``.
      "不满意0项" is true only when ``first_round.dissatisfied`` and ``rehandled`` are 0.
    - ``reply_rate`` (答复率) = replied / accepted; ``handling_rate`` (办理率) =
      closed / accepted; ``on_time_rate`` = on_time / replied;
      ``satisfaction_rate`` = (satisfied + basically_satisfied) / rated. Each a
      ``Decimal`` percentage with one decimal, or None when the divisor is 0.
    - ``accepted_by_category``: list of (category name, count), largest first
      ("未分类" for none). ``accepted_by_department``: list of (lead department
      name, count), largest first ("尚未交办" for none).
    - ``suggestions``: 意见建议 submitted in the range (by date submitted),
      ``suggestions_forwarded`` (转办), ``suggestions_replied`` (已答复).
    - ``motions``: list of dicts, one per motion voted at those sessions:
      ``title``, ``clauses``, ``voted_clauses``, ``passed_clauses``, ``passed``
      (every clause voted and passed), ``min_approval_rate`` and
      ``max_approval_rate`` (赞成/实到, % Decimal, None if not voted).
    - ``motions_passed``: how many motions passed in full.
    - ``session_list``: the sessions held, named, with what they passed (:func:`session_list`).
    - ``overdue_unreplied``: accepted proposals whose reply deadline fell before ``end`` and which had no
      reply by ``end`` (as of the period's end: a later reply does not change a finished period).
      ``late_replies`` (added by :func:`derive`): replied, but the first reply after the deadline
      (``replied - on_time``).
    - ``disclosure``: ``{"items", "by_category": [{"code", "label", "count"}]}``: 校务公开 items
      published in the range (withdrawn later or not), in all and by category
      (``selectors.disclosure_counts``).
    - ``coverage``: ``{"months", "period_months"}``: calendar months of [start, end] with a session,
      a suggestion or any proposal step (``ProposalTransition``), and the months the period touches
      (``reports.providers.month_coverage``).
    """
    path = organization.path
    stats = proposal_stats(
        Q(congress__school__path__startswith=path, date__range=(start, end)),
        Q(school__path__startswith=path, submitted_on__range=(start, end)),
    )
    stats["session_list"] = session_list(path, start, end)  # 2 queries
    stats["overdue_unreplied"] = Proposal.objects.filter(  # 1 query
        session__congress__school__path__startswith=path, session__date__range=(start, end),
        status__in=ACCEPTED_STATUSES, deadline__lt=end,
    ).filter(Q(first_reply_on__isnull=True) | Q(first_reply_on__gt=end)).count()
    stats["coverage"] = month_coverage(  # 1 query
        [
            (CongressSession.objects.filter(congress__school__path__startswith=path, date__range=(start, end)), "date"),
            (Suggestion.objects.filter(school__path__startswith=path, submitted_on__range=(start, end)),
             "submitted_on"),
            (ProposalTransition.objects.filter(
                proposal__session__congress__school__path__startswith=path, at__date__range=(start, end)
            ), TruncDate("at")),
        ],
        start,
        end,
    )
    stats["disclosure"] = disclosure_counts(path=path, start=start, end=end)  # 1 query
    return stats


_OUTCOMES = (("accepted", "立案"), ("merged", "并案"), ("to_suggestion", "转为意见建议"),
             ("rejected", "不立案"), ("pending_review", "待审查"))
_RATINGS = (("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意"))


def session_list(path: str, start: dt.date, end: dt.date) -> list[dict]:
    """The sessions held in [start, end] in the subtree, named, with the motions each passed. Two queries.

    ``[{"name": "第三届教职工代表大会第二次会议", "date", "month", "school", "motions": [{"title",
    "clauses", "passed_clauses", "passed", "min_approval_rate", "max_approval_rate"}]}]`` (rates:
    赞成/实到 %, one decimal, as text; None when not voted), by date.
    """
    sessions = list(
        CongressSession.objects.filter(congress__school__path__startswith=path, date__range=(start, end))
        .select_related("congress", "congress__school")
        .order_by("date", "pk")
    )
    motions = (
        Motion.objects.filter(session__in=[s.pk for s in sessions])
        .annotate(
            clause_count=Count("clauses", distinct=True),
            voted=Count("clauses__tally"),
            passed_clauses=Count("clauses__tally", filter=Q(clauses__tally__passed=True)),
            min_approval=Min("clauses__tally__approval_rate"),
            max_approval=Max("clauses__tally__approval_rate"),
        )
        .order_by("pk")
        .values("session_id", "title", "clause_count", "voted", "passed_clauses", "min_approval", "max_approval")
    )
    by_session: dict[int, list[dict]] = {}
    for m in motions:
        by_session.setdefault(m["session_id"], []).append({
            "title": m["title"], "clauses": m["clause_count"], "passed_clauses": m["passed_clauses"],
            "passed": m["voted"] > 0 and m["passed_clauses"] == m["clause_count"],
            "min_approval_rate": None if m["min_approval"] is None else f"{m['min_approval']:.1f}",
            "max_approval_rate": None if m["max_approval"] is None else f"{m['max_approval']:.1f}",
        })
    return [
        {"name": s.name, "date": s.date, "month": s.date.month, "school": s.congress.school.name,
         "motions": by_session.get(s.pk, [])}
        for s in sessions
    ]


def derive(stats: dict) -> dict:
    """Add ``by_outcome`` and ``by_rating`` (first-round ratings): ``[{"label", "count"}]`` from the counts, and ``late_replies``
    (no query)."""
    if "on_time" in stats and "replied" in stats:
        stats["late_replies"] = max((stats.get("replied") or 0) - (stats.get("on_time") or 0), 0)
    stats["by_outcome"] = [{"label": label, "count": stats.get(key) or 0} for key, label in _OUTCOMES]
    # The first round's ratings: the latest alone would show "不满意 0" after re-handling, which the
    # report must not say while any proposal was rated 不满意 (DOMAIN, "Truth in the report").
    first = stats.get("first_round") or {}
    source = first if any(first.get(key) for key, _ in _RATINGS) else stats
    stats["by_rating"] = [{"label": label, "count": source.get(key) or 0} for key, label in _RATINGS]
    return stats


# The proposal list counts proposals of sessions held in the period, by ``stage``/``status``/``rating``
# (``congress.views.STAGES``); ``view=all`` is the committee's full list (all statuses),
# behind its own permission check.
def _proposals(*, full: bool = False, **params: str) -> Link:
    return Link("congress:proposal_list", {"view": "all", **params} if full else params, period=True)


COLLECTED = _proposals(full=True, stage="collected")
ACCEPTED = _proposals(stage="accepted")
REPLIED = _proposals(stage="replied")
CLOSED = _proposals(status="closed")
RATED = _proposals(stage="rated")
SESSIONS = Link("congress:index", period=True)

FIGURES = {
    "sessions": Figure("教代会会议", "次", SESSIONS),
    "collected": Figure("征集提案", "项", COLLECTED),
    "accepted": Figure("立案", "项", ACCEPTED),
    "merged": Figure("并案", "项", _proposals(full=True, status="merged")),
    "to_suggestion": Figure("转为意见建议", "项", _proposals(full=True, status="to_suggestion")),
    "rejected": Figure("不立案", "项", _proposals(full=True, status="rejected")),
    "assigned": Figure("交办", "项", _proposals(stage="assigned")),
    # No list filter gives "accepted, never assigned" or "rated in round 1" / "re-handled" yet: no link.
    "unassigned": Figure("尚未交办", "项"),
    "replied": Figure("已答复", "项", REPLIED),
    "closed": Figure("办结", "项", CLOSED),
    "satisfied": Figure("满意", "项", _proposals(rating="satisfied")),
    "basically_satisfied": Figure("基本满意", "项", _proposals(rating="basic")),
    "dissatisfied": Figure("不满意", "项", _proposals(rating="dissatisfied")),
    "rated": Figure("已评价", "项", RATED),
    "first_round.satisfied": Figure("首轮评价满意", "项"),
    "first_round.basically_satisfied": Figure("首轮评价基本满意", "项"),
    "first_round.dissatisfied": Figure("首轮评价不满意", "项"),
    "rehandled": Figure("不满意重办", "项"),
    "rehandled_then.satisfied": Figure("重办后满意", "项"),
    "rehandled_then.basically_satisfied": Figure("重办后基本满意", "项"),
    "rehandled_then.dissatisfied": Figure("重办后仍不满意", "项"),
    "rehandled_then.pending": Figure("正在重办", "项"),
    **coverage_figures("教代会工作"),
    "reply_rate": Figure("答复率", "%"),
    "handling_rate": Figure("办理率", "%"),
    "on_time_rate": Figure("按时答复率", "%"),
    "satisfaction_rate": Figure("满意率", "%"),
    "suggestions": Figure("意见建议", "条"),
    "suggestions_forwarded": Figure("转办意见建议", "条"),
    "suggestions_replied": Figure("已答复意见建议", "条"),
    "motions_passed": Figure("通过议案", "项"),
    "disclosure.items": Figure("校务公开事项", "项"),  # no list states this total yet: no link
}

TABLES = {
    "accepted_by_category": Table("立案提案（按类别）", (Column("0", "类别"), Column("1", "项数", "项"))),
    "accepted_by_department": Table("立案提案（按承办部门）", (Column("0", "承办部门"), Column("1", "项数", "项"))),
    "by_outcome": Table("提案审查结果", (Column("label", "结果"), Column("count", "项数", "项"))),
    "disclosure.by_category": Table("校务公开事项（按类别）", (Column("label", "类别"), Column("count", "项数", "项"))),
}

CHARTS = {
    "by_outcome": Chart("提案审查结果", "label", "count", "项"),
    "by_rating": Chart("提案首轮评价", "label", "count", "项"),
}

# Blocks of the default report, by section kind: generated sentences (``SENTENCES``), tables and charts.
B = ReportBlock.Kind
DEFAULT_BLOCKS = {
    ReportSection.Kind.DEMOCRACY: (
        (B.SENTENCE, "congress.sessions"),
        (B.SENTENCE, "congress.proposal_work"),
        (B.TABLE, "congress.accepted_by_category"),
        (B.CHART, "congress.by_rating"),
    ),
}

_REVIEW = [("立案", "congress.accepted"), ("并案", "congress.merged"), ("转为意见建议", "congress.to_suggestion"),
           ("不立案", "congress.rejected")]


def _counted(ctx, parts: list[tuple[str, str, str]]) -> str:
    """"满意12项、基本满意2项" from ``[(words, key, unit)]``: bare numbers (``:num``) with the unit
    written here, so figures a provider has not declared yet still print their unit; zeros left out."""
    return "、".join(f"{head}{{{key}:num}}{unit}" for head, key, unit in parts if ctx.n(key))


def proposals_sentence(ctx) -> str:
    """"全年召开教职工代表大会1次，共征集提案30项，经提案工作委员会审查，立案23项、并案4项、转为意见建议3项。"
    (clauses with zero counts left out; "本学年"/"本届" by period kind)."""
    sessions = f"{ctx.words.this}召开教职工代表大会{{congress.sessions}}" if ctx.n("congress.sessions") else ""
    collected = "共征集提案{congress.collected}" if ctx.n("congress.collected") else ""
    review = listing(ctx, _REVIEW)
    return sentence(sessions, collected, f"经提案工作委员会审查，{review}" if review else "")


def handling_sentence(ctx) -> str:
    """Assignment and replies. "立案提案已全部交办" only when ``congress.unassigned`` is 0 (and the
    snapshot has it); else "已交办21项，2项正在交办"; "答复率" only when something was replied."""
    if not ctx.n("congress.accepted"):
        return ""
    assigned = ""
    if ctx.has("congress.unassigned") and not ctx.n("congress.unassigned") and ctx.n("congress.assigned"):
        assigned = "立案提案已全部交办"
    elif ctx.n("congress.assigned"):
        assigned = "已交办{congress.assigned}"
        if ctx.n("congress.unassigned"):
            assigned += "，{congress.unassigned:num}项正在交办"
    elif ctx.n("congress.unassigned"):
        assigned = "立案提案正在交办"
    replied = "答复率{congress.reply_rate}" if ctx.n("congress.replied") else ""
    return sentence(assigned, replied)


def _first_round(ctx) -> str:
    ratings = _counted(ctx, [("满意", "congress.first_round.satisfied", "项"),
                             ("基本满意", "congress.first_round.basically_satisfied", "项"),
                             ("不满意", "congress.first_round.dissatisfied", "项")])
    return f"首轮评价{ratings}" if ratings else ""


def _rehandled(ctx) -> str:
    if not ctx.n("congress.rehandled"):
        return ""
    if ctx.n("congress.rehandled") == ctx.n("congress.first_round.dissatisfied"):
        head = "不满意的已重新交办"
    else:
        head = "评价不满意的{congress.rehandled:num}项已重新交办"
    outcome = _counted(ctx, [("满意", "congress.rehandled_then.satisfied", "项"),
                             ("基本满意", "congress.rehandled_then.basically_satisfied", "项"),
                             ("仍不满意", "congress.rehandled_then.dissatisfied", "项")])
    pending = ("{congress.rehandled_then.pending:num}项正在重新办理"
               if ctx.n("congress.rehandled_then.pending") else "")
    then = join(f"再次评价{outcome}" if outcome else "", pending, sep="，")
    return join(head, f"其中{then}" if then else "")


def ratings_sentence(ctx) -> str:
    """Ratings by round: "首轮评价满意12项、基本满意2项、不满意7项，不满意的已重新交办，其中再次评价满意5项，
    2项正在重新办理。" Without round figures (an older snapshot) only the latest ratings, named as such,
    and "不满意" only when some remain: never "不满意0项"."""
    if ctx.has("congress.first_round.satisfied") or ctx.has("congress.rehandled"):
        return sentence(_first_round(ctx), _rehandled(ctx))
    latest = listing(ctx, [("满意", "congress.satisfied"), ("基本满意", "congress.basically_satisfied"),
                           ("不满意", "congress.dissatisfied")])
    return sentence(f"目前已评价的提案中，{latest}" if latest else "")


def _motion_clause(m: dict) -> str:
    """"表决通过了《…》，8条条款均以93.8%以上的赞成率通过" (only what the tallies establish)."""
    title = m["title"] if "《" in m["title"] else f"《{m['title']}》"
    if not m.get("passed"):
        return f"对{title}进行了表决" if m.get("passed_clauses") else ""
    rate = m.get("min_approval_rate")
    if m.get("clauses", 0) > 1 and rate:
        return f"表决通过了{title}，{m['clauses']}条条款均以{rate}%以上的赞成率通过"
    return f"表决通过了{title}" + (f"，赞成率{rate}%" if rate else "")


def sessions_sentence(ctx) -> str:
    """（一）The sessions held, by name (届次), and the documents they passed with their approval rates."""
    rows = ctx.value("congress.session_list")
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    if not rows:
        return ""
    out = []
    for r in rows[:3]:
        school = f"{r['school'].removesuffix('工会')}" if ctx.is_district else "学校"
        month = f"{r['month']}月，" if r.get("month") else ""
        motions = "，".join(c for c in (_motion_clause(m) for m in r.get("motions") or []) if c)
        heard = "听取审议了学校工作报告、工会工作报告和提案工作报告"
        out.append(f"{month}{school}召开{r['name']}，{heard}" + (f"，{motions}" if motions else "") + "。")
    out.append("与会代表认真履职，谈问题、提建议，大会切实起到了发扬民主、汇聚民智、凝聚人心的重要作用，"
               "保障了教职工对涉及切身利益事项的知情权、参与权、表达权和监督权。")
    return subhead("坚持教代会制度，开好教职工代表大会", "".join(out))


def _categories(ctx) -> str:
    rows = ctx.value("congress.accepted_by_category")
    if not isinstance(rows, list):
        return ""
    cats = names([r[0] for r in rows if isinstance(r, list) and r and r[0] != "未分类"], 4)
    return f"立案提案涉及{cats}等教职工关心的热点和难点问题" if cats else ""


def _departments(ctx) -> str:
    rows = ctx.value("congress.accepted_by_department")
    if not isinstance(rows, list):
        return ""
    depts = names([r[0] for r in rows if isinstance(r, list) and r and r[0] != "尚未交办"], 4)
    return f"由{depts}等部门牵头办理" if depts else ""


def proposal_work_sentence(ctx) -> str:
    """（二）The proposals' path: collected and reviewed, what they concern, handed over, replied, rated by
    round; suggestions forwarded. Each clause only with records (the truth rules of each part)."""
    review = proposals_sentence(ctx)
    about = sentence(_categories(ctx), _departments(ctx))
    handled = handling_sentence(ctx)
    ratings = ratings_sentence(ctx)
    suggestions = ""
    if ctx.n("congress.suggestions_forwarded"):
        suggestions = "对教职工提出的意见建议，及时转交有关部门办理"
        if ctx.n("congress.suggestions_replied") == ctx.n("congress.suggestions_forwarded"):
            suggestions += "，均已答复"
        suggestions += "。"
    body = "".join(p for p in (review, about, handled, ratings, suggestions) if p)
    if not body:
        return ""
    return subhead("高效推动提案办理，做好意见建议征集", "工会参与提案的征集、审查、交办、督办等各个环节。" + body)


def summary_sentence(ctx) -> str:
    """The overview's clause (for ``reports.overview``): the sessions held and the proposals accepted."""
    rows = ctx.value("congress.session_list")
    named = names([r["name"] for r in rows if isinstance(r, dict)], 2) if isinstance(rows, list) else ""
    held = f"召开{named}" if named and not ctx.is_district else (
        "召开教职工代表大会{congress.sessions}" if ctx.n("congress.sessions") else "")
    accepted = "认真做好提案工作" if ctx.n("congress.accepted") else ""
    return join(held, accepted)


def shortcomings_sentence(ctx) -> str:
    """Points for 存在的不足: proposals answered late or not yet, re-handled, not yet handed over."""
    parts = []
    late = int(ctx.n("congress.late_replies"))
    overdue = int(ctx.n("congress.overdue_unreplied"))
    if late:
        parts.append(f"有{late}项提案未能在答复期限内答复")
    if overdue:
        parts.append(f"有{overdue}项提案超过答复期限仍未答复")
    if ctx.n("congress.rehandled"):
        parts.append(f"有{int(ctx.n('congress.rehandled'))}项提案首轮评价不满意、经重新办理")
    if ctx.n("congress.unassigned"):
        parts.append(f"尚有{int(ctx.n('congress.unassigned'))}项立案提案未交办")
    if not parts:
        return ""
    return "提案办理的质量和效率还需提高，" + "，".join(parts) + "，提案督办和跟踪问效还需加强。"


def plans_sentence(ctx) -> str:
    """Points for 今后工作思路 on democratic management, answering the records."""
    out = []
    if ctx.n("congress.sessions") or ctx.n("congress.accepted"):
        out.append("坚持和完善教职工代表大会制度，开好教代会，凡涉及教职工切身利益的重要事项，"
                   "均提交教代会审议，推进校务公开，保障教职工的民主权利。")
    if ctx.n("congress.late_replies") or ctx.n("congress.overdue_unreplied") or ctx.n("congress.rehandled"):
        out.append("进一步规范提案办理，严格落实答复期限，加强督办和回访，提高提案办理的质量和满意度。")
    return "\n".join(out)


SENTENCES = {
    "proposals": proposals_sentence,
    "handling": handling_sentence,
    "ratings": ratings_sentence,
    "sessions": sessions_sentence,
    "proposal_work": proposal_work_sentence,
    "summary": summary_sentence,
    "shortcomings": shortcomings_sentence,
    "plans": plans_sentence,
}

PROVIDER = ReportProvider(
    label="congress",
    report_stats=report_stats,
    figures=FIGURES,
    tables=TABLES,
    charts=CHARTS,
    derive=derive,
    default_blocks=DEFAULT_BLOCKS,
    sentences=SENTENCES,
    index=None,  # an undeclared figure gets no link: no list states its total
)
