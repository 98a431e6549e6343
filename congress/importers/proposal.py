"""Importing a past 提案汇总表 (the staff congress's proposal summary) as proposals with their outcome.

A real summary looks like::

    第三届教代会第二次会议提案汇总表                       ← title row (may name the session)
    序号 | 立案号 | 案由 | 提案人 | 附议人 | 类别 | 处理意见 | 承办部门 | 答复内容 | 答复日期 | 办理结果 | 状态
    1    | 2023-001 | 关于… | 张伟 | 李娜、王强 | 后勤保障 | 立案 | 总务处 | 已… | 2023/5/10 | 满意 | 办结

**Which session.** Each row's session is, in order: its 会议 cell (``第三届第二次``, ``三届二次``,
``第三届教代会第二次会议``; 教代会/工代会/双代会 pick the congress kind when a school has several with
that number); else the session the file's title rows name; else one session for the whole file: the
first session held on or after the latest 提交日期 in the file, or, without 提交日期, the latest session
held on or before the earliest 答复日期. A session the school does not have is a row (or file) error;
a row whose session cannot be determined is a row error.

**Who.** The 提案人 (第一提案人) is matched by 工号, or by a name unique in the school
(``members.matching.MemberMatcher``: an unknown or ambiguous name is a row error listing the
candidates). A proposer without a seat in that term gets a 正式代表 seat (only representatives make
proposals, so the file is evidence of the seat; the preview counts the seats to be added). 附议人 are
names separated by 、，,；; or spaces; each one found uniquely in the school becomes a confirmed
co-signature (with a seat, as above); a name not found, or shared by several colleagues, is skipped and
listed as a warning on the preview, never an error: co-signers do not change any figure.

**Outcome.** 处理意见 (立案 / 不立案 / 并案 / 转为意见建议) and 状态 (办结 / 已答复 / 已交办 / 已立案 …)
give the proposal's status; without a 状态 an accepted proposal is 办结 when it has a 评价, 已答复 when it
has a reply, 已交办 when it has a 承办部门, else 已立案. A 评价 (满意 / 基本满意 / 不满意) is the round-1
feedback and the latest rating. Dates the file lacks are the session's date (review, hand-over);
replies and closing are dated by 答复日期 (required once replied). A replied proposal's 答复期限 is the
file's, else its 答复日期: a summary without deadlines records no lateness, so the report must not
claim any (按时答复). A proposal still open (已立案 / 已交办) is imported without a deadline (the file's
is kept in the history note), so no reminder or 催办 fires for history. A 不满意 stays in round 1: the
summary does not say it was re-handled, and the report counts 重办 only for proposals sent to a later
round.

**No live workflow.** Records are written directly (bulk), with ``ProposalTransition`` steps dated in
the past whose notes begin with 历史导入: no e-mail, notice or reminder; 转为意见建议 does not create an
意见建议 (what became of it is not in the summary). Unknown 类别 are created inactive (kept for the
history, not offered in today's forms).

**Natural key.** (session, 立案号) when the row gives a 立案号 (提案号), else (session, 案由): a row whose
key already exists is skipped, never updated; the same key twice in one file is a row error. 序号 is the
row's position in the printed table and is ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.access import import_school, nodes_for
from members.matching import MemberMatcher
from members.models import Department, ImportBatch, Member, Organization, Role
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.messages import source_text
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    import_finish,
    register,
)
from union_portal.lib.tabular import RowError, TableFileError, clean_name, fold

from ..models import (
    ACCEPTED_STATUSES,
    Congress,
    CongressSession,
    CoSignature,
    Feedback,
    Proposal,
    ProposalCategory,
    ProposalReply,
    ProposalStatus,
    ProposalTransition,
    Rating,
    Representative,
)

S = ProposalStatus

DECISIONS: dict[str, list[str]] = {
    S.ACCEPTED: ["立案", "同意立案", "予以立案", "准予立案", "已立案", "是"],
    S.REJECTED: ["不立案", "不予立案", "未立案", "否"],
    S.MERGED: ["并案", "并案处理", "合并", "合并办理", "已并案"],
    S.TO_SUGGESTION: ["转为意见建议", "转意见建议", "作为意见建议", "转为建议", "转建议", "意见建议"],
}
STATUSES: dict[str, list[str]] = {
    S.CLOSED: ["办结", "已办结", "完成", "已完成", "办理完毕", "已落实", "结案"],
    S.REPLIED: ["已答复", "答复", "待评价"],
    S.ASSIGNED: ["已交办", "交办", "办理中", "在办", "正在办理"],
    S.ACCEPTED: ["已立案", "立案", "待交办"],
    S.REJECTED: ["不立案", "不予立案"],
    S.MERGED: ["已并案", "并案"],
    S.TO_SUGGESTION: ["转为意见建议", "转意见建议"],
}
RATINGS: dict[str, list[str]] = {
    Rating.SATISFIED: ["满意", "非常满意", "很满意"],
    Rating.BASIC: ["基本满意", "比较满意", "较满意"],
    Rating.DISSATISFIED: ["不满意", "不太满意"],
}
KIND_WORDS = {
    "双代会": Congress.Kind.JOINT,
    "工代会": Congress.Kind.UNION,
    "教代会": Congress.Kind.STAFF,
    "教职工代表大会": Congress.Kind.STAFF,
}
NAME_SPLIT = re.compile(r"[、，,；;/\s]+")
PUNCT_SPLIT = re.compile(r"[、，,；;/]+")
OPEN = (S.ACCEPTED, S.ASSIGNED)
REPLIED = (S.REPLIED, S.CLOSED)
IMPORT_NOTE = "历史导入"
RATING_ZH = {Rating.SATISFIED: "满意", Rating.BASIC: "基本满意", Rating.DISSATISFIED: "不满意"}


def _not_after_today(day: dt.date) -> bool:
    return day <= timezone.localdate()


_DATE = columns.date(valid=_not_after_today, invalid="日期 {day:%Y-%m-%d} 晚于今天")


def _prose(*, max_length: int, too_long: str):
    """Chinese prose (案由, 理由, 答复…): trimmed, kept as written; ``columns.text`` would fold its full-width
    punctuation (，；：) to ASCII. Blank → ``""``."""

    def parse(raw: object) -> str:
        value = "" if raw is None else str(int(raw) if isinstance(raw, float) and raw.is_integer() else raw).strip()
        if len(value) > max_length:
            raise ValueError(too_long.format(max=max_length))
        return value

    return parse


_LONG = _prose(max_length=5000, too_long="内容过长（最多{max}字）")

# Validation order is the order errors are listed within a row.
COLUMNS = ColumnSpec(
    Column("session", "会议", ("届次会次", "届次/会次", "届/次", "所属会议", "会议名称", "会次", "届次"),
           parse=columns.text(max_length=60), default=""),
    Column("number", "立案号", ("提案号", "提案编号", "案号", "编号", "立案编号"),
           parse=columns.code(max_length=16, too_long="立案号过长（最多{max}个字符）"), default=""),
    Column("title", "案由", ("提案名称", "提案题目", "提案标题", "题目", "标题", "提案案由"), required=True,
           parse=_prose(max_length=200, too_long="案由过长（最多{max}字）"), blank_error="案由不能为空"),
    Column("staff_no", "工号", ("提案人工号", "第一提案人工号", "职工号", "教工号"), parse=columns.code(), default=""),
    Column("name", "提案人", ("第一提案人", "提案人姓名", "领衔人", "领衔代表", "姓名"), parse=columns.name(), default=""),
    Column("department", "提案人部门", ("所在部门", "部门", "提案人单位"), parse=columns.name(), default=""),
    Column("cosigners", "附议人", ("附议代表", "附议人姓名", "联名人", "附议"), default=""),
    Column("category", "类别", ("提案类别", "分类", "类型"), parse=columns.name(max_length=50), default=""),
    Column("submitted_on", "提交日期", ("提案日期", "提出日期", "提交时间"), parse=_DATE),
    Column("reasons", "理由", ("提案理由", "案据", "问题与理由", "情况分析"), parse=_LONG, default=""),
    Column("measures", "建议措施", ("建议", "具体建议", "办法措施", "解决办法", "措施"), parse=_LONG, default=""),
    Column("decision", "处理意见", ("审查结果", "审查意见", "立案情况", "是否立案", "审查情况"),
           parse=columns.choice(DECISIONS, "处理意见")),
    Column("decision_note", "审查说明", ("不立案理由", "处理说明", "审查理由"), parse=_LONG, default=""),
    Column("merged_into", "并入提案", ("并入", "并入立案号", "并案至"), parse=columns.code(max_length=16), default=""),
    Column("lead_department", "承办部门", ("主办部门", "承办单位", "主办单位", "办理部门", "责任部门", "承办处室"),
           parse=columns.name(max_length=100), default=""),
    Column("co_departments", "协办部门", ("协办单位", "协办处室"), default=""),
    Column("deadline", "答复期限", ("办理期限", "期限"), parse=columns.date()),
    Column("reply", "答复内容", ("办理情况", "答复意见", "办理答复", "答复", "落实情况"), parse=_LONG, default=""),
    Column("replied_on", "答复日期", ("答复时间", "回复日期", "办理日期", "办复日期"), parse=_DATE),
    Column("rating", "评价", ("办理结果", "满意度", "提案人评价", "代表评价", "反馈意见", "代表意见"),
           parse=columns.choice(RATINGS, "评价")),
    Column("status", "状态", ("办理状态", "办结情况", "是否办结", "当前状态"), parse=columns.choice(STATUSES, "状态")),
    any_of=(("name", "staff_no"),),
)  # fmt: skip


# --- Sessions ---------------------------------------------------------------------------------------

_NUMERAL = "零一二三四五六七八九"
_ORDINAL = r"第?\s*([0-9零一二三四五六七八九十]+)\s*"


def parse_numeral(text: str) -> int | None:
    """``3``/``三``/``十二``/``二十三`` → int; None when it is not a number."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        if (tens and tens not in _NUMERAL) or (ones and ones not in _NUMERAL) or len(tens) > 1 or len(ones) > 1:
            return None
        return (_NUMERAL.index(tens) if tens else 1) * 10 + (_NUMERAL.index(ones) if ones else 0)
    return _NUMERAL.index(text) if len(text) == 1 and text in _NUMERAL else None


