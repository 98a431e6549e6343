"""Generated sentences: wording that follows the figures of a report's snapshot.

A provider declares ``sentences = {name: fn(ctx) -> str}`` (``reports.providers.ReportProvider``);
a SENTENCE block with ``source="<label>.<name>"`` calls ``fn`` at build time with a
:class:`SentenceContext` and renders what it returns. The text keeps ``{figure}`` placeholders,
so values stay bound, highlighted and linked; "" means there is nothing to say.

Rules every generator follows (DOMAIN.md, "Truth in the report"):

- a clause whose figures are all zero or missing is left out (``ctx.n(key)`` is 0 for both);
- a figure a generator needs but the snapshot lacks (an older snapshot) makes it say less, never guess;
- a comparison is attached to the figure it describes and printed only when both periods are
  covered by records (:meth:`SentenceContext.comparable`), named by the period kind
  (``reports.periods.words(...).comparison``: 同比 / 与上一学年相比 / 与上届相比 / 与上期相比).

The module also holds :func:`drop_empty_clauses`, applied to every plain-text paragraph (user text
included): a clause holding a placeholder whose value is zero or missing is dropped, so the
document never shows "0次", "0项" or "（暂无数据）".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from . import figures as F
from . import periods

DEFAULT_MIN_COVERAGE = Decimal("0.75")
UNIT_NAMES = {"district": "区教育工会", "school": "学校工会", "sub_union": "分工会", "group": "工会小组"}


def min_coverage() -> Decimal:
    """``REPORT_COMPARISON_MIN_COVERAGE`` (share of the period's months with records), default 0.75."""
    return Decimal(str(getattr(settings, "REPORT_COMPARISON_MIN_COVERAGE", DEFAULT_MIN_COVERAGE)))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def format_change(comparison: str, current, previous) -> str:
    """"同比增长10.0%" / "与上一学年相比下降3.2%" / "与上届相比持平"; "" when there is no base."""
    cur, prev = F.to_decimal(current), F.to_decimal(previous)
    if cur is None or not prev:
        return ""
    change = ((cur - prev) / prev * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if change > 0:
        return f"{comparison}增长{change}%"
    if change < 0:
        return f"{comparison}下降{-change}%"
    return f"{comparison}持平"


class SentenceContext:
    """What a sentence generator reads: the snapshot's figures, period words, organisation kind.

    - ``current`` / ``previous``: ``{label: stats}`` of the period and of the previous period;
    - ``words``: :class:`reports.periods.PeriodWords` of the report's period kind;
    - ``org_kind``: "district" / "school" / "sub_union"; ``unit``: how the report names its own
      organisation in a sentence ("学校工会", "区教育工会", "分工会").
    """

    def __init__(self, snapshot: dict):
        figures = snapshot.get("figures") or {}
        self.current = figures.get("current") or {}
        self.previous = figures.get("previous") or {}
        period = figures.get("period") or {}
        self.start = _date(snapshot.get("start")) or _date(period.get("start")) or dt.date.today()
        self.end = _date(snapshot.get("end")) or _date(period.get("end")) or self.start
        prev = periods.previous_period(self.start, self.end)
        self.previous_start = _date(period.get("previous_start")) or prev[0]
        self.previous_end = _date(period.get("previous_end")) or prev[1]
        kind = snapshot.get("period_kind") or periods.guess_kind(self.start, self.end)
        self.words = periods.words(kind, self.start, self.end)
        org = snapshot.get("organization") or {}
        self.org_kind = org.get("kind") or "school"
        self.org_name = org.get("name") or ""
        self.unit = UNIT_NAMES.get(self.org_kind, "学校工会")

    @property
    def is_district(self) -> bool:
        return self.org_kind == "district"

    def value(self, key: str):
        """The current figure at a dotted key (``welfare.visits.count``), or None."""
        return F.lookup(self.current, key)

    def has(self, key: str) -> bool:
        """Whether the snapshot holds the figure at all (older snapshots lack the newer keys)."""
        return self.value(key) is not None

    def n(self, key: str) -> Decimal:
        """The current figure as a Decimal; 0 when zero or missing."""
        return F.to_decimal(self.value(key)) or Decimal(0)

    def schools(self) -> int | None:
        """How many schools a district's figures list (``members.by_school`` or ``by_school``), or None."""
        for key in ("members.by_school", "by_school"):
            rows = self.value(key)
            if isinstance(rows, list):
                return len(rows)
        return None

    def _coverage(self, tree: dict, label: str, start: dt.date, end: dt.date) -> Decimal | None:
        months = F.to_decimal(F.lookup(tree, f"{label}.coverage.months"))
        if months is None:
            return None
        total = F.to_decimal(F.lookup(tree, f"{label}.coverage.period_months")) or periods.months_between(start, end)
        return months / total if total else None

    def comparable(self, label: str) -> bool:
        """True when both periods have records in at least ``REPORT_COMPARISON_MIN_COVERAGE`` of their
        months (``<label>.coverage.months / period_months``); False when either is lower or unknown."""
        floor = min_coverage()
        for tree, start, end in ((self.current, self.start, self.end),
                                 (self.previous, self.previous_start, self.previous_end)):
            share = self._coverage(tree, label, start, end)
            if share is None or share < floor:
                return False
        return True

    def change(self, key: str) -> str:
        """The comparison phrase of the figure at ``key`` ("同比增长10.0%"), or "" when not comparable."""
        if not self.comparable(key.partition(".")[0]):
            return ""
        return format_change(self.words.comparison, self.value(key), F.lookup(self.previous, key))

    def compare(self, key: str) -> str:
        """A ``{key:cmp}`` placeholder when the figure can be compared, else "" (leave the clause out)."""
        return f"{{{key}:cmp}}" if self.change(key) else ""


def join(*clauses: str, sep: str = "，") -> str:
    """Non-empty clauses joined by ``sep``."""
    return sep.join(c for c in clauses if c)


def sentence(*clauses: str, sep: str = "，") -> str:
    """Non-empty clauses joined and closed with "。"; "" when all are empty."""
    text = join(*clauses, sep=sep)
    return text + "。" if text else ""


def listing(ctx: SentenceContext, parts: list[tuple[str, str]], sep: str = "、") -> str:
    """``[(words before the figure, placeholder key)]`` → "立案{k1}、并案{k2}" for the non-zero ones."""
    return sep.join(f"{head}{{{key}}}" for head, key in parts if ctx.n(key.split(":")[0]))


# --- the safety net for every paragraph ----------------------------------------------------------

_CLAUSE = re.compile(r"([，；、。！？])")
_ENDS = "。！？"


def _empty(key: str, mode: str | None, ctx: SentenceContext) -> bool:
    if mode in ("cmp", "yoy"):
        return not ctx.change(key)
    if mode == "prev":
        value = F.lookup(ctx.previous, key)
    else:
        value = F.lookup(ctx.current, key)
    number = F.to_decimal(value)
    if value is None or (number is None and not isinstance(value, str)):
        return True
    if number is None:
        return False
    return number == 0 and F.figure_meta(key).unit != "%"


def drop_empty_clauses(line: str, ctx: SentenceContext) -> str:
    """The line without the clauses (between ，；、。！？) whose placeholders have zero or missing values.

    The document never shows "0次", "0项" or "（暂无数据）": a user-written "全年召开教职工代表大会
    {congress.sessions}，共征集提案{congress.collected}。" with no session reads "共征集提案12项。";
    with nothing at all the line is left out. A percentage of 0 is kept (it is a rate, not a count);
    a comparison with no comparable base drops its clause. Lines without placeholders are unchanged.
    """
    if "{" not in line:
        return line
    pieces = _CLAUSE.split(line)
    out: list[str] = []
    for i in range(0, len(pieces), 2):
        piece = pieces[i]
        delim = pieces[i + 1] if i + 1 < len(pieces) else ""
        matches = list(F_PLACEHOLDER.finditer(piece))
        if matches and any(_empty(m.group(1), m.group(2), ctx) for m in matches):
            if delim and delim in _ENDS and out and out[-1] and out[-1][-1] in "，；、":
                out[-1] = out[-1][:-1] + delim
            continue
        if not piece.strip() and delim and delim not in _ENDS:
            continue
        if not piece.strip() and delim in _ENDS and (not out or out[-1][-1:] in _ENDS):
            continue
        out.append(piece + delim)
    text = "".join(out)
    return text if text.strip(" ，；、。！？") else ""


F_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?::(yoy|num|prev|cmp))?\}")


