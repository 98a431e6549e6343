"""Past activities with who took part (活动记录 / 活动参加名单), kind ``activity``.

The sheet a school keeps: **one row per participant**, the activity's facts repeated (or written on
any one of its rows), plus **activity-only rows** (no person) for activities counted by head::

    活动名称 | 活动日期 | 结束日期 | 类型 | 参加对象 | 地点 | 主办单位 | 工号 | 姓名 | 部门 | 家属姓名 | 家属关系 | 签到 | 参加人数 | 人数说明 | 实际支出
    教职工气排球赛 | 2024-04-12 | | 体育 | | 体育馆 | | T001 | 张伟 | | | | 是 | | |
    三八节插花活动 | 2024年3月8日 14:30 | | 节日 | 女教职工 | 会议室 | 语文组分工会 | | 李娜 | | | | √ | | |
    六一亲子游园 | 2024/6/1 | | 节日 | | 操场 | | T003 | 王芳 | | 王小明 | 子女 | | |
    元旦文艺汇演 | 2023.12.29 | | 文艺 | | 报告厅 | | | | | | | | 约520 | 教师、家长、学生，按入场券统计 | 3,200元

- **Activity** = (主办单位, 活动名称, 活动日期). Rows with the same 活动名称 and 活动日期 are one activity; its
  other facts (结束日期, 时间, 类型, 参加对象, 地点, 主办单位, 参加人数, 人数说明, 实际支出) may be written on
  any of its rows, and two rows giving different values is a row error. A blank 主办单位 is the school
  union; otherwise the name of the school union or one of its sub-unions (``语文组`` finds ``语文组分工会``).
  The date cell may carry a time (``2024-03-08 14:30``, ``下午2:30``, ``14:30-16:00``); without one the
  activity runs the whole day (00:00–23:59). A date after today is an error (these are past records).
- **Participant rows** name a member (工号, or 姓名 unique in the school, 部门 narrowing a shared name;
  ``members.matching.MemberMatcher``). A row with 家属姓名 means the member **and** that family member
  took part (two registrations). A family member not yet on the member's record is added to it
  (``members.services.family_member_add``) when 家属关系 says who they are, else the row is an error.
  签到 ``否``/``缺席``/``请假`` means the person did not take part: the row is checked, then left out.
- **Activity-only rows** (no 工号 or 姓名) carry 参加人数 (到场人次, e.g. parents and pupils, including any
  staff listed on the activity's other rows, as ``Activity.headcount`` means) and 人数说明.

What is written (no live workflow: no notices, no waiting list, no capacity): each new activity with status
``finished`` (已结束), ``admits_families`` when a family member is listed, ``audience`` as given (blank:
教职工及家属子女 when family members are listed, else 全体教职工); each participant as a ``Registration`` with
status ``registered`` and ``registered_at`` = ``checked_in_at`` = the activity's start. The report counts
them as any registration (``activities.report.participant_stats``: 人次, distinct 人, family 人次, and
参加人数 less the registrations as 另有家长、学生等…人次).

Natural keys: an activity is (主办单位, 活动名称, start date) — an existing one (imported or entered in the
portal) is reused and left unchanged; a registration is (activity, member, family member or none) among
its non-cancelled registrations. A re-import of the same file creates nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.matching import MemberMatcher
from members.models import FamilyMember, ImportBatch, Member, Organization
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    import_finish,
    register,
)
from union_portal.lib.tabular import TableFileError, clean_name, fold, match_choice, parse_date

from ..models import Activity, Registration

TYPE_ALIASES = {
    Activity.Type.SPORTS: ["体育比赛", "体育", "体育活动", "运动会", "球赛", "比赛", "体育竞赛"],
    Activity.Type.PERFORMANCE: ["文艺演出", "文艺", "演出", "文艺活动", "联欢", "联欢会", "晚会", "汇演"],
    Activity.Type.FESTIVAL: ["节日活动", "节日", "节庆", "节庆活动"],
    Activity.Type.LECTURE: ["讲座培训", "讲座", "培训", "讲座/培训", "讲座、培训"],
    Activity.Type.SKILLS: ["技能竞赛", "技能", "竞赛", "技能比赛", "岗位练兵"],
    Activity.Type.VISIT: ["参观疗养", "参观", "疗养", "参观学习", "踏青", "春游", "秋游"],
    Activity.Type.CHARITY: ["公益", "公益活动", "志愿服务", "志愿"],
    Activity.Type.INTEREST: ["兴趣小组活动", "兴趣小组"],
    Activity.Type.OTHER: ["其他", "其它"],
}
AUDIENCE_ALIASES = {
    Activity.Audience.ALL: ["全体教职工", "全体", "全校教职工", "教职工"],
    Activity.Audience.WOMEN: ["女教职工", "女职工", "女教工", "女教师"],
    Activity.Audience.RETIREES: ["离退休教职工", "离退休", "退休教职工", "退休", "老同志"],
    Activity.Audience.FAMILIES: ["教职工及家属子女", "教职工及家属", "家属子女", "家属", "亲子"],
}
RELATION_ALIASES = {
    FamilyMember.Relation.SPOUSE: ["配偶", "爱人", "丈夫", "妻子"],
    FamilyMember.Relation.CHILD: ["子女", "孩子", "儿子", "女儿", "子", "女"],
    FamilyMember.Relation.FATHER: ["父亲", "父"],
    FamilyMember.Relation.MOTHER: ["母亲", "母"],
    FamilyMember.Relation.SPOUSE_FATHER: ["配偶父亲", "岳父", "公公"],
    FamilyMember.Relation.SPOUSE_MOTHER: ["配偶母亲", "岳母", "婆婆"],
}
ATTENDED_ALIASES = {
    "yes": ["是", "已签到", "签到", "参加", "已参加", "出席", "到", "√", "✓", "y", "1", "true"],
    "no": ["否", "未签到", "未参加", "缺席", "请假", "未到", "×", "✗", "n", "0", "false"],
}
SCHOOL_WORDS = {"学校", "学校工会", "校工会", "本校", "全校", "校级", "校工会主办"}
UNIT_SUFFIXES = ("分工会", "工会")
MAX_HEADCOUNT = 100_000

_CLOCK = re.compile(r"(\d{1,2})\s*[:：点时]\s*(\d{1,2})?(?:[:：]\d{1,2})?\s*分?")
_DAY_PARTS = ("上午", "下午", "晚上", "中午", "早上", "傍晚", "全天")


# --- Parsers shared with the tournament importer -------------------------------------------------


def _clock(match: re.Match, afternoon: bool) -> dt.time:
    hour, minute = int(match[1]), int(match[2] or 0)
    if afternoon and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        raise ValueError(f"时间“{match[0]}”不存在")
    return dt.time(hour, minute)


def when(raw: object) -> tuple[dt.date, dt.time | None, dt.time | None] | None:
    """A date cell with an optional time or time range: ``(day, start time or None, end time or None)``.

    Reads every date style ``tabular.parse_date`` reads, a real date-time cell, and text such as
    ``2024-03-08 14:30``, ``2024年3月8日下午2:30``, ``2024.3.8 14:30-16:00``; blank → None; raises
    ``ValueError`` (Chinese) for anything else.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        start = raw.time().replace(second=0, microsecond=0)
        return raw.date(), (start if start != dt.time(0) else None), None
    if not isinstance(raw, str):
        day = parse_date(raw)
        return (day, None, None) if day else None
    text = fold(raw)
    afternoon = any(word in text for word in ("下午", "晚上", "傍晚"))
    for word in _DAY_PARTS:
        text = text.replace(word, " ")
    clocks = [_clock(m, afternoon) for m in _CLOCK.finditer(text)]
    if clocks == [dt.time(0)]:  # "2024-03-08 00:00:00": a date exported with a time of day of zero
        clocks = []
    text = _CLOCK.sub(" ", text).strip().rstrip("-~～至到—–").strip()
    day = parse_date(text)
    if day is None:
        raise ValueError(f"日期“{fold(raw)}”无法识别，请写成 2024-03-08 或 2024-03-08 14:30 的形式")
    return day, (clocks[0] if clocks else None), (clocks[1] if len(clocks) > 1 else None)


