"""获奖名单 importer (kind ``award``): a school's past competition results (获奖名单) into ``Award``.

Columns (standard header first, then the spellings also accepted; a bracketed note in a header is ignored):

- 比赛名称 (赛事、赛事名称、竞赛名称、比赛、竞赛、比赛项目、竞赛项目) — required;
- 个人/团体 (类别、类型、参赛类别、个人或团体): 个人/个人奖/个人项目 or 团体/集体/团队/团体奖/代表队;
  blank: a team when a 团体名称 is given without 工号 or 姓名, else individual;
- 工号 (职工号、教工号), 姓名 (获奖人、获奖者、教职工姓名、职工姓名、参赛者), 部门 (所在部门、科室、处室):
  an individual winner, matched by ``members.matching.MemberMatcher``; on a team row they are not read;
- 团体名称 (队名、参赛队、队伍名称、团队名称、代表队名称): a team's name (required on a team row);
- 所属单位 (计入单位、分工会、参赛单位): the unit a team award counts for, matched by
  ``recognition.UnitMatcher`` (blank: the school); an individual award counts for the member's unit;
- 奖项 (获奖等级、奖次、名次、获奖情况、获奖名次、成绩) — required: 特等奖、一等奖、二等奖、三等奖、优秀奖 as
  they are; looser words are mapped and kept in 奖项说明 (金奖/冠军/第一名/一等 → 一等奖, 银奖/亚军/第二名 →
  二等奖, 铜奖/季军/第三名 → 三等奖, 特等 → 特等奖, 优秀/优胜奖/鼓励奖 → 优秀奖); any other words
  (最佳组织奖、第四名) are 其他奖项 with the words kept;
- 奖项说明 (奖项名称、具体奖项): the words shown for the prize (over the mapped ones);
- 级别 (比赛级别、等级、层级): as for honours; blank: read off the 授予单位;
- 授予单位 (颁发单位、主办单位、颁奖单位、发证单位);
- 获奖日期 (获奖时间、日期、时间、比赛时间、比赛日期、年份、年度) — required; a bare year is 1 January.

**Activity link**: an award is linked to the school's activity of the same title (比赛名称 = 活动名称) when
exactly one starts in the award's year on or before its date; a team award then also to that activity's
team of the same name. Otherwise it stays unlinked (an external competition).

**Natural key**: (比赛名称, 获奖日期, the member for an individual award or the 团体名称 for a team, 奖项),
within the school: a row whose award exists is skipped; two rows of one file with the same key are an error.
Imported awards are plain ``Award`` rows, so the report's ``award_stats`` (``organization`` path,
``awarded_on``) counts them like awards entered in the portal.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.matching import MemberMatcher
from members.models import ImportBatch, Organization
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    import_finish,
    register,
)
from union_portal.lib.tabular import TableFileError, clean_name, fold

from ..models import Activity, Award, Level, Team
from .recognition import LEVEL_ALIASES, UnitMatcher, award_date, level_from_grantor

KIND_ALIASES: dict[str, list[str]] = {
    Award.Kind.INDIVIDUAL: ["个人", "个人奖", "个人项目", "个人赛"],
    Award.Kind.TEAM: ["团体", "集体", "团队", "团体奖", "代表队", "团体赛", "队"],
}

Prize = Award.Prize
# Exact spellings: the prize as the portal names it (no 奖项说明 needed).
EXACT_PRIZES: dict[str, str] = {
    "特等奖": Prize.SPECIAL,
    "一等奖": Prize.FIRST,
    "二等奖": Prize.SECOND,
    "三等奖": Prize.THIRD,
    "优秀奖": Prize.EXCELLENCE,
}
# Looser words, tried in order on the folded text; the original words go to 奖项说明.
LOOSE_PRIZES: tuple[tuple[str, str], ...] = (
    (r"特等", Prize.SPECIAL),
    (r"一等|金奖|冠军|第[一1]名", Prize.FIRST),
    (r"二等|银奖|亚军|第[二2]名", Prize.SECOND),
    (r"三等|铜奖|季军|第[三3]名", Prize.THIRD),
    (r"优秀|优胜|鼓励", Prize.EXCELLENCE),
)


def read_prize(raw: object) -> tuple[str, str] | None:
    """``(Award.Prize code, 奖项说明)`` of a 奖项 cell; blank → None. Never raises.

    An exact 特等奖…优秀奖 has no 说明; a loosely mapped one keeps the cell's words (``金奖`` → first, "金奖");
    anything else is ``other`` with its words.
    """
    text = re.sub(r"\s+", "", fold(raw))
    if not text:
        return None
    if text in EXACT_PRIZES:
        return EXACT_PRIZES[text], ""
    for pattern, code in LOOSE_PRIZES:
        if re.search(pattern, text):
            return code, text[:60]
    return Prize.OTHER, text[:60]


COLUMNS = ColumnSpec(
    Column("competition", "比赛名称", ("赛事", "赛事名称", "竞赛名称", "比赛", "竞赛", "比赛项目", "竞赛项目"),
           required=True, parse=columns.text(max_length=120, too_long="比赛名称过长（最多{max}个字）"),
           blank_error="比赛名称不能为空"),
    Column("kind", "个人/团体", ("类别", "类型", "参赛类别", "个人或团体"), parse=columns.choice(KIND_ALIASES, "个人/团体"),
           default=None),
    Column("staff_no", "工号", ("职工号", "教工号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("获奖人", "获奖者", "教职工姓名", "职工姓名", "参赛者"), parse=columns.name(), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    Column("team_name", "团体名称", ("队名", "参赛队", "队伍名称", "团队名称", "代表队名称"),
           parse=columns.name(max_length=60, too_long="团体名称过长（最多{max}个字）"), default=""),
    Column("unit", "所属单位", ("计入单位", "分工会", "参赛单位"), parse=columns.name(max_length=100), default=""),
    Column("prize", "奖项", ("获奖等级", "奖次", "名次", "获奖情况", "获奖名次", "成绩"), required=True, parse=read_prize,
           blank_error="奖项不能为空"),
    Column("prize_detail", "奖项说明", ("奖项名称", "具体奖项"),
           parse=columns.text(max_length=60, too_long="奖项说明过长（最多{max}个字）"), default=""),
    Column("level", "级别", ("比赛级别", "等级", "层级"), parse=columns.choice(LEVEL_ALIASES, "级别"), default=None),
    Column("grantor", "授予单位", ("颁发单位", "主办单位", "颁奖单位", "发证单位"),
           parse=columns.text(max_length=100, too_long="授予单位过长（最多{max}个字）"), default=""),
    Column("awarded_on", "获奖日期", ("获奖时间", "日期", "时间", "比赛时间", "比赛日期", "年份", "年度"), required=True,
           parse=award_date, blank_error="获奖日期不能为空"),
)  # fmt: skip


def award_key(competition: str, awarded_on, winner: object, prize: str) -> tuple:
    """The natural key: (competition, date, member id for an individual award / team name for a team, prize)."""
    return (competition, awarded_on, winner, prize)


class _Activities:
    """The school's activities by title (one query) and their teams (one more), for the optional link."""

    def __init__(self, school: Organization):
        self.by_title: dict[str, list[Activity]] = {}
        for act in Activity.objects.filter(organizer__path__startswith=school.path).only("id", "title", "starts_at"):
            self.by_title.setdefault(clean_name(act.title), []).append(act)
        ids = [a.id for acts in self.by_title.values() for a in acts]
        self.teams = {(t.activity_id, t.name): t for t in Team.objects.filter(activity_id__in=ids)}

    def find(self, competition: str, awarded_on) -> Activity | None:
        """The one activity titled ``competition`` starting in ``awarded_on``'s year on or before it, or None."""
        starts = [(a, timezone.localtime(a.starts_at).date()) for a in self.by_title.get(clean_name(competition), [])]
        found = [a for a, day in starts if day.year == awarded_on.year and day <= awarded_on]
        return found[0] if len(found) == 1 else None


