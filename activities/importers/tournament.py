"""A past tournament's teams and results (比赛队伍和赛果), kind ``tournament``.

``tabular`` reads only a workbook's first sheet, so one sheet holds both kinds of row, under one header::

    赛事名称 | 赛事日期 | 类型 | 队名 | 所属分工会 | 工号 | 姓名 | 比赛日期 | 轮次 | 甲队 | 乙队 | 比分 | 备注
    教职工气排球赛 | 2024-04-08 | 队员 | 语文队 | 语文组分工会 | T001 | 张伟 | | | | | |
    教职工气排球赛 | | 队员 | 数学队 | 数学组分工会 | | 李娜 | | | | | |
    教职工气排球赛 | | 比赛 | | | | | 2024-04-10 | 小组赛 | 语文队 | 数学队 | 2:1 |

- **Team-player rows** (类型 队员/队伍; or, without a 类型 column, a row with 队名 and no 甲队/乙队): the team
  (队名, 所属分工会: a sub-union of the school, ``语文组`` finds ``语文组分工会``) and one player (工号, or 姓名
  unique in the school, 部门 narrowing; ``members.matching.MemberMatcher``). A row without a person lists
  the team only. A player may play for one team of a tournament.
- **Match rows** (类型 比赛/赛果; or a row with 甲队/乙队): 比赛日期, 轮次 (optional), 甲队, 乙队 (teams listed
  in the file or already recorded for the tournament), 比分 ``3:1``/``3比1``/``3-1``/``3：1`` (blank: not
  recorded), 备注.
- **The tournament** is an activity of the school (organised by the school union or a sub-union) found
  by 赛事名称, and by 赛事日期 (its start date) when given or when several activities share the name.
  When there is none it is created: a finished (已结束) sports activity (体育比赛) of the school union, from
  赛事日期 (else the first match's date) to the last match's date — so the report counts it like any
  activity. One file may hold several tournaments (different 赛事名称); one 赛事名称 is one tournament.
  Dates after today are errors (these are past records); a cancelled activity takes no results.

Natural keys: team (activity, 队名) — an existing team is reused and left unchanged (its 所属分工会 too);
player (team, member); match (activity, 比赛日期, 甲队, 乙队, 轮次). A re-import creates nothing. Writes go
straight to the tables (no notices). The report reads them in ``activities.report.team_stats`` (teams,
distinct players, matches of live activities starting in the period) and ``highlight_stats``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.matching import MemberMatcher
from members.models import ImportBatch, Member, Organization
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    import_finish,
    register,
)
from union_portal.lib.tabular import RowError, Table, TableFileError, fold

from ..models import Activity, Match, Team
from .activity import Organizers, aware, local_day, plain

KIND_ALIASES = {
    "player": ["队员", "队伍", "参赛队", "报名", "名单", "队员名单"],
    "match": ["比赛", "赛果", "场次", "对阵", "比分", "比赛结果"],
}
_SCORE = re.compile(r"(\d{1,3})\s*(?::|比|-|—|–|～|~|:)\s*(\d{1,3})")


def _not_after_today(day: dt.date) -> bool:
    return day <= timezone.localdate()


def score(raw: object) -> tuple[int, int] | None:
    """``3:1``, ``3：1``, ``3比1``, ``3-1`` (full-width digits too) → ``(3, 1)``; blank → None; raises ``ValueError``."""
    if isinstance(raw, dt.datetime | dt.date):  # "3-1" typed into Excel becomes 1 March
        raise ValueError("比分被 Excel 当成了日期，请把比分列设为文本后写成 3:1")
    if isinstance(raw, dt.time):  # "3:1" typed into Excel becomes 03:01
        return raw.hour, raw.minute
    text = fold(raw)
    if not text:
        return None
    m = _SCORE.fullmatch(text.replace(" ", ""))
    if not m:
        raise ValueError(f"比分“{text}”无法识别，请写成 3:1 的形式")
    return int(m[1]), int(m[2])


LATER = "{day:%Y-%m-%d} 晚于今天（这里导入的是已举办的比赛）"
COLUMNS = ColumnSpec(
    Column("event", "赛事名称", ("活动名称", "赛事", "比赛名称", "比赛项目", "活动"), required=True,
           parse=plain(max_length=120, too_long="赛事名称过长（最多{max}字）"), blank_error="赛事名称不能为空"),
    Column("event_day", "赛事日期", ("活动日期", "开始日期", "举办日期"),
           parse=columns.date(valid=_not_after_today, invalid="赛事日期 " + LATER)),
    Column("kind", "类型", ("记录类型", "行类型"), parse=columns.choice(KIND_ALIASES, "类型")),
    Column("team", "队名", ("队伍", "参赛队", "队伍名称", "代表队", "参赛队伍"),
           parse=columns.name(max_length=60, too_long="队名过长（最多{max}字）"), default=""),
    Column("unit", "所属分工会", ("分工会", "所属部门", "所属单位", "代表单位", "单位"), parse=columns.name(max_length=100),
           default=""),
    Column("staff_no", "工号", ("职工号", "教工号", "编号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("队员", "队员姓名", "运动员", "球员"), parse=columns.name(), default=""),
    Column("department", "部门", ("所在部门", "科室"), parse=columns.name(), default=""),
    Column("played_on", "比赛日期", ("日期", "比赛时间"), parse=columns.date(valid=_not_after_today, invalid="比赛日期 " + LATER)),
    Column("round_name", "轮次", ("阶段", "赛段", "组别"), parse=plain(max_length=40, too_long="轮次过长（最多{max}字）"),
           default=""),
    Column("home", "甲队", ("主队", "A队", "队伍一", "甲方"), parse=columns.name(max_length=60), default=""),
    Column("away", "乙队", ("客队", "B队", "队伍二", "乙方"), parse=columns.name(max_length=60), default=""),
    Column("score", "比分", ("比赛结果", "结果", "赛果", "得分"), parse=score),
    Column("note", "备注", ("说明",), parse=plain(max_length=100, too_long="备注过长（最多{max}字）"), default=""),
)  # fmt: skip


class _Check:
    """Row checks: which kind of row, the team's sub-union, the player, the match's teams and score;
    across rows: one 赛事日期 and one 所属分工会 per team, a player in one team, no duplicate rows."""

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)
        self.units = Organizers(school)
        self.event_days: dict[str, tuple[dt.date, int]] = {}
        self.team_units: dict[tuple[str, str], tuple[Organization, int]] = {}
        self.players: dict[tuple[str, int], tuple[str, int]] = {}
        self.matches: dict[tuple, int] = {}

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        event, day = values.get("event", ""), values.get("event_day")
        if event and day:
            first = self.event_days.setdefault(event, (day, row.number))
            if first[0] != day:
                row.error(
                    "event_day", f"同一赛事第 {first[1]} 行的赛事日期是 {first[0]:%Y-%m-%d}，请统一（一届赛事一个名称）"
                )
        kind = values.get("kind") or (
            "match" if values.get("home") or values.get("away") else "player" if values.get("team") else ""
        )
        values["kind"] = kind
        if kind == "player":
            self._player(row)
        elif kind == "match":
            self._match(row)
        else:
            row.error("team", "无法判断这一行是队员行还是比赛行：队员行填写队名，比赛行填写甲队和乙队")

    def _player(self, row: Row) -> None:
        values = row.values
        event, team = values.get("event", ""), values.get("team", "")
        if not team:
            row.error("team", "队员行的队名不能为空")
        values["organization"] = None
        if values.get("unit"):
            try:
                values["organization"] = self.units.find(values["unit"])
            except ValueError as exc:
                row.error("unit", f"所属分工会{exc}")
        if values["organization"] is not None and team:
            first = self.team_units.setdefault((event, team), (values["organization"], row.number))
            if first[0] != values["organization"]:
                row.error("unit", f"“{team}”第 {first[1]} 行写的是{first[0].name}，请统一")
        values["member"] = None
        if values.get("staff_no") or values.get("name"):
            values["member"] = member = self.members.match(row)
            if member is not None and team and event:
                first = self.players.setdefault((event, member.pk), (team, row.number))
                if first != (team, row.number):
                    where = "已在" if first[0] != team else "已列在"
                    row.error("name", f"{member.name}{where}第 {first[1]} 行的“{first[0]}”中（同一赛事每人只属一个队）")

    def _match(self, row: Row) -> None:
        values = row.values
        if values.get("staff_no") or values.get("name"):
            row.error("name", "比赛行不填工号和姓名（队员请另起一行写在队名下）")
        if not values.get("played_on") and "played_on" not in row.error_keys():
            row.error("played_on", "比赛行的比赛日期不能为空")
        for key, label in (("home", "甲队"), ("away", "乙队")):
            if not values.get(key):
                row.error(key, f"比赛行的{label}不能为空")
        if values.get("home") and values.get("home") == values.get("away"):
            row.error("away", "甲队和乙队不能是同一队")
        if row.error_keys():
            return
        key = (values["event"], values["played_on"], values["home"], values["away"], values.get("round_name", ""))
        first = self.matches.setdefault(key, row.number)
        if first != row.number:
            row.error("home", f"与第 {first} 行是同一场比赛（日期、轮次、甲乙队相同）")


# --- Resolving tournaments and planning ---------------------------------------------------------------


@dataclass
class _Team:
    name: str
    organization: Organization | None = None
    players: dict[int, Member] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    existing: Team | None = None


@dataclass
class _Event:
    title: str
    rows: list[dict] = field(default_factory=list)
    day: dt.date | None = None
    teams: dict[str, _Team] = field(default_factory=dict)
    matches: list[dict] = field(default_factory=list)
    activity: Activity | None = None
    new_start: dt.date | None = None
    new_end: dt.date | None = None

    @property
    def first_row(self) -> int:
        return self.rows[0]["row"]


def _events(rows: list[dict]) -> dict[str, _Event]:
    events: dict[str, _Event] = {}
    for values in rows:
        event = events.setdefault(values["event"], _Event(values["event"]))
        event.rows.append(values)
        event.day = event.day or values.get("event_day")
        if values["kind"] == "match":
            event.matches.append(values)
            continue
        team = event.teams.setdefault(values["team"], _Team(values["team"]))
        team.organization = team.organization or values.get("organization")
        team.rows.append(values)
        if values.get("member") is not None:
            team.players[values["member"].pk] = values["member"]
    return events


class _Resolver:
    """Finds each tournament's activity (or plans a new one) and its recorded teams, players and matches.
    Four queries whatever the file's size. ``errors`` are row errors against the file's headers."""

    def __init__(self, school: Organization, table: Table, events: dict[str, _Event]):
        self.school, self.headers, self.events = school, table.headers, events
        self.errors: list[RowError] = []
        self.players: set[tuple[int, int]] = set()
        self.matches: set[tuple] = set()
        self.recorded: dict[tuple[int, str], int] = {}

    def error(self, number: int, key: str, message: str) -> None:
        self.errors.append(RowError(number, self.headers.get(key, COLUMNS.labels[key]), message))

    def run(self) -> None:
        found: dict[str, list[Activity]] = {}
        for act in Activity.objects.filter(
            organizer__path__startswith=self.school.path, title__in=list(self.events)
        ).order_by("starts_at", "pk"):
            found.setdefault(act.title, []).append(act)
        for event in self.events.values():
            self._activity(event, found.get(event.title, []))
        known = [e.activity.pk for e in self.events.values() if e.activity is not None]
        teams = {(t.activity_id, t.name): t for t in Team.objects.filter(activity_id__in=known)} if known else {}
        self.recorded = {key: t.pk for key, t in teams.items()}
        for event in self.events.values():
            for team in event.teams.values():
                team.existing = teams.get((event.activity.pk, team.name)) if event.activity else None
            self._match_teams(event, teams)
        team_ids = [t.pk for t in teams.values()]
        if team_ids:
            self.players = set(
                Team.players.through.objects.filter(team_id__in=team_ids).values_list("team_id", "member_id")
            )
            self.matches = set(
                Match.objects.filter(activity_id__in=known).values_list(
                    "activity_id", "played_on", "home_id", "away_id", "round_name"
                )
            )

    def _activity(self, event: _Event, candidates: list[Activity]) -> None:
        if event.day:
            candidates = [a for a in candidates if local_day(a.starts_at) == event.day]
        if len(candidates) > 1:
            days = "、".join(f"{local_day(a.starts_at):%Y-%m-%d}" for a in candidates[:5])
            self.error(
                event.first_row, "event", f"本校有 {len(candidates)} 个“{event.title}”（{days}），请填写赛事日期以区分"
            )
        elif candidates:
            event.activity = candidates[0]
            if event.activity.status == Activity.Status.CANCELLED:
                self.error(event.first_row, "event", f"“{event.title}”已取消，不能导入比赛记录")
        else:
            days = [m["played_on"] for m in event.matches]
            event.new_start = event.day or (min(days) if days else None)
            event.new_end = max([event.new_start, *days]) if event.new_start else None
            if event.new_start is None:
                self.error(
                    event.first_row,
                    "event_day",
                    f"本校没有名为“{event.title}”的活动；要新建这项赛事，请填写赛事日期或至少一场比赛的日期",
                )

    def _match_teams(self, event: _Event, teams: dict[tuple, Team]) -> None:
        for values in event.matches:
            for key in ("home", "away"):
                name = values[key]
                if name not in event.teams and (event.activity is None or (event.activity.pk, name) not in teams):
                    self.error(values["row"], key, f"“{name}”不在“{event.title}”的参赛队中，请先用队员行列出该队")


def _team_key(event: _Event, name: str):
    team = event.teams.get(name)
    return team.existing.pk if team is not None and team.existing is not None else None


@dataclass
class _Plan:
    events: list[_Event]
    players: set[tuple[int, int]]  # (team, member) links recorded
    matches: set[tuple]  # (activity, played_on, home, away, round_name) recorded
    recorded: dict[tuple[int, str], int]  # (activity, team name) → team pk recorded

    def new_players(self, team: _Team) -> list[Member]:
        if team.existing is None:
            return list(team.players.values())
        return [m for pk, m in team.players.items() if (team.existing.pk, pk) not in self.players]

    def match_exists(self, event: _Event, values: dict, teams: dict[str, int | None]) -> bool:
        if event.activity is None:
            return False
        home, away = teams.get(values["home"]), teams.get(values["away"])
        return (event.activity.pk, values["played_on"], home, away, values.get("round_name", "")) in self.matches

    def team_ids(self, event: _Event) -> dict[str, int | None]:
        """Team name → pk of the recorded team (file teams and teams only recorded in the portal)."""
        ids = {name: _team_key(event, name) for name in event.teams}
        if event.activity is not None:
            for values in event.matches:
                for key in ("home", "away"):
                    if ids.get(values[key]) is None:
                        ids[values[key]] = self.recorded.get((event.activity.pk, values[key]))
        return ids


def _count(result: RecordResult, plan: _Plan) -> None:
    persons: set[int] = set()
    totals = {"赛事": 0, "参赛队": 0, "队员": 0, "比赛场次": 0}
    for event in plan.events:
        result.count("赛事活动", 0 if event.activity else 1)
        ids = plan.team_ids(event)
        for team in event.teams.values():
            result.count("参赛队", 0 if team.existing else 1)
            new = plan.new_players(team)
            result.count("队员", len(new))
            if team.existing:
                new_pks = {m.pk for m in new}
                result.skipped += sum(1 for v in team.rows if v.get("member") is None or v["member"].pk not in new_pks)
            persons |= set(team.players)
        made = [v for v in event.matches if not plan.match_exists(event, v, ids)]
        result.count("比赛场次", len(made))
        result.skipped += len(event.matches) - len(made)
        totals["赛事"] += 1
        totals["参赛队"] += len(event.teams)
        totals["比赛场次"] += len(event.matches)
    totals["队员"] = len(persons)
    result.totals = totals


class TournamentImporter(RecordImporter):
    """比赛队伍和赛果导入 (see the module docstring for the sheet, the natural keys and what is written)."""

    kind = ImportBatch.Kind.TOURNAMENT
    done_url = "activities:index"
    title = _("导入比赛队伍和赛果")
    preview_title = _("比赛队伍和赛果导入预览")
    denied = "只有学校工会主席和工会委员可以导入比赛记录。"
    spec = COLUMNS
    columns_note = _(
        "一张表两种行：队员行写赛事名称、队名、所属分工会、工号或姓名（只列队伍时姓名可空）；比赛行写赛事名称、比赛日期、"
        "轮次、甲队、乙队、比分（如 3:1、3比1）。可加“类型”列（队员/比赛）标明行的种类，否则按是否填写甲队乙队判断。"
        "赛事按名称（和赛事日期）找本校的活动，找不到时新建为已结束的体育比赛。"
    )
    natural_key_help = _(
        "参赛队按“赛事 + 队名”识别，队员按“参赛队 + 教职工”识别，比赛按“赛事 + 比赛日期 + 甲队 + 乙队 + 轮次”识别；"
        "已有的记录跳过，不会重复，也不会被修改。"
    )
    template_headers = [
        "赛事名称",
        "赛事日期",
        "类型",
        "队名",
        "所属分工会",
        "工号",
        "姓名",
        "比赛日期",
        "轮次",
        "甲队",
        "乙队",
        "比分",
        "备注",
    ]
    template_example = [
        "教职工气排球赛",
        "2024-04-08",
        "队员",
        "语文队",
        "语文组分工会",
        "T0001",
        "张伟",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    template_title = "比赛队伍和赛果"
    template_filename = "tournament-template.xlsx"

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
        resolver = _Resolver(school, table, _events(result.rows))
        resolver.run()
        if resolver.errors:
            result.errors = sorted(resolver.errors, key=lambda e: e.row)
            return result, None
        plan = _Plan(list(resolver.events.values()), resolver.players, resolver.matches, resolver.recorded)
        _count(result, plan)
        return result, plan

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check every row, find the tournaments and count what confirming would write; writes nothing."""
        return self._prepare(school=school, data=data, filename=filename)[0]

    @transaction.atomic
    def apply(self, *, school, data, filename, acting_user=None, request=None, batch=None, dry_run=False):
        """Validate, then write new tournaments (activities), teams, players and matches in one transaction,
        mark them with ``batch`` and audit once. Nothing is written when any row has an error."""
        result, plan = self._prepare(school=school, data=data, filename=filename)
        if plan is None or dry_run:
            return result
        made: list = []
        for event in plan.events:
            made += self._write_event(school, event, plan, acting_user)
        import_finish(result, kind="tournament", records=made, batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result

    @staticmethod
    def _write_event(school: Organization, event: _Event, plan: _Plan, acting_user) -> list:
        made: list = []
        ids = plan.team_ids(event)
        todo = [v for v in event.matches if not plan.match_exists(event, v, ids)]
        activity = event.activity
        if activity is None:
            activity = Activity.objects.create(
                organizer=school,
                title=event.title,
                type=Activity.Type.SPORTS,
                status=Activity.Status.FINISHED,
                starts_at=aware(event.new_start, dt.time(0, 0)),
                ends_at=aware(event.new_end, dt.time(23, 59)),
                created_by=acting_user,
            )
            made.append(activity)
        teams: dict[str, Team] = {}
        links = []
        for team in event.teams.values():
            record = team.existing
            if record is None:
                record = Team.objects.create(activity=activity, name=team.name, organization=team.organization)
                made.append(record)
            teams[team.name] = record
            links += [Team.players.through(team_id=record.pk, member_id=m.pk) for m in plan.new_players(team)]
        Team.players.through.objects.bulk_create(links, batch_size=1000)
        recorded = {t.name: t for t in activity.teams.all()} if todo else {}
        matches = [
            Match(
                activity=activity,
                played_on=v["played_on"],
                round_name=v.get("round_name", ""),
                home=teams.get(v["home"]) or recorded[v["home"]],
                away=teams.get(v["away"]) or recorded[v["away"]],
                home_score=v["score"][0] if v.get("score") else None,
                away_score=v["score"][1] if v.get("score") else None,
                note=v.get("note", ""),
            )
            for v in todo
        ]
        Match.objects.bulk_create(matches, batch_size=1000)
        return made + matches


IMPORTER = register(TournamentImporter())