def plain(*, max_length: int, too_long: str):
    """Free text kept as written (trimmed; Chinese punctuation such as ，（） kept, unlike ``columns.text``),
    so a title matches the one entered in the portal; blank → ``""``; too long raises ``ValueError``."""

    def parse(raw: object) -> str:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        value = "" if raw is None else " ".join(str(raw).split())
        if len(value) > max_length:
            raise ValueError(too_long.format(max=max_length))
        return value

    return parse


def head_count(raw: object) -> int | None:
    """A head count in 人次 (``520``, ``约520人``, ``近520人次``, full-width digits); blank → None."""
    text = re.sub(r"\s+", "", fold(raw))
    if not text:
        return None
    m = re.fullmatch(r"(?:约|大约|近|共|合计)?(\d+)(?:余|多)?(?:人次|人|名)?", text)
    if not m:
        raise ValueError(f"人数“{text}”无法识别，请填写整数")
    n = int(m[1])
    if n > MAX_HEADCOUNT:
        raise ValueError(f"人数 {n} 过大")
    return n or None


def attended(raw: object) -> bool | None:
    """是/已签到/参加 → True, 否/缺席/请假/未参加 → False; blank → None (taken as attended)."""
    answer = match_choice(raw, ATTENDED_ALIASES, "签到")
    return None if answer is None else answer == "yes"