class _AwardCheck:
    """The award list's domain checks on one parsed row (``columns.validate_rows`` calls it).

    Leaves in ``row.values``: ``kind``, ``member`` (None for a team), ``team_name``, ``organization``,
    ``competition``, ``prize``, ``prize_detail``, ``level``, ``grantor``, ``awarded_on``, ``activity``,
    ``team`` (both None when not linked) and ``row``.
    """

    def __init__(self, school: Organization):
        self.school = school
        self.members = MemberMatcher(school)
        self.units = UnitMatcher(school)
        self.activities = _Activities(school)
        self.seen: dict[tuple, int] = {}

    def _individual(self, row: Row) -> None:
        member = self.members.match(row)
        row.values.update(member=member, team_name="", organization=member.organization if member else None)

    def _team(self, row: Row) -> None:
        values = row.values
        values["member"] = None
        for key in ("staff_no", "name", "department"):
            values.pop(key, None)
        if not values.get("team_name"):
            row.error("team_name", "团体奖项请填写团体名称")
        unit_text = values.get("unit") or ""
        values["organization"] = self.school
        if unit_text:
            unit, problem = self.units.match(unit_text)
            if problem:
                row.error("unit", problem)
            values["organization"] = unit

    def _level(self, row: Row) -> None:
        values = row.values
        if values.get("level") or "level" in row.error_keys():
            return
        values["level"] = level_from_grantor(values.get("grantor") or "")
        if values["level"] is None:
            row.error("level", "级别不能为空（授予单位中也看不出级别），可填写：国家级、省级、市级、区级、校级")

    def _link(self, values: dict) -> None:
        activity = self.activities.find(values["competition"], values["awarded_on"])
        values["activity"] = activity
        values["team"] = None
        if activity is not None and values["kind"] == Award.Kind.TEAM:
            values["team"] = self.activities.teams.get((activity.id, values["team_name"]))

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        kind = values.get("kind")
        if not kind:
            named = values.get("staff_no") or values.get("name")
            kind = Award.Kind.TEAM if values.get("team_name") and not named else Award.Kind.INDIVIDUAL
        values["kind"] = kind
        if kind == Award.Kind.TEAM:
            self._team(row)
        else:
            self._individual(row)
        values.pop("unit", None)
        prize = values.pop("prize", None)
        if prize is not None:
            values["prize"] = prize[0]
            values["prize_detail"] = values.get("prize_detail") or prize[1]
        self._level(row)
        if row.error_keys():
            return
        self._link(values)
        key = AwardImporter.key(values)
        if key in self.seen:
            row.error("competition", f"与第 {self.seen[key]} 行重复（同一比赛、获奖日期、获奖者和奖项）")
        else:
            self.seen[key] = row.number