@dataclass(frozen=True)
class SessionRef:
    """A session named in the file: term (届), meeting (次) and the congress kind when the text says it."""

    term: int
    meeting: int
    kind: str | None
    text: str


def parse_session(text: str) -> SessionRef | None:
    """``第三届第二次`` / ``三届二次`` / ``第3届教代会第2次会议`` / ``3-2`` → SessionRef; None when it names none."""
    folded = re.sub(r"\s+", "", fold(text))
    m = re.search(_ORDINAL + r"届.*?" + _ORDINAL + r"次", folded) or re.fullmatch(r"(\d+)[-－.](\d+)", folded)
    if not m:
        return None
    term, meeting = parse_numeral(m[1]), parse_numeral(m[2])
    if not term or not meeting:
        return None
    kind = next((k for word, k in KIND_WORDS.items() if word in folded), None)
    return SessionRef(term, meeting, kind, folded)


class Sessions:
    """The school's congress sessions (one query), found by a ``SessionRef`` or by dates."""

    def __init__(self, school: Organization):
        self.all = list(
            CongressSession.objects.filter(congress__school=school).select_related("congress").order_by("date", "pk")
        )

    def find(self, ref: SessionRef) -> tuple[CongressSession | None, str]:
        """The session ``ref`` names, or None and the Chinese reason."""
        found = [
            s
            for s in self.all
            if s.congress.number == ref.term
            and s.number == ref.meeting
            and (ref.kind is None or s.congress.kind == ref.kind)
        ]
        if len(found) == 1:
            return found[0], ""
        if found:
            kinds = "、".join(s.congress.get_kind_display() for s in found)
            return None, f"“{ref.text}”对应多个会议（{kinds}），请写明教代会、工代会或双代会"
        known = "、".join(f"第{s.congress.number}届第{s.number}次" for s in self.all[-6:]) or "（尚未建立任何会议）"
        return None, f"本校没有“{ref.text}”这次会议，已有：{known}；请先在教代会页面建立该届次和会议"

    def by_dates(self, submitted: list[dt.date], replied: list[dt.date]) -> CongressSession | None:
        """The file's one session when no row or title names it (see the module docstring)."""
        if submitted:
            latest = max(submitted)
            return next((s for s in self.all if s.date >= latest), None)
        if replied:
            earliest = min(replied)
            return next((s for s in reversed(self.all) if s.date <= earliest), None)
        return None