def _core(name: str) -> str:
    for suffix in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class Organizers:
    """The school union and its sub-unions (retired ones too: history), found by name. One query."""

    def __init__(self, school: Organization):
        self.school = school
        self.units = list(
            Organization.objects.filter(
                path__startswith=school.path, kind__in=[Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION]
            ).order_by("path")
        )

    def find(self, text: str) -> Organization:
        """The unit ``text`` names (blank or 学校工会 → the school); raises ``ValueError`` (Chinese)."""
        key = clean_name(text)
        if not key or key in SCHOOL_WORDS:
            return self.school
        exact = [u for u in self.units if clean_name(u.name) == key]
        if len(exact) == 1:
            return exact[0]
        core = _core(key)
        loose = [u for u in self.units if _core(clean_name(u.name)) == core or core in clean_name(u.name)]
        if len(loose) == 1:
            return loose[0]
        listed = "、".join(u.name for u in self.units[:10])
        if loose:
            raise ValueError(f"“{key}”对应多个单位：{'、'.join(u.name for u in loose[:5])}，请写全称")
        raise ValueError(f"“{key}”不是本校工会或分工会，可填写：{listed}")


def aware(day: dt.date, clock: dt.time) -> dt.datetime:
    """``day`` at ``clock`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, clock), timezone.get_current_timezone())


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _not_after_today(day: dt.date) -> bool:
    return day <= timezone.localdate()


# --- Columns ---------------------------------------------------------------------------------------

COLUMNS = ColumnSpec(
    Column("title", "活动名称", ("活动", "活动项目", "项目名称", "活动主题", "活动内容"), required=True,
           parse=plain(max_length=120, too_long="活动名称过长（最多{max}字）"), blank_error="活动名称不能为空"),
    Column("when", "活动日期", ("日期", "活动时间", "时间", "开始日期", "开始时间", "举办日期", "举办时间"), required=True,
           parse=when, blank_error="活动日期不能为空"),
    Column("end_day", "结束日期", ("结束时间", "截止日期"),
           parse=columns.date(valid=_not_after_today, invalid="结束日期 {day:%Y-%m-%d} 晚于今天")),
    Column("type", "类型", ("活动类型", "类别", "活动类别"), parse=columns.choice(TYPE_ALIASES, "类型")),
    Column("audience", "参加对象", ("活动对象", "对象"), parse=columns.choice(AUDIENCE_ALIASES, "参加对象")),
    Column("place", "地点", ("活动地点", "场地", "地址"), parse=plain(max_length=120, too_long="地点过长（最多{max}字）"),
           default=""),
    Column("organizer", "主办单位", ("组织单位", "主办", "承办单位", "组织者", "举办单位", "主办分工会"),
           parse=columns.name(max_length=100), default=""),
    Column("staff_no", "工号", ("职工号", "教工号", "编号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("教职工姓名", "职工姓名", "参加人", "参加人员", "参加教职工"), parse=columns.name(), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    Column("family", "家属姓名", ("家属", "携带家属", "家属子女", "子女姓名"),
           parse=columns.name(max_length=50, too_long="家属姓名过长（最多{max}字）"), default=""),
    Column("relation", "家属关系", ("与本人关系", "关系"), parse=columns.choice(RELATION_ALIASES, "家属关系")),
    Column("attended", "签到", ("是否参加", "是否签到", "签到情况", "出席", "是否出席", "参加情况"), parse=attended),
    Column("headcount", "参加人数", ("到场人数", "现场人数", "参加人次", "到场人次", "人数"), parse=head_count),
    Column("headcount_note", "人数说明", ("人数备注", "统计说明"),
           parse=plain(max_length=200, too_long="人数说明过长（最多{max}字）"), default=""),
    Column("spent", "实际支出", ("支出", "支出金额", "活动经费", "经费", "费用"), parse=columns.yuan()),
)  # fmt: skip

# Facts of the activity a row may carry: value key → the column its conflicts are reported against.
ACTIVITY_FIELDS = {
    "end_day": "end_day", "start_clock": "when", "end_clock": "when", "type": "type", "audience": "audience",
    "place": "place", "organizer": "organizer", "headcount": "headcount", "headcount_note": "headcount_note",
    "spent": "spent",
}  # fmt: skip


def _shown(value) -> str:
    if isinstance(value, Organization):
        return value.name
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


class _Check:
    """The activity sheet's checks on a parsed row: date not after today, unit, member, family member,
    one value per activity fact, no person twice in one activity. State across rows (the activities)."""

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)
        self.organizers = Organizers(school)
        self.family: dict[int, dict[str, FamilyMember]] = {}
        for fm in FamilyMember.objects.filter(member__school=school).order_by("pk"):
            self.family.setdefault(fm.member_id, {}).setdefault(clean_name(fm.name), fm)
        self.facts: dict[tuple, dict[str, tuple[object, int]]] = {}
        self.people: dict[tuple, int] = {}

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        self._dates(row)
        text = values.get("organizer", "")
        values["organizer"] = None  # blank: whatever the activity's other rows say, else the school
        try:
            values["organizer"] = self.organizers.find(text) if text else None
        except ValueError as exc:
            row.error("organizer", f"主办单位{exc}")
        self._person(row)
        if "title" in values and values.get("day") and not row.error_keys() & {"title", "when"}:
            self._facts(row, (values["title"], values["day"]))

    def _dates(self, row: Row) -> None:
        values = row.values
        day, start, end = values.pop("when", None) or (None, None, None)
        values.update(day=day, start_clock=start, end_clock=end)
        if day and day > timezone.localdate():
            row.error("when", f"活动日期 {day:%Y-%m-%d} 晚于今天（这里导入的是已举办的活动）")
        if day and values.get("end_day") and values["end_day"] < day:
            row.error("end_day", "结束日期早于活动日期")

    def _person(self, row: Row) -> None:
        values = row.values
        family = values.get("family", "")
        if not (values.get("staff_no") or values.get("name")):
            for key in ("staff_no", "name", "department"):
                values.pop(key, None)
            values["member"] = None
            if family:
                row.error("family", "写了家属姓名，但没有填写教职工的工号或姓名")
            return
        member = values["member"] = self.members.match(row)
        values["family_member"] = None
        if member is None or not family:
            return
        found = self.family.get(member.pk, {}).get(family)
        values["family_member"] = found
        if found is None and not values.get("relation"):
            row.error(
                "relation",
                f"{member.name}的家属中还没有“{family}”，请在“家属关系”列写明关系（配偶、子女、父亲、母亲等），导入时一并登记",
            )

    def _facts(self, row: Row, key: tuple) -> None:
        values = row.values
        facts = self.facts.setdefault(key, {})
        for name, column in ACTIVITY_FIELDS.items():
            value = values.get(name)
            if value in (None, ""):
                continue
            earlier = facts.setdefault(name, (value, row.number))
            if earlier[0] != value:
                row.error(
                    column,
                    f"同一活动（{key[0]}，{key[1]:%Y-%m-%d}）第 {earlier[1]} 行写的是“{_shown(earlier[0])}”，"
                    f"这里是“{_shown(value)}”，请统一",
                )
        member = values.get("member")
        if member is not None and values.get("attended") is not False:
            person = (key, member.pk, values.get("family", ""))
            first = self.people.setdefault(person, row.number)
            if first != row.number:
                who = member.name + (f"（家属{values['family']}）" if values.get("family") else "")
                row.error("name", f"{who}在同一活动中重复出现（第 {first} 行）")


# --- Planning what to write -----------------------------------------------------------------------


@dataclass
class _Event:
    """One activity of the file: its facts, its participants, the existing record if any."""

    title: str
    day: dt.date
    rows: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    existing: Activity | None = None
    staff: dict[int, Member] = field(default_factory=dict)  # member pk → member (attended)
    family: dict[tuple[int, str], dict] = field(default_factory=dict)  # (member pk, name) → row values
    absent: int = 0

    def organizer(self, school: Organization) -> Organization:
        return self.facts.get("organizer") or school


def _events(rows: list[dict]) -> dict[tuple, _Event]:
    events: dict[tuple, _Event] = {}
    for values in rows:
        event = events.setdefault((values["title"], values["day"]), _Event(values["title"], values["day"]))
        event.rows.append(values)
        for name in ACTIVITY_FIELDS:
            if values.get(name) not in (None, "") and name not in event.facts:
                event.facts[name] = values[name]
        member = values.get("member")
        if member is None:
            continue
        if values.get("attended") is False:
            event.absent += 1
            continue
        event.staff[member.pk] = member
        if values.get("family"):
            event.family[(member.pk, values["family"])] = values
    return events


def _find_existing(school: Organization, events: dict[tuple, _Event]) -> None:
    """Set each event's ``existing`` activity by natural key (organizer, title, local start date). One query."""
    if not events:
        return
    found: dict[tuple, Activity] = {}
    for act in Activity.objects.filter(
        organizer__path__startswith=school.path, title__in={e.title for e in events.values()}
    ).order_by("pk"):
        found.setdefault((act.organizer_id, act.title, local_day(act.starts_at)), act)
    for event in events.values():
        event.existing = found.get((event.organizer(school).pk, event.title, event.day))