# --- the speech: sub-headings, numbered points, composites across providers -----------------------

SUBHEAD = "（）"
"""A generator starts a line with ``SUBHEAD`` for a （一） sub-heading; ``document.build`` numbers the
generated sub-headings of a section in order (and drops a lone one: a section with one topic needs none)."""

CHAIR_NOTE = "【请撰写】"
"""A line starting with this is a note to the chair (shown in the editor's preview, never printed):
the records give nothing to draft from, so the chair writes the part."""

POINT_ORDINALS = ("一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是")


def subhead(title: str, *body: str) -> str:
    """A （一） sub-heading line followed by its non-empty body lines; "" when the body is empty."""
    lines = [line for line in body if line]
    return "\n".join([SUBHEAD + title, *lines]) if lines else ""


def lines(*parts: str) -> str:
    """Non-empty parts, one paragraph each."""
    return "\n".join(p for p in parts if p)


def names(items, limit: int = 6, sep: str = "、") -> str:
    """Up to ``limit`` distinct non-empty names joined by ``sep``, in order."""
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return sep.join(seen[:limit])


def points(ctx: SentenceContext, name: str) -> list[str]:
    """Every provider's ``name`` generator (``"shortcomings"``, ``"plans"``), each line one point, in
    provider order (``reports.providers``): the records speak through their own apps."""
    from . import providers as P

    out: list[str] = []
    for provider in P.providers():
        generate = provider.sentences.get(name)
        if generate is not None:
            out.extend(line for line in (generate(ctx) or "").splitlines() if line.strip())
    return out