def title_text(table) -> str:
    """The text of the rows above the header (the summary's title, ``tabular.Table.preamble``), joined; '' when none."""
    return " ".join(table.preamble)


# --- Row checks ---------------------------------------------------------------------------------------


def _lookup(name: str, by_name: dict[str, object]):
    """Exact (cleaned) name, else the one name containing it or contained in it; None otherwise."""
    if name in by_name:
        return by_name[name]
    near = [obj for key, obj in by_name.items() if name in key or key in name]
    return near[0] if len(near) == 1 else None


def _derived(values: dict) -> str:
    """An accepted proposal's status without a 状态 cell: 办结 when rated, 已答复 when replied, 已交办 when
    handed to a department, else 已立案."""
    if values.get("rating"):
        return S.CLOSED
    if values.get("reply") or values.get("replied_on"):
        return S.REPLIED
    return S.ASSIGNED if values.get("lead_department") else S.ACCEPTED


class _ProposalCheck:
    """The summary's domain checks on a parsed row (``columns.validate_rows`` calls it per row)."""

    def __init__(self, school: Organization, sessions: Sessions, title_session: CongressSession | None):
        self.sessions = sessions
        self.title_session = title_session
        self.members = MemberMatcher(school)
        self.departments = {clean_name(d.name): d for d in Department.objects.filter(school=school)}
        self.categories = {clean_name(c.name): c for c in ProposalCategory.objects.filter(school=school)}
        self.warnings: list[str] = []

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        self._session(row)
        values["member"] = self.members.match(row)
        values["cosigners"] = self._cosigners(row)
        name = values.get("category", "")
        values["category"] = _lookup(name, self.categories) if name else None
        values["new_category"] = name if name and values["category"] is None else ""
        values["lead_department"] = self._department(row, "lead_department", values.get("lead_department", ""))
        values["co_departments"] = [
            d
            for d in (
                self._department(row, "co_departments", n)
                for n in NAME_SPLIT.split(fold(values.get("co_departments", "")))
                if n
            )
            if d
        ]
        if "status" not in row.error_keys() and "decision" not in row.error_keys():
            values["final"] = self._status(row)

    def _session(self, row: Row) -> None:
        text = row.values.pop("session", "")
        row.values["session"] = self.title_session
        if not text:
            return
        ref = parse_session(text)
        if ref is None:
            row.error("session", f"会议“{text}”无法识别，请写成“第三届第二次”的形式")
            return
        session, problem = self.sessions.find(ref)
        if problem:
            row.error("session", problem)
        row.values["session"] = session

    def _names(self, text: str) -> list[str]:
        """Co-signers' names: split at 、，,；;/, then at spaces only where the piece is not a name on the
        roll as it stands ("张 伟" is 张伟; "李娜 王强" is two people)."""
        names = []
        for piece in PUNCT_SPLIT.split(fold(text)):
            whole = clean_name(piece)
            if whole and (self.members.candidates(whole) or not re.search(r"\s", piece.strip())):
                names.append(whole)
            else:
                names += [clean_name(p) for p in piece.split() if p]
        return names

    def _cosigners(self, row: Row) -> list[Member]:
        found = []
        for name in self._names(row.values.get("cosigners", "")):
            candidates = self.members.candidates(name)
            if len(candidates) == 1:
                found.append(candidates[0])
            else:
                why = "名册中没有此人" if not candidates else f"名册中有 {len(candidates)} 位同名"
                self.warnings.append(f"第 {row.number} 行附议人“{name}”{why}，不记录该附议")
        return found

    def _department(self, row: Row, key: str, name: str) -> Department | None:
        name = clean_name(name)
        if not name:
            return None
        found = _lookup(name, self.departments)
        if found is None:
            known = "、".join(list(self.departments)[:10]) or "（本校尚未建立部门）"
            row.error(key, f"本校没有“{name}”这个部门，可填写：{known}")
        return found

    def _status(self, row: Row) -> str | None:
        """The status the row's 处理意见, 状态, 评价 and reply give (errors recorded on the row)."""
        v = row.values
        decision, status = v.get("decision"), v.get("status")
        handled = bool(v.get("reply") or v.get("replied_on") or v.get("rating") or v.get("lead_department"))
        if decision is None:
            decision = status if status in (S.REJECTED, S.MERGED, S.TO_SUGGESTION) else None
            if decision is None and (status or handled or v.get("number")):
                decision = S.ACCEPTED
        if decision is None:
            row.error("decision", "请填写处理意见：立案、不立案、并案或转为意见建议")
            return None
        if decision != S.ACCEPTED:
            return self._not_accepted(row, decision, status, handled)
        return self._accepted(row, status)

    @staticmethod
    def _accepted(row: Row, status: str | None) -> str:
        """An accepted proposal's status (the 状态 cell, else derived), checked against what the row gives."""
        v = row.values
        final = status if status in ACCEPTED_STATUSES else _derived(v)
        if status is not None and status not in ACCEPTED_STATUSES:
            row.error("status", f"处理意见为立案，状态却是“{source_text(S(status).label)}”")
        elif final in REPLIED and not v.get("replied_on"):
            row.error("replied_on", "已答复或办结的提案须填写答复日期")
        elif final != S.ACCEPTED and v.get("lead_department") is None and "lead_department" not in row.error_keys():
            row.error("lead_department", "已交办、答复或办结的提案须填写承办部门")
        elif final in OPEN and v.get("rating"):
            row.error("rating", f"状态为“{source_text(S(final).label)}”的提案还不能有评价")
        return final

    @staticmethod
    def _not_accepted(row: Row, decision: str, status: str | None, handled: bool) -> str:
        label = source_text(S(decision).label)
        if status is not None and status != decision:
            row.error("status", f"处理意见为“{label}”，状态却是“{source_text(S(status).label)}”")
        elif handled:
            row.error("decision", f"处理意见为“{label}”的提案不应有承办部门、答复或评价（说明可写在“审查说明”列）")
        if decision != S.MERGED and row.values.get("merged_into"):
            row.error("merged_into", "只有并案的提案才填写并入提案")
        return decision