@dataclass
class _Plan:
    events: list[_Event]
    live: set[tuple[int, int, int | None]]  # (activity, member, family member) registrations present

    def staff_new(self, event: _Event) -> list[Member]:
        act = event.existing.pk if event.existing else None
        return [m for pk, m in event.staff.items() if act is None or (act, pk, None) not in self.live]

    def family_new(self, event: _Event) -> list[dict]:
        act = event.existing.pk if event.existing else None
        out = []
        for values in event.family.values():
            fm = values.get("family_member")
            if act is None or fm is None or (act, values["member"].pk, fm.pk) not in self.live:
                out.append(values)
        return out


def _plan(school: Organization, rows: list[dict]) -> _Plan:
    events = _events(rows)
    _find_existing(school, events)
    ids = [e.existing.pk for e in events.values() if e.existing]
    live = (
        set(
            Registration.objects.filter(activity_id__in=ids)
            .exclude(status=Registration.Status.CANCELLED)
            .values_list("activity_id", "member_id", "family_member_id")
        )
        if ids
        else set()
    )
    return _Plan(list(events.values()), live)


def _count(result: RecordResult, plan: _Plan) -> None:
    """``created`` (what confirming writes), ``skipped`` (rows already present) and the file's totals."""
    staff_persons: set[int] = set()
    totals = {
        "活动": 0,
        "教职工参加人次": 0,
        "教职工人数": 0,
        "家属参加人次": 0,
        "现场人数": 0,
        "另有家长学生等人次": 0,
        "未参加（不导入）": 0,
    }
    new_family: set[tuple[int, str]] = set()
    for event in plan.events:
        staff, family = plan.staff_new(event), plan.family_new(event)
        result.count("活动", 0 if event.existing else 1)
        result.count("教职工参加", len(staff))
        result.count("家属参加", len(family))
        new_family |= {(v["member"].pk, v["family"]) for v in family if v.get("family_member") is None}
        if event.existing:
            result.skipped += _rows_present(event, staff, family)
        staff_persons |= set(event.staff)
        headcount = event.facts.get("headcount") or 0
        totals["活动"] += 1
        totals["教职工参加人次"] += len(event.staff)
        totals["家属参加人次"] += len(event.family)
        totals["现场人数"] += headcount
        totals["另有家长学生等人次"] += max(headcount - len(event.staff) - len(event.family), 0)
        totals["未参加（不导入）"] += event.absent
    result.count("家属登记", len(new_family))
    totals["教职工人数"] = len(staff_persons)
    result.totals = {k: v for k, v in totals.items() if v or k in ("活动", "教职工参加人次")}