def _existing_keys(school: Organization) -> set[tuple]:
    """Natural keys of the school's awards already recorded (one query)."""
    rows = Award.objects.filter(organization__path__startswith=school.path).values_list(
        "competition", "awarded_on", "kind", "member_id", "team_name", "team__name", "prize"
    )
    return {
        award_key(comp, day, member_id if kind == Award.Kind.INDIVIDUAL else (team_name or team), prize)
        for comp, day, kind, member_id, team_name, team, prize in rows
    }


def _totals(rows: list[dict]) -> dict[str, int]:
    """The file's totals: awards (项), individual and team, and by level (国家级→校级, those present)."""
    totals = {
        "获奖": len(rows),
        "个人获奖": sum(1 for r in rows if r["kind"] == Award.Kind.INDIVIDUAL),
        "团体获奖": sum(1 for r in rows if r["kind"] == Award.Kind.TEAM),
    }
    for code, label in Level.choices:
        n = sum(1 for r in rows if r["level"] == code)
        if n:
            totals[str(label)] = n
    return totals


class AwardImporter(RecordImporter):
    """获奖名单 (see the module docstring): ``validate`` and ``apply`` on the shared ``imports:`` routes."""

    kind = ImportBatch.Kind.AWARD
    done_url = "activities:awards"
    denied = _("只有学校工会主席和工会委员可以导入获奖名单。")
    title = _("导入历史获奖名单")
    preview_title = _("获奖名单导入预览")
    spec = COLUMNS
    columns_note = _(
        "个人/团体不填时，只填团体名称的行为团体；团体的所属单位不填时记入学校工会；奖项可写一等奖、金奖、冠军、"
        "第一名、优秀奖等，非标准写法的原文保留在奖项说明中；级别不填时按授予单位判断；获奖日期只写年份时按该年1月1日记。"
    )
    natural_key_help = _("比赛名称 + 获奖日期 + 获奖者（个人按教职工，团体按团体名称）+ 奖项：已有相同记录的行跳过。")
    template_headers = [
        "序号",
        "比赛名称",
        "个人/团体",
        "工号",
        "姓名",
        "团体名称",
        "所属单位",
        "奖项",
        "级别",
        "授予单位",
        "获奖日期",
    ]
    template_example = [
        1,
        "青年教师教学技能竞赛",
        "个人",
        "S0100012",
        "张伟",
        "",
        "",
        "一等奖",
        "市级",
        "郑州市教育局",
        "2024-11-20",
    ]
    template_title = "获奖名单模板"
    template_filename = "award-template.xlsx"

    @property
    def columns_help(self) -> str:
        """The accepted headers (from ``spec``, as every record importer), then how blank cells are read."""
        return f"{super().columns_help}。{self.columns_note}"

    @staticmethod
    def key(row: dict) -> tuple:
        winner = row["member"].pk if row["kind"] == Award.Kind.INDIVIDUAL else row["team_name"]
        return award_key(row["competition"], row["awarded_on"], winner, row["prize"])

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check every row without writing. ``rows``: dicts (see ``_AwardCheck``); ``created``: awards to
        write (``{"获奖": n}``); ``skipped``: rows whose award exists; ``totals``: ``_totals`` of the file."""
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result
        if not {"staff_no", "name", "team_name"} & set(table.headers):
            result.file_error = "缺少获奖者的列：工号、姓名 或 团体名称"
            return result
        rows, result.errors = validate_rows(table, COLUMNS, check=_AwardCheck(school))
        if result.errors:
            return result
        result.rows = [r.values for r in rows]
        existing = _existing_keys(school)
        new = [r for r in result.rows if self.key(r) not in existing]
        result.skipped = len(result.rows) - len(new)
        result.count("获奖", len(new))
        result.totals = _totals(result.rows)
        return result

    @transaction.atomic
    def apply(
        self,
        *,
        school: Organization,
        data: bytes,
        filename: str,
        acting_user=None,
        request=None,
        batch=None,
        dry_run: bool = False,
    ) -> RecordResult:
        """Validate and, when every row is clean, write the new awards (bulk insert, no notices), mark them
        with ``batch`` and write one audit entry. A file with any error writes nothing."""
        result = self.validate(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        existing = _existing_keys(school)
        awards = Award.objects.bulk_create(
            [
                Award(
                    organization=r["organization"],
                    activity=r["activity"],
                    competition=r["competition"],
                    kind=r["kind"],
                    member=r["member"],
                    team=r["team"],
                    team_name=r["team_name"] or "",
                    prize=r["prize"],
                    prize_detail=r["prize_detail"] or "",
                    level=r["level"],
                    grantor=r["grantor"] or "",
                    awarded_on=r["awarded_on"],
                )
                for r in result.rows
                if self.key(r) not in existing
            ],
            batch_size=1000,
        )
        import_finish(result, kind="award", records=awards, batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result


IMPORTER = register(AwardImporter())