# --- Validation of the whole file ---------------------------------------------------------------------------


@dataclass
class ProposalResult(RecordResult):
    """``RecordResult`` plus ``warnings``: co-signers skipped (Chinese lines; they change no figure)."""

    warnings: list[str] = field(default_factory=list)


def _key(values: dict) -> tuple:
    session_id = values["session"].pk
    return (session_id, "number", values["number"]) if values["number"] else (session_id, "title", values["title"])


class _FileChecks:
    """The checks across rows (``check(rows)`` → row errors): the session by dates, natural keys within the
    file and against the database (sets ``exists``), merge targets."""

    def __init__(self, sessions: Sessions, headers: dict):
        self.sessions = sessions
        self.headers = headers
        self.errors: list[RowError] = []
        self.known: dict[tuple, str] = {}  # natural key → status of the proposal already stored

    def error(self, values: dict, key: str, message: str) -> None:
        self.errors.append(RowError(values["row"], self.headers.get(key, COLUMNS.labels[key]), message))

    def check(self, rows: list[dict]) -> list[RowError]:
        placed = self._place(rows)
        self._keys(placed)
        self._merges(placed)
        return self.errors

    def _place(self, rows: list[dict]) -> list[dict]:
        """Rows without a session named take the file's session by dates; returns the rows with one."""
        fallback = self.sessions.by_dates(
            [r["submitted_on"] for r in rows if r.get("submitted_on")],
            [r["replied_on"] for r in rows if r.get("replied_on")],
        )
        for values in rows:
            values["session"] = values["session"] or fallback
            if values["session"] is None:
                self.error(values, "session", "无法确定所属会议：请加“会议”列（如“第三届第二次”）或在标题中写明，"
                           "或填写提交日期、答复日期")  # fmt: skip
        return [r for r in rows if r["session"] is not None]

    def _keys(self, placed: list[dict]) -> None:
        existing = Proposal.objects.filter(session__in={r["session"].pk for r in placed}).values_list(
            "session_id", "number", "title", "status"
        )
        for session_id, number, title, status in existing:
            self.known.setdefault((session_id, "title", title), status)
            if number:
                self.known[(session_id, "number", number)] = status
        seen: dict[tuple, int] = {}
        for values in placed:
            key = _key(values)
            if key in seen:
                column = "number" if values["number"] else "title"
                self.error(values, column, f"与第 {seen[key]} 行重复（同一会议的同一提案）")
            seen.setdefault(key, values["row"])
            values["exists"] = key in self.known

    def _merges(self, placed: list[dict]) -> None:
        in_file = {(r["session"].pk, r["number"]): r["final"] for r in placed if r["number"]}
        for values in placed:
            target = values.get("merged_into")
            if not target:
                continue
            session_id = values["session"].pk
            status = in_file.get((session_id, target)) or self.known.get((session_id, "number", target))
            if status not in ACCEPTED_STATUSES:
                self.error(values, "merged_into", f"同一会议中没有立案号为 {target} 的立案提案")


