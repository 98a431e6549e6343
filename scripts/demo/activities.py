"""Demo records of 文体活动 for one school, modelled on the seeds.

A year (``ctx.year``, 2021) of activities: the 元旦 gala with a headcount of
about 520 (seed 000), 三八 and 六一 events with families, a 心理健康 lecture,
the 教职工运动会 with sub-union teams, a 气排球比赛 of 15 teams, 12 players each,
over three weeks and 50-odd matches (seed), 跳绳, 健步走, a skills contest and
the 省教学技能竞赛 prizes, six interest groups with weekly sessions, individual
and collective honours (五一劳动奖章, 教学标兵, 模范职工之家 …), and sub-union
activity funds totalling about 5.9万元 (× scale). Plus a few 2020 activities for
year-on-year comparison and upcoming ones relative to ``ctx.today``.

About 34 × scale activities per school. Every random choice comes from
``ctx.rng``; rows are written with ``bulk_create``.
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

ACTIVITIES_PER_SCALE = 34
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
        self.active = [m for m in ctx.members if m.status == MemberStatus.ACTIVE and m.is_union_member]
        self.women = [m for m in self.active if m.gender == Gender.FEMALE]
        self.retirees = [m for m in ctx.members if m.status == MemberStatus.RETIRED]
        self.subs = [s for s in ctx.sub_unions if s.name != "离退休分工会"]
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
    ) -> Activity:
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

    def register(self, act: Activity, pool: list, n: int, *, family_children: int = 0, checked=True, cancel=0.03):
        n = min(n, len(pool))
        chosen = self.rng.sample(pool, n)
        rows = []
        for m in chosen:
            status = Registration.Status.CANCELLED if self.rng.random() < cancel else Registration.Status.REGISTERED
            rows.append(
                (m, None, status, checked and status == Registration.Status.REGISTERED and self.rng.random() < 0.93)
            )
        if family_children:
            kids = [f for f in self.children if f.member_id in {m.pk for m in chosen}]
            for f in self.rng.sample(kids, min(family_children, len(kids))):
                rows.append((self.member_by_pk[f.member_id], f, Registration.Status.REGISTERED, checked))
        self.regs.append((act, rows))

    # -- the year -----------------------------------------------------------------------------------
    def load(self):
        ctx, rng, s, y = self.ctx, self.rng, self.scale, self.year
        self.member_by_pk = {m.pk: m for m in ctx.members}
        self.children = list(
            FamilyMember.objects.filter(member__school=self.school, relation=FamilyMember.Relation.CHILD).order_by("pk")
        )
        n_active = len(self.active)

        gala = self.add(
            "“凝心聚力 再创辉煌”2021年元旦联欢会",
            T.PERFORMANCE,
            dt.date(y, 1, 8),
            hours=(18, 21),
            place="学校大礼堂",
            audience=A.FAMILIES,
            budget=Decimal(38000 * s),
            spent=Decimal(36420 * s),
            funding=F.UNION,
            headcount=int(520 * s) + rng.randrange(-8, 8),
            note="邀请教师、家长、学生现场观看，按入场券统计（约数）",
            description="全校教师自编自演节目，抽奖与节目有机结合，展示教师积极向上的精神风貌。",
        )
        women_day = self.add(
            "三八节女教职工趣味活动",
            T.FESTIVAL,
            dt.date(y, 3, 5),
            hours=(15, 17),
            place="体育馆",
            audience=A.WOMEN,
            families=True,
            capacity=int(len(self.women) * 0.9) + 20 * s,
            budget=Decimal(12000 * s),
            spent=Decimal(11260 * s),
            funding=F.SCHOOL_WELFARE,
            description="踢毽子、趣味投篮、亲子夹球跑，欢迎带孩子一起参加。",
        )
        self.register(women_day, self.women, int(len(self.women) * 0.8), family_children=int(18 * s))
        climb = self.add(
            "教职工春季登山活动",
            T.SPORTS,
            dt.date(y, 3, 27),
            hours=(8, 12),
            place="紫金山",
            budget=Decimal(6000 * s),
            spent=Decimal(5480 * s),
        )
        self.register(climb, self.active, int(n_active * 0.55))
        walk = self.add(
            "教工健步走活动",
            T.SPORTS,
            dt.date(y, 4, 10),
            hours=(8, 11),
            place="滨江绿道",
            budget=Decimal(4000 * s),
            spent=Decimal(3760 * s),
        )
        self.register(walk, self.active, int(n_active * 0.6))
        lecture = self.add(
            "《缔造和谐的关系》教师心理健康讲座",
            T.LECTURE,
            dt.date(y, 4, 21),
            hours=(15, 17),
            place="学术报告厅",
            capacity=200 * s,
            budget=Decimal(3000 * s),
            spent=Decimal(3000 * s),
            description="邀请市心理健康教育中心专家主讲，提升教师心理调控能力。",
        )
        self.register(lecture, self.active, int(n_active * 0.55))
        skills = self.add(
            "青年教师教学技能竞赛（校内选拔）",
            T.SKILLS,
            dt.date(y, 4, 28),
            hours=(8, 17),
            place="录播教室",
            capacity=40 * s,
            budget=Decimal(5000 * s),
            spent=Decimal(4650 * s),
        )
        young = [m for m in self.active if m.birth_date and m.birth_date.year >= 1986] or self.active
        self.register(skills, young, 30 * s)
        rope = self.add(
            "教工跳绳比赛",
            T.SPORTS,
            dt.date(y, 5, 14),
            hours=(16, 18),
            place="田径场",
            budget=Decimal(3000 * s),
            spent=Decimal(2870 * s),
        )
        self.register(rope, self.active, int(n_active * 0.35))
        kids_day = self.add(
            "“庆六一”教职工子女讲红色故事、经典诗歌诵读",
            T.FESTIVAL,
            dt.date(y, 5, 29),
            hours=(9, 11),
            place="学校小剧场",
            audience=A.FAMILIES,
            families=True,
            capacity=120 * s,
            budget=Decimal(5000 * s),
            spent=Decimal(4720 * s),
            description="引导孩子从小发扬红色传统、传承红色基因。",
        )
        self.register(kids_day, self.active, int(35 * s), family_children=int(60 * s))
        single = self.add(
            "单身青年教职工联谊活动",
            T.OTHER,
            dt.date(y, 6, 19),
            hours=(14, 18),
            place="滨江湿地公园",
            capacity=40 * s,
            budget=Decimal(4000 * s),
            spent=Decimal(3850 * s),
        )
        self.register(single, young, 32 * s)
        visit = self.add(
            "赴红色教育基地参观学习",
            T.VISIT,
            dt.date(y, 7, 10),
            hours=(7, 18),
            place="新四军纪念馆",
            capacity=50 * s,
            budget=Decimal(15000 * s),
            spent=Decimal(14200 * s),
        )
        self.register(visit, self.active, 50 * s)
        self.add(
            "暑期教职工户外拓展",
            T.SPORTS,
            dt.date(y, 8, 7),
            place="滨江拓展基地",
            status=Activity.Status.CANCELLED,
            capacity=80 * s,
            budget=Decimal(16000 * s),
            description="因疫情防控要求取消。",
        )
        blood = self.add("“热血铸师魂”无偿献血", T.CHARITY, dt.date(y, 8, 25), hours=(9, 12), place="学校门口献血车")
        self.register(blood, self.active, int(n_active * 0.18))
        speech = self.add(
            "“师德师风”演讲比赛",
            T.SKILLS,
            dt.date(y, 9, 8),
            hours=(15, 17),
            place="学术报告厅",
            budget=Decimal(2500 * s),
            spent=Decimal(2400 * s),
        )
        self.register(speech, young, 16 * s)
        moon = self.add(
            "中秋游园猜灯谜",
            T.FESTIVAL,
            dt.date(y, 9, 17),
            hours=(15, 17),
            place="校园中心广场",
            audience=A.FAMILIES,
            families=True,
            budget=Decimal(8000 * s),
            spent=Decimal(7650 * s),
        )
        self.register(moon, self.active, int(n_active * 0.5), family_children=int(30 * s))
        elders = self.add(
            "重阳节离退休教职工登高敬老活动",
            T.FESTIVAL,
            dt.date(y, 10, 14),
            hours=(9, 15),
            place="栖霞山",
            audience=A.RETIREES,
            budget=Decimal(9000 * s),
            spent=Decimal(8600 * s),
            funding=F.SCHOOL_WELFARE,
        )
        self.register(elders, self.retirees, int(len(self.retirees) * 0.6))
        meet = self.add(
            f"第{6 + ctx.index}届教职工运动会",
            T.SPORTS,
            dt.date(y, 10, 22),
            hours=(8, 17),
            days=2,
            place="学校田径场",
            budget=Decimal(26000 * s),
            spent=Decimal(25180 * s),
            description="各二级工会组队参赛，设50米迎面接力、拔河、托球跑、跳绳等项目。",
        )
        volley = self.add(
            "教职工气排球比赛",
            T.SPORTS,
            dt.date(y, 11, 1),
            hours=(16, 18),
            days=19,
            place="体育馆",
            budget=Decimal(12000 * s),
            spent=Decimal(11340 * s),
            description="15支队伍分两个小组循环，再进行交叉淘汰赛，历时3周。",
        )
        exhibition = self.add(
            "教职工书法绘画摄影作品展",
            T.PERFORMANCE,
            dt.date(y, 12, 10),
            hours=(9, 17),
            days=5,
            place="图书馆展厅",
            headcount=int(300 * s),
            note="展期5天，按观展登记簿统计",
            budget=Decimal(4000 * s),
            spent=Decimal(3920 * s),
        )
        health = self.add(
            "教职工健康知识讲座：颈椎与用嗓保健",
            T.LECTURE,
            dt.date(y, 11, 24),
            hours=(15, 17),
            place="学术报告厅",
            capacity=150 * s,
            budget=Decimal(2000 * s),
            spent=Decimal(2000 * s),
        )
        self.register(health, self.active, int(n_active * 0.4))

        # 2020, for year-on-year comparison
        y0 = y - 1
        self.add(
            "2020年元旦联欢会",
            T.PERFORMANCE,
            dt.date(y0, 1, 10),
            hours=(18, 21),
            place="学校大礼堂",
            audience=A.FAMILIES,
            headcount=int(480 * s),
            note="教师、家长、学生约480人（约数）",
            budget=Decimal(35000 * s),
            spent=Decimal(34100 * s),
        )
        w0 = self.add(
            "三八节女教职工健步走",
            T.FESTIVAL,
            dt.date(y0, 3, 6),
            hours=(15, 17),
            place="滨江绿道",
            audience=A.WOMEN,
            budget=Decimal(9000 * s),
            spent=Decimal(8200 * s),
            funding=F.SCHOOL_WELFARE,
        )
        self.register(w0, self.women, int(len(self.women) * 0.6))
        l0 = self.add("教师职业压力调适讲座（线上）", T.LECTURE, dt.date(y0, 4, 15), hours=(15, 17), place="线上会议")
        self.register(l0, self.active, int(n_active * 0.45))
        m0 = self.add(
            f"第{5 + ctx.index}届教职工运动会",
            T.SPORTS,
            dt.date(y0, 10, 23),
            hours=(8, 17),
            days=2,
            place="学校田径场",
            budget=Decimal(24000 * s),
            spent=Decimal(23500 * s),
        )
        self.register(m0, self.active, int(n_active * 0.6))
        k0 = self.add(
            "“庆六一”亲子绘本共读",
            T.FESTIVAL,
            dt.date(y0, 5, 30),
            hours=(9, 11),
            place="图书馆",
            audience=A.FAMILIES,
            families=True,
            budget=Decimal(3000 * s),
            spent=Decimal(2800 * s),
        )
        self.register(k0, self.active, int(25 * s), family_children=int(40 * s))

        # upcoming, relative to the real date
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

        # sub-union activities fill up to ACTIVITIES_PER_SCALE × scale, paid from their funds
        remaining = ACTIVITIES_PER_SCALE * s - len(self.activities)
        for i in range(max(remaining, 0)):
            sub = self.subs[i % len(self.subs)]
            title, type_, place = SUB_UNION_TEMPLATES[(i // len(self.subs) + i) % len(SUB_UNION_TEMPLATES)]
            yr = y if rng.random() < 0.8 else y0
            day = dt.date(yr, 1, 1) + dt.timedelta(days=rng.randrange(20, 350))
            spent = _money(rng, 120, 380)
            act = self.add(
                title.format(sub=sub.name.replace("分工会", "")),
                type_,
                day,
                hours=(15, 18),
                place=place,
                organizer=sub,
                budget=spent + _money(rng, 0, 40),
                spent=spent,
                funding=F.SUB_UNION,
            )
            pool = self.by_sub.get(sub.pk) or self.active
            self.register(act, pool, max(int(len(pool) * rng.uniform(0.5, 0.9)), 1))

        self._plan_funds()
        Activity.objects.bulk_create(self.activities, batch_size=500)
        self._registrations()
        self._teams(meet, volley)
        self._awards(skills, rope, speech, meet, volley)
        self._honors()
        self._funds()
        self._groups()
        self._photos([gala, meet, volley, kids_day, exhibition])

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

    def _teams(self, meet: Activity, volley: Activity):
        rng = self.rng
        teams = []
        for event in (meet, volley):
            for sub in self.subs[:15]:
                teams.append(Team(activity=event, name=sub.name.replace("分工会", "队"), organization=sub))
        Team.objects.bulk_create(teams)
        Through = Team.players.through
        links, meet_regs = [], []
        for t in teams:
            pool = self.by_sub.get(t.organization_id, [])
            if t.activity_id == meet.pk:
                players = rng.sample(pool, int(len(pool) * 0.75)) if pool else []
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
        # 气排球: two round-robin groups (8 and 7 teams), then semi-finals, 3rd place and final: 53 matches
        vt = [t for t in teams if t.activity_id == volley.pk]
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
        semis = [(vt[0], vt[9]), (vt[8], vt[1])]
        for h, a in semis:
            matches.append(
                Match(
                    activity=volley,
                    round_name="半决赛",
                    played_on=last - dt.timedelta(days=2),
                    home=h,
                    away=a,
                    home_score=2,
                    away_score=rng.randrange(0, 2),
                )
            )
        matches.append(
            Match(
                activity=volley,
                round_name="三四名决赛",
                played_on=last,
                home=vt[9],
                away=vt[1],
                home_score=2,
                away_score=1,
            )
        )
        matches.append(
            Match(
                activity=volley, round_name="决赛", played_on=last, home=vt[0], away=vt[8], home_score=2, away_score=1
            )
        )
        Match.objects.bulk_create(matches)
        self.volley_podium = [vt[0], vt[8], vt[9]]
        self.meet_podium = rng.sample([t for t in teams if t.activity_id == meet.pk], 3)

    def _awards(self, skills, rope, speech, meet, volley):
        rng, y, s = self.rng, self.year, self.scale
        P = Award.Prize
        rows = []
        teachers = [m for m in self.active if m.is_teacher] or self.active
        picks = rng.sample(teachers, min(len(teachers), 6 + 14 * s))
        for i, m in enumerate(picks[:3]):
            rows.append(
                Award(
                    organization=m.organization,
                    competition="河南省教学技能竞赛",
                    kind=Award.Kind.INDIVIDUAL,
                    member=m,
                    prize=P.FIRST,
                    level=Level.PROVINCIAL,
                    grantor="河南省教科文卫体工会",
                    awarded_on=dt.date(y, 6, 18 + i % 2),
                )
            )
        for m in picks[3:6]:
            rows.append(
                Award(
                    organization=m.organization,
                    competition="河南省教学技能竞赛",
                    kind=Award.Kind.INDIVIDUAL,
                    member=m,
                    prize=P.SECOND,
                    level=Level.PROVINCIAL,
                    grantor="河南省教科文卫体工会",
                    awarded_on=dt.date(y, 6, 18),
                )
            )
        internal = [(skills, dt.date(y, 4, 28)), (rope, dt.date(y, 5, 14)), (speech, dt.date(y, 9, 8))]
        rest = picks[6:]
        for k, m in enumerate(rest):
            act, day = internal[k % 3]
            prize = [P.FIRST, P.SECOND, P.SECOND, P.THIRD, P.THIRD, P.THIRD, P.EXCELLENCE][k % 7]
            rows.append(
                Award(
                    organization=m.organization,
                    activity=act,
                    competition=act.title,
                    kind=Award.Kind.INDIVIDUAL,
                    member=m,
                    prize=prize,
                    level=Level.SCHOOL,
                    grantor=self.school.name,
                    awarded_on=day,
                )
            )
        for team, prize in zip(self.volley_podium, (P.FIRST, P.SECOND, P.THIRD), strict=True):
            rows.append(
                Award(
                    organization=team.organization,
                    activity=volley,
                    competition=volley.title,
                    kind=Award.Kind.TEAM,
                    team=team,
                    prize=prize,
                    level=Level.SCHOOL,
                    grantor=self.school.name,
                    awarded_on=volley.ends_at.date(),
                )
            )
        for team, prize in zip(self.meet_podium, (P.FIRST, P.SECOND, P.THIRD), strict=True):
            rows.append(
                Award(
                    organization=team.organization,
                    activity=meet,
                    competition=f"{meet.title}团体总分",
                    kind=Award.Kind.TEAM,
                    team=team,
                    prize=prize,
                    level=Level.SCHOOL,
                    grantor=self.school.name,
                    awarded_on=meet.ends_at.date(),
                )
            )
        rows.append(
            Award(
                organization=self.school,
                competition="区教育系统教职工篮球比赛",
                kind=Award.Kind.TEAM,
                team_name="学校教工篮球队",
                prize=P.SECOND,
                level=Level.DISTRICT,
                grantor="滨江区教育工会",
                awarded_on=dt.date(y, 11, 26),
            )
        )
        rows.append(
            Award(
                organization=self.school,
                competition="市教职工气排球联赛",
                kind=Award.Kind.TEAM,
                team_name="学校教工气排球队",
                prize=P.THIRD,
                level=Level.MUNICIPAL,
                grantor="市教科文卫体工会",
                awarded_on=dt.date(y, 12, 3),
            )
        )
        rows.append(
            Award(
                organization=self.school,
                competition="全国教职工微视频征集展示",
                kind=Award.Kind.INDIVIDUAL,
                member=picks[0],
                prize=P.EXCELLENCE,
                level=Level.NATIONAL,
                grantor="中国教科文卫体工会",
                awarded_on=dt.date(y, 9, 30),
            )
        )
        rows[-1].organization = picks[0].organization
        rows.append(
            Award(
                organization=self.school,
                competition="区教职工三人篮球赛",
                kind=Award.Kind.TEAM,
                team_name="学校教工篮球队",
                prize=P.FIRST,
                level=Level.DISTRICT,
                grantor="滨江区总工会",
                awarded_on=dt.date(y - 1, 4, 25),
            )
        )
        Award.objects.bulk_create(rows)
        self.skill_winners = picks[:3]

    def _honors(self):
        rng, y, s = self.rng, self.year, self.scale
        H = Honor.Kind
        rows = []
        pool = [m for m in self.active if m not in self.skill_winners]
        named = rng.sample(pool, min(len(pool), 12 + 6 * s))

        def ind(m, title, level, grantor, day):
            rows.append(
                Honor(
                    kind=H.INDIVIDUAL,
                    member=m,
                    organization=m.organization,
                    title=title,
                    level=level,
                    grantor=grantor,
                    awarded_on=day,
                )
            )

        ind(named[0], "河南省五一劳动奖章", Level.PROVINCIAL, "河南省总工会", dt.date(y, 4, 28))
        ind(named[1], "郑州市五一劳动奖章", Level.MUNICIPAL, "郑州市总工会", dt.date(y, 4, 29))
        for m in self.skill_winners:
            ind(m, "河南省教学标兵", Level.PROVINCIAL, "河南省教育厅", dt.date(y, 7, 2))
        for m in named[2:5]:
            ind(m, "郑州市优秀教师", Level.MUNICIPAL, "郑州市教育局", dt.date(y, 9, 8))
        for m in named[5:7]:
            ind(m, "区师德标兵", Level.DISTRICT, "滨江区教育局", dt.date(y, 9, 9))
        for m in named[7:9]:
            ind(m, "巾帼建功标兵", Level.SCHOOL, self.school.name, dt.date(y, 3, 8))
        for m in named[9:12]:
            ind(m, "优秀工会积极分子", Level.DISTRICT, "滨江区教育工会", dt.date(y - 1, 12, 20))
        for m in named[12:]:
            ind(m, "校优秀工会会员", Level.SCHOOL, self.school.name, dt.date(y, 12, 28))

        def coll(org, title, level, grantor, day):
            rows.append(
                Honor(kind=H.COLLECTIVE, organization=org, title=title, level=level, grantor=grantor, awarded_on=day)
            )

        coll(self.school, "郑州市基层工会工作先进单位", Level.MUNICIPAL, "郑州市总工会", dt.date(y, 12, 15))
        coll(self.school, "河南省模范职工之家", Level.PROVINCIAL, "河南省总工会", dt.date(y, 5, 20))
        coll(self.school, "郑州市基层工会工作先进单位", Level.MUNICIPAL, "郑州市总工会", dt.date(y - 1, 12, 18))
        for sub in rng.sample(self.subs, 3):
            coll(sub, "模范职工小家", Level.DISTRICT, "滨江区教育工会", dt.date(y, 11, 10))
        coll(rng.choice(self.subs), "三八红旗集体", Level.MUNICIPAL, "郑州市妇女联合会", dt.date(y, 3, 5))
        Honor.objects.bulk_create(rows)

    def _plan_funds(self):
        """Allocate about 5.9万元 (× scale) across sub-unions by member count, and let each
        sub-union spend roughly 85 % of it over its own activities of the year."""
        s = self.scale
        sizes = {sub.pk: max(len(self.by_sub.get(sub.pk, [])), 1) for sub in self.ctx.sub_unions}
        sizes[self.ctx.sub_unions[-1].pk] = max(len(self.retirees) // 3, 1)
        total = sum(sizes.values())
        self.fund_rows = []
        for year, amount in ((self.year, 59000), (self.year - 1, 52000)):
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
        rng, y, s = self.rng, self.year, self.scale
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
                    founded_on=dt.date(y - rng.randrange(2, 8), 9, 1),
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
            day = dt.date(y - 1, 9, 7) + dt.timedelta(days=rng.randrange(0, 6))
            while day <= dt.date(y, 12, 20):
                if not (dt.date(day.year, 7, 10) <= day <= dt.date(day.year, 8, 25)) and not (
                    day.month == 2 and day.year == y
                ):
                    sessions.append(GroupSession(group=g, held_on=day, topic="常规活动"))
                    attendance_for.append([m for m in ms if rng.random() < 0.72])
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