def _rows_present(event: _Event, staff: list[Member], family: list[dict]) -> int:
    """Rows of an existing activity that add nothing (activity-only rows; people already registered)."""
    new_staff = {m.pk for m in staff}
    new_family = {(v["member"].pk, v["family"]) for v in family}
    present = 0
    for values in event.rows:
        member = values.get("member")
        if member is None:
            present += 1
        elif (
            values.get("attended") is not False
            and member.pk not in new_staff
            and (member.pk, values.get("family", "")) not in new_family
        ):
            present += 1
    return present


def _new_activity(school: Organization, event: _Event, acting_user) -> Activity:
    facts = event.facts
    starts = aware(event.day, facts.get("start_clock") or dt.time(0, 0))
    ends = aware(facts.get("end_day") or event.day, facts.get("end_clock") or dt.time(23, 59))
    audience = facts.get("audience") or (Activity.Audience.FAMILIES if event.family else Activity.Audience.ALL)
    return Activity(
        organizer=event.organizer(school),
        title=event.title,
        type=facts.get("type") or Activity.Type.OTHER,
        starts_at=starts,
        ends_at=max(ends, starts),
        place=facts.get("place", ""),
        audience=audience,
        admits_families=bool(event.family),
        status=Activity.Status.FINISHED,
        headcount=facts.get("headcount"),
        headcount_note=facts.get("headcount_note", ""),
        spent=facts.get("spent"),
        created_by=acting_user,
    )