def proposal_validate(*, school: Organization, data: bytes, filename: str) -> ProposalResult:
    """Check every row without writing.

    ``rows`` are dicts: ``row``, ``session`` (CongressSession), ``number``, ``title``, ``member`` (the
    proposer), ``cosigners`` (Members), ``category`` (or ``new_category`` name), ``final`` (the
    ProposalStatus code), ``decision_note``, ``merged_into`` (立案号), ``lead_department``,
    ``co_departments``, ``reply``, ``submitted_on``/``replied_on``/``deadline`` (dates), ``rating``,
    ``reasons``, ``measures`` and ``exists`` (already imported by natural key). ``created`` counts what
    confirming writes; ``totals`` are the file's figures in 项 (proposals): 提案, 立案, 已答复, 满意,
    基本满意, 不满意.
    """
    result = ProposalResult()
    try:
        table = COLUMNS.read(data, filename)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    sessions = Sessions(school)
    title_session = None
    title_ref = parse_session(title_text(table))
    if title_ref is not None:
        title_session, problem = sessions.find(title_ref)
        if problem:
            result.file_error = "标题中的会议：" + problem
            return result
    check = _ProposalCheck(school, sessions, title_session)
    rows, result.errors = validate_rows(table, COLUMNS, check=check)
    result.rows = [r.values for r in rows]
    result.errors += _FileChecks(sessions, table.headers).check(result.rows)
    result.errors.sort(key=lambda e: e.row)
    result.warnings = check.warnings
    if result.ok:
        _count(result)
    return result


