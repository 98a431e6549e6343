"""Demo records of 文体活动 for one school, modelled on the seeds, anchored to ``ctx.today``.

Every calendar year from ``ctx.first_year`` up to ``ctx.today`` (events after
today left out) gets the same templates with year-dependent variation from
``ctx.rng`` (dates, titles, turnout, budgets): the 元旦 gala with a headcount of
about 520 (seed 000), 三八 and 六一 events with families, a 心理健康 lecture and a
health lecture, 登山 and 健步走, the 教职工运动会 with sub-union teams, a 气排球比赛
of 15 teams, 12 players each, over three weeks and 53 matches (seed), 跳绳, a
skills contest and the 省教学技能竞赛 prizes, 无偿献血, 重阳 for retirees, a
作品展, and sub-union activities (``SUB_UNION_PER_YEAR`` × scale) paid from their
funds (about 5.9万元 × scale in the last full year). Six interest groups meet
every other week; individual and collective honours (五一劳动奖章, 教学标兵, 模范
职工之家 …) come every year. Plus upcoming activities relative to ``ctx.today``.

Every random choice comes from ``ctx.rng``; rows are written with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from activities.models import (
    Activity,
    ActivityPhoto,
    Award,
    GroupSession,
    Honor,
    InterestGroup,
    Level,
    Match,
    Registration,
    SubUnionFund,
    Team,
)
from members.models import FamilyMember, Gender, MemberStatus, Organization

SUB_UNION_PER_YEAR = 6  # sub-union activities a year per unit of scale
T = Activity.Type
A = Activity.Audience
F = Activity.FundingSource

SUB_UNION_TEMPLATES = [
    ("{sub}掼蛋比赛", T.SPORTS, "教工之家活动室"),
    ("{sub}迎新年文艺汇演", T.PERFORMANCE, "报告厅"),
    ("{sub}户外拓展训练", T.SPORTS, "滨江拓展基地"),
    ("{sub}趣味运动会", T.SPORTS, "田径场"),
    ("{sub}读书分享会", T.LECTURE, "图书馆三楼"),
    ("{sub}赴乡村学校送教交流", T.CHARITY, "城郊中心小学"),
    ("{sub}健康徒步", T.SPORTS, "滨江绿道"),
    ("{sub}茶艺插花体验", T.INTEREST, "教工之家"),
]

GALA_SLOGANS = [
    "“凝心聚力 再创辉煌”",
    "“奋进新征程 筑梦新时代”",
    "“同心同行 共创未来”",
    "“喜迎新春 共筑梦想”",
    "“赓续初心 乘风破浪”",
    "“踔厉奋发 笃行不怠”",
]
# (title, place, description)
WOMENS_DAY = [
    ("三八节女教职工趣味活动", "体育馆", "踢毽子、趣味投篮、亲子夹球跑，欢迎带孩子一起参加。"),
    ("三八节女教职工健步走", "滨江绿道", "女教职工结伴健步走，欢迎带孩子一起参加。"),
    ("“巾帼心向党”三八节插花沙龙", "教工之家", "邀请花艺师现场指导插花，欢迎带孩子一起参加。"),
]
# (title, description)
LECTURES = [
    ("《缔造和谐的关系》教师心理健康讲座", "邀请市心理健康教育中心专家主讲，提升教师心理调控能力。"),
    ("教师职业压力调适讲座", "邀请高校心理学教授主讲，帮助教师识别和缓解职业压力。"),
    ("《做幸福的教育者》心理健康讲座", "邀请市心理健康教育中心专家主讲，引导教师悦纳自我。"),
    ("《教师情绪管理与自我关怀》讲座", "邀请心理咨询师主讲，分享情绪调节的方法。"),
]
HEALTH_LECTURES = [
    ("教职工健康知识讲座：颈椎与用嗓保健", "邀请市第一人民医院专家主讲。"),
    ("教职工健康知识讲座：慢病预防与合理膳食", "邀请市疾控中心专家主讲。"),
    ("教职工健康知识讲座：常见急救技能", "邀请市急救中心医生现场教学心肺复苏。"),
]
KIDS_DAY = [
    ("“庆六一”教职工子女讲红色故事、经典诗歌诵读", "学校小剧场", "引导孩子从小发扬红色传统、传承红色基因。"),
    ("“庆六一”亲子绘本共读", "图书馆", "教职工和孩子一起读绘本、做手工。"),
    ("“庆六一”教职工子女才艺展示", "学校小剧场", "孩子们表演歌舞、乐器和朗诵。"),
]
VISITS = [
    ("赴红色教育基地参观学习", "新四军纪念馆"),
    ("赴革命纪念馆开展主题教育", "雨花台烈士纪念馆"),
    ("赴乡村振兴示范村参观学习", "滨江区桃源村"),
]
# (competition, team, level, grantor, month, day): prizes won outside the school every year
OUTSIDE_TEAM_PRIZES = [
    ("区教育系统教职工篮球比赛", "学校教工篮球队", Level.DISTRICT, "滨江区教育工会", 11, 26),
    ("市教职工气排球联赛", "学校教工气排球队", Level.MUNICIPAL, "市教科文卫体工会", 12, 3),
    ("区教职工三人篮球赛", "学校教工篮球队", Level.DISTRICT, "滨江区总工会", 4, 25),
]

INTEREST_GROUPS = [
    ("篮球队", "每周二、周四 16:40—18:00", "体育馆", "教工篮球队，参加区教育系统篮球比赛。"),
    ("瑜伽班", "每周三 16:30—17:30", "形体房", "聘请专业老师授课，舒缓身心。"),
    ("跑步队", "每周六 7:00", "滨江绿道", "结伴晨跑，每月一次十公里拉练。"),
    ("羽毛球协会", "每周一、周五 17:00—18:30", "体育馆", "会员自愿参加，定期举办友谊赛。"),
    ("书画社", "每周四 15:30—17:00", "美术教室", "书法、国画交流，每年举办作品展。"),
    ("教工合唱团", "每周二 16:30—18:00", "音乐厅", "排练元旦联欢会和“七一”合唱节目。"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _sub_of(member) -> int | None:
    org = member.organization
    if org.kind == Organization.Kind.GROUP:
        return org.parent_id
    if org.kind == Organization.Kind.SUB_UNION:
        return org.pk
    return None


def _money(rng, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high) * 10)


def _photo_bytes(rng, title: str) -> bytes:
    """A simple illustrative picture (gradient, shapes and the title) rendered with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = 960, 640
    top = (rng.randrange(150, 220), rng.randrange(30, 80), rng.randrange(30, 70))
    bottom = (rng.randrange(230, 255), rng.randrange(180, 230), rng.randrange(120, 180))
    img = Image.new("RGB", (w, h), top)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / h
        draw.line([(0, y), (w, y)], fill=tuple(int(top[i] * (1 - t) + bottom[i] * t) for i in range(3)))
    for _ in range(14):
        x, y, r = rng.randrange(w), rng.randrange(h // 2, h), rng.randrange(12, 40)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, 90), outline=(255, 240, 200))
    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 44)
    except OSError:
        font = ImageFont.load_default()
    draw.text((w // 2, h // 3), title, fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


class _Loader:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.scale = ctx.scale
        self.school = ctx.school
        self.year = ctx.year
        self.activities: list[Activity] = []
        self.regs: list[tuple[Activity, list]] = []  # (activity, [(member, family, status, checked_in)])
        self.subs = [s for s in ctx.sub_unions if s.name != "离退休分工会"]
        self._pools(None)

    def _pools(self, day: dt.date | None) -> None:
        """Who can take part: union members on the staff on ``day`` (today's when ``None``), the
        women among them, the retirees by then, and the staff by sub-union."""
        ctx = self.ctx
        if day is None:
            self.active = [m for m in ctx.members if m.status == MemberStatus.ACTIVE and m.is_union_member]
            self.retirees = [m for m in ctx.members if m.status == MemberStatus.RETIRED]
        else:
            self.active = [m for m in ctx.staff_on(day) if m.is_union_member]
            self.retirees = ctx.retirees_on(day)
        self.women = [m for m in self.active if m.gender == Gender.FEMALE]
        self.by_sub: dict[int, list] = {}
        for m in self.active:
            self.by_sub.setdefault(_sub_of(m), []).append(m)

    # -- helpers --------------------------------------------------------------------------------
    def add(
        self,
        title,
        type_,
        day,
        *,
        hours=(15, 17),
        days=1,
        place="",
        audience=A.ALL,
        organizer=None,
        status=Activity.Status.FINISHED,
        capacity=None,
        families=False,
        budget=None,
        spent=None,
        funding=F.UNION,
        headcount=None,
        note="",
        description="",
        reg_window=None,
    ) -> Activity | None:
        """Queue one activity; ``None`` for a finished (or cancelled) one not yet over by ``ctx.today``."""
        if status != Activity.Status.OPEN and status != Activity.Status.PLANNED:
            if day + dt.timedelta(days=days - 1) >= self.ctx.today:
                return None
        start = _at(day, hours[0])
        end = _at(day + dt.timedelta(days=days - 1), hours[1])
        opens = closes = None
        if reg_window:
            opens, closes = reg_window
        elif capacity or status != Activity.Status.PLANNED:
            opens, closes = start - dt.timedelta(days=14), start - dt.timedelta(days=1)
        act = Activity(
            organizer=organizer or self.school,
            title=title,
            type=type_,
            starts_at=start,
            ends_at=end,
            place=place,
            description=description,
            audience=audience,
            admits_families=families,
            capacity=capacity,
            registration_opens_at=opens,
            registration_closes_at=closes,
            budget=budget,
            spent=spent,
            funding_source=funding,
            status=status,
            headcount=headcount,
            headcount_note=note,
        )
        self.activities.append(act)
        return act

    def register(
        self, act: Activity | None, pool: list, n: int, *, family_children: int = 0, checked=True, cancel=0.03
    ):
        if act is None:
            return
        n = min(n, len(pool))
        chosen = self.rng.sample(pool, n)
        rows = []
        for m in chosen:
            status = Registration.Status.CANCELLED if self.rng.random() < cancel else Registration.Status.REGISTERED
            rows.append(
                (m, None, status, checked and status == Registration.Status.REGISTERED and self.rng.random() < 0.93)
            )
        if family_children:
            chosen_pks = {m.pk for m in chosen}
            kids = [f for f in self.children if f.member_id in chosen_pks]
            for f in self.rng.sample(kids, min(family_children, len(kids))):
                rows.append((self.member_by_pk[f.member_id], f, Registration.Status.REGISTERED, checked))
        self.regs.append((act, rows))

    # -- the years ----------------------------------------------------------------------------------
    def load(self):
        ctx = self.ctx
        self.member_by_pk = {m.pk: m for m in ctx.members}
        self.children = list(
            FamilyMember.objects.filter(member__school=self.school, relation=FamilyMember.Relation.CHILD).order_by("pk")
        )
        self.years: dict[int, dict] = {}
        for y in ctx.years:
            self._pools(dt.date(y, 1, 1))
            self.years[y] = self._year(y)
            self._sub_union_year(y)
        self._pools(None)
        self._upcoming()

        self._plan_funds()
        Activity.objects.bulk_create(self.activities, batch_size=500)
        self._registrations()
        for y, acts in self.years.items():
            self._pools(dt.date(y, 1, 1))
            self._teams(y, acts.get("meet"), acts.get("volley"))
            self._awards(y, acts)
        self._honors()
        self._pools(None)
        self._funds()
        self._groups()
        shown = self.years.get(self.year, {})
        self._photos([shown[k] for k in ("gala", "meet", "volley", "kids_day", "exhibition") if shown.get(k)])

    def _year(self, y: int) -> dict:
        """One calendar year's school-level activities from the templates (those before today)."""
        ctx, rng, s = self.ctx, self.rng, self.scale
        n_active = len(self.active)
        growth = 1 + 0.04 * (y - self.year)  # budgets grow a little year on year

        def money(amount: int) -> Decimal:
            return Decimal(round(amount * s * growth * rng.uniform(0.96, 1.04), -1))

        def cost(budget: int, share: float) -> tuple[Decimal, Decimal]:
            b = money(budget)
            return b, (b * Decimal(str(share)) * Decimal(str(round(rng.uniform(0.97, 1.0), 3)))).quantize(Decimal("1"))

        acts: dict = {}
        budget, spent = cost(38000, 0.958)
        acts["gala"] = self.add(
            f"{GALA_SLOGANS[y % len(GALA_SLOGANS)]}{y}年元旦联欢会",
            T.PERFORMANCE,
            dt.date(y, 1, 8) + dt.timedelta(days=rng.randrange(0, 5)),
            hours=(18, 21),
            place="学校大礼堂",
            audience=A.FAMILIES,
            budget=budget,
            spent=spent,
            funding=F.UNION,
            headcount=round(520 * s * rng.uniform(0.97, 1.05)),
            note="邀请教师、家长、学生现场观看，按入场券统计（约数）",
            description="全校教师自编自演节目，抽奖与节目有机结合，展示教师积极向上的精神风貌。",
        )
        title, place, desc = WOMENS_DAY[y % len(WOMENS_DAY)]
        budget, spent = cost(12000, 0.94)
        women_day = self.add(
            title,
            T.FESTIVAL,
            dt.date(y, 3, 5) + dt.timedelta(days=rng.randrange(0, 3)),
            hours=(15, 17),
            place=place,
            audience=A.WOMEN,
            families=True,
            capacity=int(len(self.women) * 0.9) + 20 * s,
            budget=budget,
            spent=spent,
            funding=F.SCHOOL_WELFARE,
            description=desc,
        )
        self.register(women_day, self.women, int(len(self.women) * rng.uniform(0.7, 0.82)), family_children=18 * s)
        budget, spent = cost(6000, 0.91)
        climb = self.add(
            "教职工春季登山活动", T.SPORTS, dt.date(y, 3, 24) + dt.timedelta(days=rng.randrange(0, 7)),
            hours=(8, 12), place=rng.choice(["紫金山", "栖霞山", "牛首山"]), budget=budget, spent=spent,
        )  # fmt: skip
        self.register(climb, self.active, int(n_active * rng.uniform(0.45, 0.58)))
        budget, spent = cost(4000, 0.94)
        walk = self.add(
            "教工健步走活动", T.SPORTS, dt.date(y, 4, 8) + dt.timedelta(days=rng.randrange(0, 5)),
            hours=(8, 11), place="滨江绿道", budget=budget, spent=spent,
        )  # fmt: skip
        self.register(walk, self.active, int(n_active * rng.uniform(0.5, 0.62)))
        title, desc = LECTURES[y % len(LECTURES)]
        budget = money(3000)
        lecture = self.add(
            title, T.LECTURE, dt.date(y, 4, 19) + dt.timedelta(days=rng.randrange(0, 5)), hours=(15, 17),
            place="学术报告厅", capacity=200 * s, budget=budget, spent=budget, description=desc,
        )  # fmt: skip
        self.register(lecture, self.active, int(n_active * rng.uniform(0.45, 0.56)))
        budget, spent = cost(5000, 0.93)
        acts["skills"] = self.add(
            "青年教师教学技能竞赛（校内选拔）", T.SKILLS, dt.date(y, 4, 26) + dt.timedelta(days=rng.randrange(0, 4)),
            hours=(8, 17), place="录播教室", capacity=40 * s, budget=budget, spent=spent,
        )  # fmt: skip
        young = [m for m in self.active if m.birth_date and m.birth_date.year >= y - 35] or self.active
        self.register(acts["skills"], young, rng.randrange(26, 34) * s)
        budget, spent = cost(3000, 0.95)
        acts["rope"] = self.add(
            "教工跳绳比赛", T.SPORTS, dt.date(y, 5, 12) + dt.timedelta(days=rng.randrange(0, 4)), hours=(16, 18),
            place="田径场", budget=budget, spent=spent,
        )  # fmt: skip
        self.register(acts["rope"], self.active, int(n_active * rng.uniform(0.28, 0.36)))
        title, place, desc = KIDS_DAY[y % len(KIDS_DAY)]
        budget, spent = cost(5000, 0.94)
        acts["kids_day"] = self.add(
            title, T.FESTIVAL, dt.date(y, 5, 28) + dt.timedelta(days=rng.randrange(0, 3)), hours=(9, 11),
            place=place, audience=A.FAMILIES, families=True, capacity=120 * s, budget=budget, spent=spent,
            description=desc,
        )  # fmt: skip
        self.register(
            acts["kids_day"], self.active, rng.randrange(28, 38) * s, family_children=rng.randrange(45, 62) * s
        )
        budget, spent = cost(4000, 0.96)
        single = self.add(
            "单身青年教职工联谊活动", T.OTHER, dt.date(y, 6, 17) + dt.timedelta(days=rng.randrange(0, 5)),
            hours=(14, 18), place=rng.choice(["滨江湿地公园", "滨江拓展基地"]), capacity=40 * s,
            budget=budget, spent=spent,
        )  # fmt: skip
        self.register(single, young, rng.randrange(26, 34) * s)
        title, place = VISITS[y % len(VISITS)]
        budget, spent = cost(15000, 0.95)
        visit = self.add(
            title, T.VISIT, dt.date(y, 7, 8) + dt.timedelta(days=rng.randrange(0, 5)), hours=(7, 18), place=place,
            capacity=50 * s, budget=budget, spent=spent,
        )  # fmt: skip
        self.register(visit, self.active, 50 * s)
        if y == ctx.first_year:
            self.add(
                "暑期教职工户外拓展", T.SPORTS, dt.date(y, 8, 7), place="滨江拓展基地",
                status=Activity.Status.CANCELLED, capacity=80 * s, budget=money(16000), description="因台风天气取消。",
            )  # fmt: skip
        blood = self.add(
            "“热血铸师魂”无偿献血", T.CHARITY, dt.date(y, 8, 23) + dt.timedelta(days=rng.randrange(0, 5)),
            hours=(9, 12), place="学校门口献血车",
        )  # fmt: skip
        self.register(blood, self.active, int(n_active * rng.uniform(0.15, 0.2)))
        budget, spent = cost(2500, 0.96)
        acts["speech"] = self.add(
            "“师德师风”演讲比赛", T.SKILLS, dt.date(y, 9, 7) + dt.timedelta(days=rng.randrange(0, 3)),
            hours=(15, 17), place="学术报告厅", budget=budget, spent=spent,
        )  # fmt: skip
        self.register(acts["speech"], young, rng.randrange(14, 19) * s)
        budget, spent = cost(8000, 0.95)
        moon = self.add(
            "中秋游园猜灯谜", T.FESTIVAL, dt.date(y, 9, 15) + dt.timedelta(days=rng.randrange(0, 7)), hours=(15, 17),
            place="校园中心广场", audience=A.FAMILIES, families=True, budget=budget, spent=spent,
        )  # fmt: skip
        self.register(
            moon, self.active, int(n_active * rng.uniform(0.42, 0.52)), family_children=rng.randrange(25, 35) * s
        )
        budget, spent = cost(9000, 0.95)
        elders = self.add(
            "重阳节离退休教职工登高敬老活动", T.FESTIVAL, dt.date(y, 10, 12) + dt.timedelta(days=rng.randrange(0, 5)),
            hours=(9, 15), place=rng.choice(["栖霞山", "紫金山"]), audience=A.RETIREES, budget=budget, spent=spent,
            funding=F.SCHOOL_WELFARE,
        )  # fmt: skip
        self.register(elders, self.retirees, int(len(self.retirees) * rng.uniform(0.5, 0.65)))
        budget, spent = cost(26000, 0.97)
        acts["meet"] = self.add(
            f"第{10 + ctx.index + y - self.year}届教职工运动会", T.SPORTS,
            dt.date(y, 10, 20) + dt.timedelta(days=rng.randrange(0, 5)), hours=(8, 17), days=2, place="学校田径场",
            budget=budget, spent=spent,
            description="各二级工会组队参赛，设50米迎面接力、拔河、托球跑、跳绳等项目。",
        )  # fmt: skip
        budget, spent = cost(12000, 0.945)
        acts["volley"] = self.add(
            "教职工气排球比赛", T.SPORTS, dt.date(y, 10, 30) + dt.timedelta(days=rng.randrange(0, 4)),
            hours=(16, 18), days=19, place="体育馆", budget=budget, spent=spent,
            description="15支队伍分两个小组循环，再进行交叉淘汰赛，历时3周。",
        )  # fmt: skip
        title, desc = HEALTH_LECTURES[y % len(HEALTH_LECTURES)]
        budget = money(2000)
        health = self.add(
            title, T.LECTURE, dt.date(y, 11, 22) + dt.timedelta(days=rng.randrange(0, 5)), hours=(15, 17),
            place="学术报告厅", capacity=150 * s, budget=budget, spent=budget, description=desc,
        )  # fmt: skip
        self.register(health, self.active, int(n_active * rng.uniform(0.34, 0.42)))
        budget, spent = cost(4000, 0.98)
        acts["exhibition"] = self.add(
            "教职工书法绘画摄影作品展", T.PERFORMANCE, dt.date(y, 12, 8) + dt.timedelta(days=rng.randrange(0, 4)),
            hours=(9, 17), days=5, place="图书馆展厅", headcount=round(300 * s * rng.uniform(0.9, 1.1)),
            note="展期5天，按观展登记簿统计", budget=budget, spent=spent,
        )  # fmt: skip
        return {k: v for k, v in acts.items() if v is not None}

    def _sub_union_year(self, y: int) -> None:
        """Sub-union activities of one year (``SUB_UNION_PER_YEAR`` × scale), paid from their funds."""
        rng = self.rng
        n = round(SUB_UNION_PER_YEAR * self.scale * rng.uniform(0.85, 1.15))
        for i in range(n):
            sub = self.subs[(i + y) % len(self.subs)]
            title, type_, place = SUB_UNION_TEMPLATES[(i // len(self.subs) + i + y) % len(SUB_UNION_TEMPLATES)]
            day = dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(20, 350))
            spent = _money(rng, 120, 380)
            act = self.add(
                title.format(sub=sub.name.replace("分工会", "")), type_, day, hours=(15, 18), place=place,
                organizer=sub, budget=spent + _money(rng, 0, 40), spent=spent, funding=F.SUB_UNION,
            )  # fmt: skip
            pool = self.by_sub.get(sub.pk) or self.active
            self.register(act, pool, max(int(len(pool) * rng.uniform(0.5, 0.9)), 1))

    def _upcoming(self) -> None:
        """Activities after ``ctx.today``: two open for registration, one planned."""
        s = self.scale
        today = self.ctx.today
        now = _at(today, 8)
        up_open = self.add(
            "教职工羽毛球混合双打比赛",
            T.SPORTS,
            today + dt.timedelta(days=12),
            hours=(16, 18),
            place="体育馆",
            status=Activity.Status.OPEN,
            capacity=32 * s,
            budget=Decimal(3000 * s),
            reg_window=(now - dt.timedelta(days=3), now + dt.timedelta(days=9)),
        )
        self.register(up_open, self.active, 32 * s - 2, checked=False, cancel=0)
        up_family = self.add(
            "教职工亲子科技馆研学",
            T.VISIT,
            today + dt.timedelta(days=20),
            hours=(9, 12),
            place="市科技馆",
            status=Activity.Status.OPEN,
            audience=A.FAMILIES,
            families=True,
            capacity=60 * s,
            budget=Decimal(5000 * s),
            reg_window=(now - dt.timedelta(days=1), now + dt.timedelta(days=15)),
        )
        self.register(up_family, self.active, 15 * s, family_children=12 * s, checked=False, cancel=0)
        self.add(
            "教职工心理健康团体辅导",
            T.LECTURE,
            today + dt.timedelta(days=35),
            hours=(15, 17),
            place="心理咨询室",
            status=Activity.Status.PLANNED,
        )

    def _registrations(self):
        rows = []
        for act, people in self.regs:
            base = act.registration_opens_at or (act.starts_at - dt.timedelta(days=7))
            span = max(int(((act.registration_closes_at or act.starts_at) - base).total_seconds()), 3600)
            for m, fam, status, checked in people:
                at = base + dt.timedelta(seconds=self.rng.randrange(span))
                rows.append(
                    Registration(
                        activity=act,
                        member=m,
                        family_member=fam,
                        status=status,
                        registered_at=at,
                        cancelled_at=at + dt.timedelta(hours=20) if status == Registration.Status.CANCELLED else None,
                        checked_in_at=act.starts_at + dt.timedelta(minutes=self.rng.randrange(-20, 25))
                        if checked
                        else None,
                    )
                )
        Registration.objects.bulk_create(rows, batch_size=2000)

    def _teams(self, y: int, meet: Activity | None, volley: Activity | None):
        rng = self.rng
        events = [e for e in (meet, volley) if e is not None]
        teams = []
        for event in events:
            for sub in self.subs[:15]:
                teams.append(Team(activity=event, name=sub.name.replace("分工会", "队"), organization=sub))
        Team.objects.bulk_create(teams)
        Through = Team.players.through
        links, meet_regs = [], []
        for t in teams:
            pool = self.by_sub.get(t.organization_id, [])
            if meet is not None and t.activity_id == meet.pk:
                players = rng.sample(pool, int(len(pool) * rng.uniform(0.65, 0.78))) if pool else []
                for m in players:
                    meet_regs.append(
                        Registration(
                            activity=meet,
                            member=m,
                            registered_at=meet.starts_at - dt.timedelta(days=10),
                            checked_in_at=meet.starts_at,
                        )
                    )
            else:
                players = rng.sample(pool, min(12 * self.scale, len(pool)))
            links.extend(Through(team_id=t.pk, member_id=m.pk) for m in players)
        Through.objects.bulk_create(links, batch_size=2000)
        Registration.objects.bulk_create(meet_regs, batch_size=2000)
        podiums = self.years[y]
        if meet is not None:
            podiums["meet_podium"] = rng.sample([t for t in teams if t.activity_id == meet.pk], 3)
        if volley is None:
            return
        # 气排球: two round-robin groups (8 and 7 teams), then semi-finals, 3rd place and final: 53 matches
        vt = [t for t in teams if t.activity_id == volley.pk]
        rng.shuffle(vt)  # a different draw every year
        start = volley.starts_at.date()
        matches = []
        day = 0
        for group in (vt[:8], vt[8:]):
            for i in range(len(group)):
                for j in range(i + 1, len(group)):
                    loser = rng.randrange(0, 2)  # best of three sets: 2:0 or 2:1
                    h, a = (2, loser) if rng.random() < 0.5 else (loser, 2)
                    matches.append(
                        Match(
                            activity=volley,
                            round_name="小组赛",
                            played_on=start + dt.timedelta(days=day % 15),
                            home=group[i],
                            away=group[j],
                            home_score=h,
                            away_score=a,
                        )
                    )
                    day += 1
        last = volley.ends_at.date()
        for h, a in [(vt[0], vt[9]), (vt[8], vt[1])]:
            matches.append(
                Match(
                    activity=volley, round_name="半决赛", played_on=last - dt.timedelta(days=2), home=h, away=a,
                    home_score=2, away_score=rng.randrange(0, 2),
                )
            )  # fmt: skip
        matches.append(
            Match(
                activity=volley, round_name="三四名决赛", played_on=last, home=vt[9], away=vt[1], home_score=2,
                away_score=1,
            )
        )  # fmt: skip
        matches.append(
            Match(
                activity=volley, round_name="决赛", played_on=last, home=vt[0], away=vt[8], home_score=2, away_score=1
            )
        )
        Match.objects.bulk_create(matches)
        podiums["volley_podium"] = [vt[0], vt[8], vt[9]]

    def _awards(self, y: int, acts: dict):
        """One year's prizes: the provincial skills contest, the year's school contests and tournaments,
        and district, municipal and national prizes (those dated before today)."""
        rng, s, today = self.rng, self.scale, self.ctx.today
        P = Award.Prize
        rows = []
        teachers = [m for m in self.active if m.is_teacher] or self.active
        picks = rng.sample(teachers, min(len(teachers), 6 + 14 * s))
        contest = dt.date(y, 6, 16) + dt.timedelta(days=rng.randrange(0, 5))
        n_first = rng.choice([2, 3, 3])
        for i, m in enumerate(picks[:6]):
            rows.append(
                Award(
                    organization=m.organization, competition="河南省教学技能竞赛", kind=Award.Kind.INDIVIDUAL,
                    member=m, prize=P.FIRST if i < n_first else P.SECOND, level=Level.PROVINCIAL,
                    grantor="河南省教科文卫体工会", awarded_on=contest,
                )
            )  # fmt: skip
        internal = [acts.get(k) for k in ("skills", "rope", "speech")]
        internal = [a for a in internal if a is not None]
        for k, m in enumerate(picks[6:] if internal else []):
            act = internal[k % len(internal)]
            prize = [P.FIRST, P.SECOND, P.SECOND, P.THIRD, P.THIRD, P.THIRD, P.EXCELLENCE][k % 7]
            rows.append(
                Award(
                    organization=m.organization, activity=act, competition=act.title, kind=Award.Kind.INDIVIDUAL,
                    member=m, prize=prize, level=Level.SCHOOL, grantor=self.school.name,
                    awarded_on=act.starts_at.date(),
                )
            )  # fmt: skip
        for key, podium_key, suffix in (("volley", "volley_podium", ""), ("meet", "meet_podium", "团体总分")):
            event = acts.get(key)
            for team, prize in zip(acts.get(podium_key, []), (P.FIRST, P.SECOND, P.THIRD), strict=False):
                rows.append(
                    Award(
                        organization=team.organization, activity=event, competition=f"{event.title}{suffix}",
                        kind=Award.Kind.TEAM, team=team, prize=prize, level=Level.SCHOOL, grantor=self.school.name,
                        awarded_on=event.ends_at.date(),
                    )
                )  # fmt: skip
        for competition, team_name, level, grantor, month, day in OUTSIDE_TEAM_PRIZES:
            rows.append(
                Award(
                    organization=self.school, competition=competition, kind=Award.Kind.TEAM, team_name=team_name,
                    prize=rng.choice([P.FIRST, P.SECOND, P.SECOND, P.THIRD]), level=level, grantor=grantor,
                    awarded_on=dt.date(y, month, day),
                )
            )  # fmt: skip
        star = picks[0]
        rows.append(
            Award(
                organization=star.organization, competition="全国教职工微视频征集展示", kind=Award.Kind.INDIVIDUAL,
                member=star, prize=P.EXCELLENCE, level=Level.NATIONAL, grantor="中国教科文卫体工会",
                awarded_on=dt.date(y, 9, 30),
            )
        )  # fmt: skip
        Award.objects.bulk_create([r for r in rows if r.awarded_on < today])
        self.years[y]["skill_winners"] = picks[:n_first] if contest < today else []

    def _honors(self):
        """Named honours of every year, with level and grantor (those dated before today)."""
        rng, s, today = self.rng, self.scale, self.ctx.today
        H = Honor.Kind
        rows = []

        def ind(m, title, level, grantor, day):
            rows.append(
                Honor(
                    kind=H.INDIVIDUAL, member=m, organization=m.organization, title=title, level=level,
                    grantor=grantor, awarded_on=day,
                )
            )  # fmt: skip

        def coll(org, title, level, grantor, day):
            rows.append(
                Honor(kind=H.COLLECTIVE, organization=org, title=title, level=level, grantor=grantor, awarded_on=day)
            )

        for y, acts in self.years.items():
            self._pools(dt.date(y, 1, 1))
            winners = acts.get("skill_winners", [])
            pool = [m for m in self.active if m not in winners]
            named = rng.sample(pool, min(len(pool), 12 + rng.randrange(5, 8) * s))
            if rng.random() < 0.5:
                ind(named[0], "河南省五一劳动奖章", Level.PROVINCIAL, "河南省总工会", dt.date(y, 4, 28))
            ind(named[1], "郑州市五一劳动奖章", Level.MUNICIPAL, "郑州市总工会", dt.date(y, 4, 29))
            for m in winners:
                ind(m, "河南省教学标兵", Level.PROVINCIAL, "河南省教育厅", dt.date(y, 7, 2))
            for m in named[2 : 2 + rng.randrange(2, 4)]:
                ind(m, "郑州市优秀教师", Level.MUNICIPAL, "郑州市教育局", dt.date(y, 9, 8))
            for m in named[5:7]:
                ind(m, "区师德标兵", Level.DISTRICT, "滨江区教育局", dt.date(y, 9, 9))
            for m in named[7:9]:
                ind(m, "巾帼建功标兵", Level.SCHOOL, self.school.name, dt.date(y, 3, 8))
            for m in named[9:12]:
                ind(m, "优秀工会积极分子", Level.DISTRICT, "滨江区教育工会", dt.date(y, 12, 20))
            for m in named[12:]:
                ind(m, "校优秀工会会员", Level.SCHOOL, self.school.name, dt.date(y, 12, 28))
            if rng.random() < 0.7:
                coll(self.school, "郑州市基层工会工作先进单位", Level.MUNICIPAL, "郑州市总工会", dt.date(y, 12, 15))
            if y == self.year:
                coll(self.school, "河南省模范职工之家", Level.PROVINCIAL, "河南省总工会", dt.date(y, 5, 20))
            for sub in rng.sample(self.subs, 3):
                coll(sub, "模范职工小家", Level.DISTRICT, "滨江区教育工会", dt.date(y, 11, 10))
            coll(rng.choice(self.subs), "三八红旗集体", Level.MUNICIPAL, "郑州市妇女联合会", dt.date(y, 3, 5))
        Honor.objects.bulk_create([r for r in rows if r.awarded_on < today])

    def _plan_funds(self):
        """Allocate each year's sub-union funds (about 5.9万元 × scale in the last full year, a little
        less in earlier years) by member count, and let each sub-union spend roughly 85 % of it over
        its own activities of the year."""
        s = self.scale
        sizes = {sub.pk: max(len(self.by_sub.get(sub.pk, [])), 1) for sub in self.ctx.sub_unions}
        sizes[self.ctx.sub_unions[-1].pk] = max(len(self.retirees) // 3, 1)
        total = sum(sizes.values())
        self.fund_rows = []
        for year in self.ctx.years:
            amount = 59000 - 1750 * (self.year - year)
            for sub in self.ctx.sub_unions:
                share = Decimal(round(amount * s * sizes[sub.pk] / total, -2))
                self.fund_rows.append(
                    SubUnionFund(organization=sub, year=year, allocation=share, note="按会员人数核定")
                )
                acts = [
                    a
                    for a in self.activities
                    if a.organizer_id == sub.pk and a.funding_source == F.SUB_UNION and a.starts_at.year == year
                ]
                for a in acts:
                    part = share * Decimal("0.85") / len(acts) * Decimal(self.rng.uniform(0.8, 1.15))
                    a.spent = part.quantize(Decimal("1"))
                    a.budget = (part * Decimal("1.1")).quantize(Decimal("100"))

    def _funds(self):
        SubUnionFund.objects.bulk_create(self.fund_rows)

    def _groups(self):
        """Six interest groups meeting every other week from ``ctx.first_year`` to today (not in
        February or the summer holiday). Group sizes grow with scale up to twice the scale-1 size."""
        rng, today = self.rng, self.ctx.today
        s = min(self.scale, 2)
        groups = []
        members_for = []
        for name, schedule, place, desc in INTEREST_GROUPS:
            pool = self.women if name == "瑜伽班" and self.women else self.active
            n = min(len(pool), rng.randrange(12, 30) * s)
            members = rng.sample(pool, n)
            groups.append(
                InterestGroup(
                    organization=self.school,
                    name=name,
                    leader=members[0],
                    schedule=schedule,
                    place=place,
                    description=desc,
                    founded_on=dt.date(self.ctx.first_year - rng.randrange(1, 6), 9, 1),
                )
            )
            members_for.append(members)
        InterestGroup.objects.bulk_create(groups)
        Through = InterestGroup.members.through
        Through.objects.bulk_create(
            [
                Through(interestgroup_id=g.pk, member_id=m.pk)
                for g, ms in zip(groups, members_for, strict=True)
                for m in ms
            ],
            batch_size=2000,
        )
        sessions, attendance_for = [], []
        for g, ms in zip(groups, members_for, strict=True):
            day = dt.date(self.ctx.first_year, 1, 4) + dt.timedelta(days=rng.randrange(0, 6))
            while day < today:
                if not (dt.date(day.year, 7, 10) <= day <= dt.date(day.year, 8, 25)) and day.month != 2:
                    sessions.append(GroupSession(group=g, held_on=day, topic="常规活动"))
                    attendance_for.append([m for m in ms if rng.random() < 0.72 and m.hired_on <= day])
                day += dt.timedelta(days=14)
        GroupSession.objects.bulk_create(sessions, batch_size=1000)
        Att = GroupSession.attendees.through
        Att.objects.bulk_create(
            [
                Att(groupsession_id=sess.pk, member_id=m.pk)
                for sess, ms in zip(sessions, attendance_for, strict=True)
                for m in ms
            ],
            batch_size=5000,
        )

    def _photos(self, acts):
        rows = []
        for act in acts:
            for k in range(2):
                data = _photo_bytes(self.rng, act.title[:16])
                name = default_storage.save(
                    f"activities/photos/demo/{self.school.code}-{act.pk}-{k}.jpg", ContentFile(data)
                )
                rows.append(
                    ActivityPhoto(activity=act, image=name, width=960, height=640, caption=["活动现场", "合影留念"][k])
                )
        ActivityPhoto.objects.bulk_create(rows)


def load(ctx) -> None:
    """Create one school's activities, registrations, teams, awards, honours, funds, groups and photos."""
    _Loader(ctx).load()
