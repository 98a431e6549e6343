"""What the staff congress gives the annual report: proposal and congress figures, tables, charts, links.

Registered in ``CongressConfig.ready()``; ``reports`` reads it through the registry. Proposals are
counted in 项, as the seeds write "共立案64项".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import TruncDate

from members.models import Organization
from reports.models import ReportBlock, ReportSection
from reports.providers import Chart, Column, Figure, Link, ReportProvider, Table, coverage_figures, month_coverage
from reports.sentences import join, listing, sentence

from .models import CongressSession, ProposalTransition, Suggestion
from .selectors import proposal_stats


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Congress figures for the annual report: sessions held in [start, end] in ``organization``'s subtree.

    Seven queries whatever the data size. Counts are numbers of proposals (件):

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
    - ``rehandled``: accepted proposals rated 不满意 in some round and so sent back (重办).
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
    - ``coverage``: ``{"months", "period_months"}``: calendar months of [start, end] with a session,
      a suggestion or any proposal step (``ProposalTransition``), and the months the period touches
      (``reports.providers.month_coverage``).
    """
    path = organization.path
    stats = proposal_stats(
        Q(congress__school__path__startswith=path, date__range=(start, end)),
        Q(school__path__startswith=path, submitted_on__range=(start, end)),
    )
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
    return stats


_OUTCOMES = (("accepted", "立案"), ("merged", "并案"), ("to_suggestion", "转为意见建议"),
             ("rejected", "不立案"), ("pending_review", "待审查"))
_RATINGS = (("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意"))


def derive(stats: dict) -> dict:
    """Add ``by_outcome`` and ``by_rating``: ``[{"label", "count"}]`` from the counts (no query)."""
    stats["by_outcome"] = [{"label": label, "count": stats.get(key) or 0} for key, label in _OUTCOMES]
    stats["by_rating"] = [{"label": label, "count": stats.get(key) or 0} for key, label in _RATINGS]
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
}

TABLES = {
    "accepted_by_category": Table("立案提案（按类别）", (Column("0", "类别"), Column("1", "项数", "项"))),
    "accepted_by_department": Table("立案提案（按承办部门）", (Column("0", "承办部门"), Column("1", "项数", "项"))),
    "by_outcome": Table("提案审查结果", (Column("label", "结果"), Column("count", "项数", "项"))),
}

CHARTS = {
    "by_outcome": Chart("提案审查结果", "label", "count", "项"),
    "by_rating": Chart("提案办理评价", "label", "count", "项"),
}

# Blocks of the default report, by section kind: generated sentences (``SENTENCES``), tables and charts.
B = ReportBlock.Kind
DEFAULT_BLOCKS = {
    ReportSection.Kind.DEMOCRACY: (
        (B.SENTENCE, "congress.proposals"),
        (B.SENTENCE, "congress.handling"),
        (B.SENTENCE, "congress.ratings"),
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


SENTENCES = {"proposals": proposals_sentence, "handling": handling_sentence, "ratings": ratings_sentence}

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