def _count(result: ProposalResult) -> None:
    """``created`` (what confirming writes) and ``totals`` (the whole file's figures)."""
    rows = result.rows
    result.totals = {
        "提案": len(rows),
        "立案": sum(1 for r in rows if r["final"] in ACCEPTED_STATUSES),
        "已答复": sum(1 for r in rows if r["final"] in REPLIED),
    }
    for code, label in RATING_ZH.items():
        result.totals[label] = sum(1 for r in rows if r.get("rating") == code)
    _created(result, [r for r in rows if not r["exists"]])


def _created(result: ProposalResult, new: list[dict]) -> None:
    """``created``: what confirming writes for the ``new`` rows (not yet present by natural key)."""
    result.skipped = len(result.rows) - len(new)
    result.count("提案", len(new))
    result.count("答复", sum(1 for r in new if r["final"] in REPLIED))
    result.count("评价", sum(1 for r in new if r.get("rating")))
    result.count("附议", sum(len({m.pk for m in r["cosigners"]} - {r["member"].pk}) for r in new))
    result.count("提案类别", len({r["new_category"] for r in new if r["new_category"]}))
    if new:
        result.count("代表席位", len(_seats_needed(new) - set(_seat_index({r["session"].congress_id for r in new}))))


# --- Writing ---------------------------------------------------------------------------------------------


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _seat_index(congress_ids: set[int]) -> dict[tuple[int, int], Representative]:
    """Existing seats of those congresses by (congress pk, member pk); one query."""
    seats = Representative.objects.filter(congress__in=congress_ids)
    return {(r.congress_id, r.member_id): r for r in seats}


def _seats_needed(rows: list[dict]) -> set[tuple[int, int]]:
    """(congress pk, member pk) of every proposer and co-signer of ``rows``."""
    return {(r["session"].congress_id, m.pk) for r in rows for m in (r["member"], *r["cosigners"])}