class ActivityImporter(RecordImporter):
    """活动记录导入 (see the module docstring for the sheet, the natural keys and what is written)."""

    kind = ImportBatch.Kind.ACTIVITY
    done_url = "activities:index"
    title = _("导入历史活动记录")
    preview_title = _("活动记录导入预览")
    denied = "只有学校工会主席和工会委员可以导入活动记录。"
    spec = COLUMNS
    columns_note = _(
        "每位参加者一行：活动名称、活动日期（可带时间，如 2024-03-08 14:30）必填；结束日期、类型、参加对象、地点、"
        "主办单位（空白为学校工会，或填分工会名称）；工号或姓名（重名时加部门）；家属姓名、家属关系（家属参加时）；"
        "签到（否/缺席的行不导入）。只统计人数的活动写一行不填姓名，填参加人数（到场人次）和人数说明；实际支出可选。"
    )
    natural_key_help = _(
        "活动按“主办单位 + 活动名称 + 活动日期”识别，已有的活动不会重复建立、也不会被修改；"
        "参加记录按“活动 + 教职工（+ 家属）”识别，已登记的跳过。"
    )
    template_headers = [
        "活动名称",
        "活动日期",
        "结束日期",
        "类型",
        "参加对象",
        "地点",
        "主办单位",
        "工号",
        "姓名",
        "部门",
        "家属姓名",
        "家属关系",
        "签到",
        "参加人数",
        "人数说明",
        "实际支出",
    ]
    template_example = [
        "教职工气排球赛",
        "2024-04-12 15:00",
        "",
        "体育比赛",
        "全体教职工",
        "体育馆",
        "",
        "T0001",
        "张伟",
        "",
        "",
        "",
        "是",
        "",
        "",
        "",
    ]
    template_title = "活动记录"
    template_filename = "activity-records-template.xlsx"

    @property
    def columns_help(self) -> str:
        """Every accepted header (from ``COLUMNS``), then how the rows are read."""
        return f"{super().columns_help}。{self.columns_note}"

    def _prepare(self, *, school: Organization, data: bytes, filename: str) -> tuple[RecordResult, _Plan | None]:
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result, None
        rows, result.errors = validate_rows(table, COLUMNS, check=_Check(school))
        result.rows = [r.values for r in rows]
        if not result.ok:
            return result, None
        plan = _plan(school, result.rows)
        _count(result, plan)
        return result, plan

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check every row and count what confirming would write; writes nothing."""
        return self._prepare(school=school, data=data, filename=filename)[0]

    @transaction.atomic
    def apply(self, *, school, data, filename, acting_user=None, request=None, batch=None, dry_run=False):
        """Validate, then write the new activities, family members and registrations in one transaction,
        mark them with ``batch`` and audit once. Nothing is written when any row has an error."""
        result, plan = self._prepare(school=school, data=data, filename=filename)
        if plan is None or dry_run:
            return result
        made: list = []
        relatives: dict[tuple[int, str], FamilyMember] = {}
        registrations: list[Registration] = []
        for event in plan.events:
            activity = event.existing
            if activity is None:
                activity = _new_activity(school, event, acting_user)
                activity.save()
                made.append(activity)
            at = activity.starts_at
            for member in plan.staff_new(event):
                registrations.append(Registration(activity=activity, member=member, registered_at=at, checked_in_at=at))
            for values in plan.family_new(event):
                relative = values.get("family_member") or relatives.get((values["member"].pk, values["family"]))
                if relative is None:
                    relative = self._relative(values, acting_user, request)
                    relatives[(values["member"].pk, values["family"])] = relative
                    made.append(relative)
                registrations.append(
                    Registration(
                        activity=activity,
                        member=values["member"],
                        family_member=relative,
                        registered_at=at,
                        checked_in_at=at,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=1000)
        import_finish(result, kind="activity", records=[*made, *registrations], batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result

    @staticmethod
    def _relative(values: dict, acting_user, request) -> FamilyMember:
        from members.services import family_member_add

        return family_member_add(
            member=values["member"],
            relative=FamilyMember(name=values["family"], relation=values["relation"]),
            acting_user=acting_user,
            request=request,
        )


IMPORTER = register(ActivityImporter())