def numbered(intro: str, items: list[str]) -> str:
    """``intro`` and one paragraph per item led by "一是" "二是" …; "" without items."""
    if not items:
        return ""
    body = [f"{POINT_ORDINALS[i] if i < len(POINT_ORDINALS) else ''}{item}" for i, item in enumerate(items)]
    return "\n".join([intro, *body]) if intro else "\n".join(body)


def overview_sentence(ctx: SentenceContext) -> str:
    """The 总述 paragraph after "请予审议": what the period's work came to, from every provider's
    ``summary`` clause (each "" without records), in the seeds' words."""
    from .services import voice

    v = voice(ctx.org_kind)
    clauses = points(ctx, "summary")
    head = (f"{ctx.words.looking_back}，{v.unit}{v.led_by}，{v.centre}，团结带领广大教职工，"
            "积极履行“维护、建设、参与、教育”四项基本职能")
    if not clauses:
        return sentence(head, "圆满完成了各项工作任务") + f"现将{ctx.words.this}主要工作报告如下。"
    body = "；".join(clauses)
    return (sentence(head, f"{body}") + "工会组织的凝聚力和吸引力不断增强。"
            f"现将{ctx.words.this}主要工作报告如下。")


def shortcomings_sentence(ctx: SentenceContext) -> str:
    """存在的不足, drafted from the records (every provider's ``shortcomings`` lines), as starting
    text for the chair; a chair's note when the records show nothing to name."""
    items = points(ctx, "shortcomings")
    if not items:
        return (f"{CHAIR_NOTE}记录中没有可据以起草“存在的不足”的情况（如未开展活动的分工会、逾期答复的提案、"
                "逾期的必访慰问）。请主席结合实际撰写本部分，或取消显示本部分标题。")
    return numbered(f"回顾{ctx.words.looking_back}的工作，我们也清醒地看到，对照上级工会的要求和广大教职工的期待，"
                    "工作中还存在一些不足：", items)


def plans_sentence(ctx: SentenceContext) -> str:
    """今后工作思路, drafted from the records (every provider's ``plans`` lines) as starting text."""
    from .services import voice

    v = voice(ctx.org_kind)
    items = points(ctx, "plans")
    if not items:
        return (f"{CHAIR_NOTE}记录中没有可据以起草“今后工作思路”的内容。请主席结合上级工会部署和学校工作撰写本部分。")
    return numbered(f"{ctx.words.next}，{v.unit}将继续{v.led_by}，{v.centre}，针对存在的不足，重点做好以下几方面工作：",
                    items)


COMPOSITES = {
    "reports.overview": overview_sentence,
    "reports.shortcomings": shortcomings_sentence,
    "reports.plans": plans_sentence,
}
"""Generators that gather every provider's contributions (``summary``, ``shortcomings``, ``plans``):
a SENTENCE block with one of these sources renders them."""


def composite(source: str):
    """The composite generator of ``source`` (``"reports.overview"`` …), or None."""
    return COMPOSITES.get(source or "")