class _Writer:
    """Builds the records of the new rows, then writes them in bulk (no services: no live workflow)."""

    def __init__(self, school: Organization, filename: str, rows: list[dict]):
        self.school = school
        self.filename = filename
        self.rows = rows
        self.seats = _seat_index({r["session"].congress_id for r in rows})
        self.new_seats: list[Representative] = []
        self.categories: dict[str, ProposalCategory] = {}
        self.transitions: list[ProposalTransition] = []

    def _seats(self) -> None:
        """Give every proposer and co-signer without a seat in that term a 正式代表 seat."""
        for congress_id, member_id in sorted(_seats_needed(self.rows) - set(self.seats)):
            seat = Representative(congress_id=congress_id, member_id=member_id, kind=Representative.Kind.FORMAL)
            self.new_seats.append(seat)
            self.seats[(congress_id, member_id)] = seat
        Representative.objects.bulk_create(self.new_seats)

    def seat(self, session: CongressSession, member: Member) -> Representative:
        return self.seats[(session.congress_id, member.pk)]

    def category(self, values: dict) -> ProposalCategory | None:
        name = values["new_category"]
        if not name:
            return values["category"]
        if name not in self.categories:
            self.categories[name] = ProposalCategory.objects.create(school=self.school, name=name, is_active=False)
        return self.categories[name]

    def log(self, proposal: Proposal, frm: str, to: str, action: str, at: dt.datetime, note: str) -> None:
        self.transitions.append(ProposalTransition(
            proposal=proposal, from_status=frm, to_status=to, action=action, at=at,
            note=f"{IMPORT_NOTE}（{self.filename}）" + (f"：{note}" if note else ""),
        ))  # fmt: skip

    def proposal(self, values: dict) -> Proposal:
        session, final = values["session"], values["final"]
        meeting = _noon(session.date)
        replied = values.get("replied_on") if final in REPLIED else None
        handed = final in (S.ASSIGNED, *REPLIED)
        deadline = None
        if replied:  # without the file's 答复期限, the reply date: the summary records no lateness
            deadline = values.get("deadline") or replied
        return Proposal(
            session=session, number=values["number"], title=values["title"], category=self.category(values),
            reasons=values["reasons"], measures=values["measures"],
            proposer=self.seat(session, values["member"]), status=final, decision_note=values["decision_note"],
            submitted_at=_noon(values["submitted_on"]) if values.get("submitted_on") else meeting,
            reviewed_at=meeting,
            lead_department=values["lead_department"] if final in ACCEPTED_STATUSES else None,
            suggested_department=values["lead_department"],
            assigned_at=meeting if handed else None, acknowledged_at=meeting if handed else None,
            deadline=deadline, first_reply_on=replied, replied_at=_noon(replied) if replied else None,
            rating=values.get("rating") or "", closed_at=_noon(replied) if final == S.CLOSED else None,
        )  # fmt: skip

    def history(self, p: Proposal, values: dict) -> None:
        """The steps the summary records, dated in the past, each noted 历史导入."""
        decision = S.ACCEPTED if p.status in ACCEPTED_STATUSES else p.status
        action = {S.ACCEPTED: "accept", S.REJECTED: "reject", S.MERGED: "merge", S.TO_SUGGESTION: "to_suggestion"}
        note = f"立案，编号 {p.number}" if decision == S.ACCEPTED and p.number else values["decision_note"]
        self.log(p, S.SUBMITTED, decision, action[decision], p.reviewed_at, note)
        if p.assigned_at:
            note = f"主办：{p.lead_department.name}"
            if p.deadline:
                note += (
                    f"；期限 {p.deadline:%Y-%m-%d}" if values.get("deadline") else "；原表未载答复期限，按答复日期记"
                )
            if p.status in OPEN and values.get("deadline"):
                note += f"；原表答复期限 {values['deadline']:%Y-%m-%d}（历史记录不设期限、不催办）"
            self.log(p, S.ACCEPTED, S.ASSIGNED, "assign", p.assigned_at, note)
        if p.replied_at:
            self.log(p, S.ASSIGNED, S.REPLIED, "reply", p.replied_at, "第1轮答复")
        if p.rating:
            to = S.CLOSED if p.status == S.CLOSED else S.REPLIED
            self.log(p, S.REPLIED, to, "rate", p.closed_at or p.replied_at, RATING_ZH[p.rating])
        elif p.status == S.CLOSED:
            self.log(p, S.REPLIED, S.CLOSED, "close", p.closed_at, "办结")

    def write(self) -> list[Proposal]:
        """Write every record of ``rows``; returns the proposals (with pks)."""
        self._seats()
        pairs = [(self.proposal(values), values) for values in self.rows]
        proposals = Proposal.objects.bulk_create([p for p, _ in pairs])
        made: dict[str, list] = {"replies": [], "feedbacks": [], "cosignatures": [], "co": []}
        for p, values in pairs:
            self._related(p, values, made)
            self.history(p, values)
        ProposalReply.objects.bulk_create(made["replies"])
        Feedback.objects.bulk_create(made["feedbacks"])
        CoSignature.objects.bulk_create(made["cosignatures"])
        Proposal.co_departments.through.objects.bulk_create(made["co"])
        ProposalTransition.objects.bulk_create(self.transitions)
        self._merge(pairs)
        return proposals

    def _related(self, p: Proposal, values: dict, made: dict) -> None:
        if p.replied_at:
            made["replies"].append(ProposalReply(
                proposal=p, round=1, department=p.lead_department, text=values["reply"] or "（原表未载答复内容）",
                replied_at=p.replied_at,
            ))  # fmt: skip
        if p.rating:
            made["feedbacks"].append(
                Feedback(proposal=p, round=1, rating=p.rating, rated_at=p.closed_at or p.replied_at)
            )
        for member in dict.fromkeys(values["cosigners"]):
            if member.pk != values["member"].pk:
                made["cosignatures"].append(CoSignature(
                    proposal=p, representative=self.seat(p.session, member), status=CoSignature.Status.CONFIRMED,
                    confirmed_at=p.submitted_at,
                ))  # fmt: skip
        if p.lead_department_id:
            through = Proposal.co_departments.through
            made["co"] += [
                through(proposal_id=p.pk, department_id=d.pk)
                for d in dict.fromkeys(values["co_departments"])
                if d.pk != p.lead_department_id
            ]

    @staticmethod
    def _merge(pairs: list[tuple[Proposal, dict]]) -> None:
        merged = [(p, v) for p, v in pairs if v.get("merged_into")]
        if not merged:
            return
        numbers = {
            (p.session_id, p.number): p.pk
            for p in Proposal.objects.filter(session__in={p.session_id for p, _ in merged}).exclude(number="")
        }
        for p, values in merged:
            p.merged_into_id = numbers[(p.session_id, values["merged_into"])]
        Proposal.objects.bulk_update([p for p, _ in merged], ["merged_into"])


@transaction.atomic
def proposal_import(
    *,
    school: Organization,
    data: bytes,
    filename: str,
    acting_user=None,
    request=None,
    batch: ImportBatch | None = None,
    dry_run: bool = False,
) -> ProposalResult:
    """Validate and, when every row is clean, write the new rows' proposals with their history in one
    transaction (see the module docstring), mark them imported with ``batch`` and audit the import.
    Rows already present by natural key are skipped. Returns the ``ProposalResult``."""
    result = proposal_validate(school=school, data=data, filename=filename)
    if not result.ok or dry_run:
        return result
    writer = _Writer(school, filename, [r for r in result.rows if not r["exists"]])
    proposals = writer.write()
    import_finish(result, kind="proposal", records=[*proposals, *writer.new_seats], batch=batch, school=school, filename=filename,
                  acting_user=acting_user, request=request)  # fmt: skip
    return result


def proposal_import_school(user) -> Organization | None:
    """The school whose 提案汇总表 ``user`` may import: the chair's or committee's school
    (``members.access.import_school``), else the school where the user sits on the 提案工作委员会
    (who keeps the summary). None for anyone else (district roles import nothing)."""
    school = import_school(user)
    if school is None:
        nodes = nodes_for(user, Role.PROPOSAL_COMMITTEE)
        school = next((n.school for n in nodes if n.kind != Organization.Kind.DISTRICT), None)
    return school


class ProposalImporter(RecordImporter):
    """提案汇总表 on the shared record-import flow (see the module docstring)."""

    kind = ImportBatch.Kind.PROPOSAL
    done_url = "congress:proposal_list"
    denied = _("只有学校工会主席、工会委员和提案工作委员会可以导入提案汇总表。")
    title = _("导入历史提案汇总表")
    preview_title = _("提案汇总表导入预览")
    spec = COLUMNS  # the accepted headers on the upload page and the imports index
    natural_key_help = _("有立案号时按“会议＋立案号”，没有时按“会议＋案由”识别同一件提案；已有的提案跳过，不会修改。")
    template_headers = [
        "序号",
        "会议",
        "立案号",
        "案由",
        "提案人",
        "附议人",
        "类别",
        "处理意见",
        "承办部门",
        "答复内容",
        "答复日期",
        "评价",
        "状态",
    ]
    template_example = [
        1,
        "第三届第二次",
        "2023-001",
        "关于改善教职工食堂就餐环境的建议",
        "张伟",
        "李娜、王强",
        "后勤保障",
        "立案",
        "总务处",
        "已更换餐桌椅并延长供餐时间",
        "2023-05-10",
        "满意",
        "办结",
    ]
    template_title = "提案汇总表模板"
    template_filename = "proposal-template.xlsx"
    validate = staticmethod(proposal_validate)
    apply = staticmethod(proposal_import)

    def school_for(self, user) -> Organization:
        """The chair's, committee's or 提案工作委员会's school (``proposal_import_school``); 403 otherwise."""
        from django.core.exceptions import PermissionDenied

        school = proposal_import_school(user)
        if school is None:
            raise PermissionDenied(self.denied)
        return school

    def ready_note(self, result) -> str:
        warnings = getattr(result, "warnings", [])
        if not warnings:
            return ""
        shown = "；".join(warnings[:10]) + (f"；等 {len(warnings)} 处" if len(warnings) > 10 else "")
        return f"提示：{shown}。"


IMPORTER = register(ProposalImporter())
