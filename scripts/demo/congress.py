"""Demo data of the congress area, anchored to ``ctx.today``.

Two terms (届) of each demo school's 教代会: the current one, five years long,
started with its first session in the spring of the school year four years
before the next session and contains ``ctx.today``; the previous one ended the
day before it. One session per school year, held in spring (the third Friday
of April), from ``ctx.first_year`` on. Every held session has about 35
proposals per unit of scale through the whole lifecycle, with full histories,
co-signers, replies and feedback, modelled on seed 004 (立案, 满意/基本满意,
答复率 100%); older sessions are finished (some 不满意 in round 1, re-handled and
rated again), the most recent held one still has work in hand relative to
``ctx.today`` (un-assigned, overdue and re-handled items, a reply waiting for the
proposer's rating). The next session's collection window opens a month before
``ctx.today`` and closes three weeks after it, with drafts, proposals collecting
co-signers and submitted ones. Each held session votes on a document (the
clause-by-clause vote on 《奖励性绩效工资分配办法》修订稿 in the session of the last
full year) and holds a 民主评议. Everything is drawn from ``ctx.rng`` and
written with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from congress.models import (
    Appraisal,
    AppraisalResult,
    Congress,
    CongressSession,
    CoSignature,
    Delegation,
    Feedback,
    Motion,
    MotionClause,
    Proposal,
    ProposalCategory,
    ProposalReply,
    ProposalStatus,
    ProposalTransition,
    Rating,
    Representative,
    Suggestion,
    VoteTally,
    percent,
    quorum_met,
    vote_passes,
)
from members.models import EmploymentType

S = ProposalStatus
CATEGORIES = ["人才队伍建设", "教学管理", "后勤保障", "民生福利", "师德师风", "校园安全", "信息化建设"]
DELEGATIONS = [
    ("高中部代表团", "高中部"),
    ("初中部代表团", "初中部"),
    ("行政代表团", "校长办公室"),
    ("后勤代表团", "总务处"),
    ("体艺信息代表团", "体育艺术中心"),
]

# (案由, 类别, 建议承办部门, 理由, 建议措施)
TOPICS = [
    (
        "关于改善教工食堂伙食质量的建议",
        "后勤保障",
        "总务处",
        "教工食堂菜品品种较少，口味单一，午餐高峰时段排队时间较长，部分教职工反映饭菜偏咸偏油。",
        "1. 增设一个打饭窗口，错峰供餐；2. 每周公布菜谱并征求意见；3. 设立意见箱，每月召开一次伙食委员会会议。",
    ),
    (
        "关于增设教职工停车位的建议",
        "后勤保障",
        "总务处",
        "近年来教职工私家车数量明显增加，校内车位严重不足，早高峰车辆占用消防通道，存在安全隐患。",
        "1. 利用操场东侧闲置场地改建临时停车场；2. 划定错时停车区域；3. 与周边小区协商共享车位。",
    ),
    (
        "关于改善办公室空调设施的建议",
        "后勤保障",
        "总务处",
        "部分年级办公室空调使用年限已超过十年，制冷效果差、噪音大，夏季办公环境较差。",
        "对使用超过十年的空调分批更换，暑假期间完成安装，并建立空调定期清洗保养制度。",
    ),
    (
        "关于完善青年教师培养机制的建议",
        "人才队伍建设",
        "人事处",
        "近三年新入职青年教师较多，“青蓝工程”结对帮扶形式单一，部分青年教师反映成长路径不清晰。",
        "1. 完善师徒结对考核办法；2. 设立青年教师成长专项经费；3. 每学期举办一次青年教师教学基本功竞赛。",
    ),
    (
        "关于优化教师职称评聘工作的建议",
        "人才队伍建设",
        "人事处",
        "职称评聘量化赋分细则部分条款表述不够清楚，教职工对评聘结果的公示和申诉程序了解不多。",
        "修订量化赋分细则并在教代会上说明，评聘结果公示不少于五个工作日，明确申诉渠道和答复时限。",
    ),
    (
        "关于减轻教师非教学负担的建议",
        "教学管理",
        "校长办公室",
        "各类报表、检查、评比和填表任务较多，占用教师大量备课和辅导学生的时间。",
        "梳理并精简各类非教学任务，统一由校长办公室归口下发，同一数据不重复填报。",
    ),
    (
        "关于规范课后服务工作安排的建议",
        "教学管理",
        "教务处",
        "课后服务实施以来，部分教师每周承担课时过多，课后服务补助发放标准和时间不够明确。",
        "合理安排课后服务轮值，建立弹性上下班制度，明确课后服务补助标准并按月发放。",
    ),
    (
        "关于加强实验室安全管理的建议",
        "校园安全",
        "教务处",
        "理化生实验室部分危化品存放柜老化，使用登记不够规范，存在安全隐患。",
        "更换危化品存放柜，建立双人双锁管理和电子登记制度，每学期开展一次安全培训和应急演练。",
    ),
    (
        "关于加强校园门卫安保管理的建议",
        "校园安全",
        "总务处",
        "上下学高峰时段校门口人车混行，外来人员进校登记流于形式。",
        "高峰时段增派安保人员，设置人车分流通道，启用访客电子登记系统。",
    ),
    (
        "关于提高教职工体检项目标准的建议",
        "民生福利",
        "校医室",
        "现行体检项目较为基础，部分中老年教职工希望增加肿瘤标志物、甲状腺彩超等检查项目。",
        "在经费允许的前提下适当提高体检标准，按年龄段和性别设置可选套餐。",
    ),
    (
        "关于建设教职工子女课后托管班的建议",
        "民生福利",
        "校长办公室",
        "双职工家庭子女放学后无人看管，教职工下班时间晚，后顾之忧突出。",
        "利用学校现有场地开设教职工子女托管班，由工会牵头组织志愿者和退休教师参与管理。",
    ),
    (
        "关于改善教职工健身活动场所的建议",
        "民生福利",
        "体育艺术中心",
        "教职工活动室器材陈旧，开放时间与教职工空闲时间不匹配。",
        "更新健身器材，延长教职工之家开放时间至晚上八点，周末对教职工开放体育馆。",
    ),
    (
        "关于加强师德师风建设长效机制的建议",
        "师德师风",
        "党委办公室",
        "师德师风教育多以集中学习为主，形式较为单一，正面典型宣传不够。",
        "建立师德考核档案，开展“最美教师”评选，利用校园网和公众号宣传身边榜样。",
    ),
    (
        "关于升级校园网络和多媒体设备的建议",
        "信息化建设",
        "信息中心",
        "部分教室多媒体设备老化，校园无线网络在教学楼高层覆盖不稳定，影响信息化教学。",
        "分批更换教室多媒体一体机，增加无线接入点，暑假期间完成网络改造。",
    ),
    (
        "关于建设智慧校园统一办公平台的建议",
        "信息化建设",
        "信息中心",
        "学校各类业务系统各自独立，账号繁多，数据不能共享，办事需要多次跑腿。",
        "建设统一身份认证和网上办事大厅，逐步实现请假、报销、用车等事项网上办理。",
    ),
    (
        "关于延长图书馆开放时间的建议",
        "教学管理",
        "图书馆",
        "图书馆晚间和周末不开放，教师备课查阅资料不便，新书更新较慢。",
        "工作日晚间开放至九点，周六上午开放；每学期征集教师荐书目录。",
    ),
    (
        "关于完善绩效工资分配办法的建议",
        "人才队伍建设",
        "人事处",
        "现行奖励性绩效工资向一线倾斜不够明显，班主任津贴标准多年未调整。",
        "修订奖励性绩效工资分配办法，提高班主任津贴标准，方案提交教代会审议通过后实施。",
    ),
    (
        "关于改造教学楼卫生间的建议",
        "后勤保障",
        "总务处",
        "老教学楼卫生间设施陈旧，通风不良，冬季无热水。",
        "利用暑假对老教学楼卫生间进行改造，增设通风设备和洗手热水器。",
    ),
    (
        "关于加强教职工心理健康关爱的建议",
        "民生福利",
        "德育处",
        "教职工工作压力较大，心理疏导渠道较少，部分教师出现职业倦怠。",
        "每学期开展心理健康讲座和团体辅导，开通心理咨询预约渠道，组织减压拓展活动。",
    ),
    (
        "关于规范校内公务接待和会议的建议",
        "教学管理",
        "校长办公室",
        "部分会议时间过长、安排在下班后召开，影响教师正常休息。",
        "严格控制会议数量和时长，原则上不在下班后开会，能合并的会议合并召开。",
    ),
    (
        "关于设立教职工休息室的建议",
        "民生福利",
        "总务处",
        "部分年级组没有午休场所，教师中午只能伏案休息。",
        "利用空余教室设立教职工午休室，配备折叠床和储物柜。",
    ),
    (
        "关于完善班主任工作考核办法的建议",
        "教学管理",
        "德育处",
        "班主任考核指标偏重量化检查，对班级建设的过程性工作体现不足。",
        "修订班主任考核办法，增加过程性评价和学生、家长满意度评价权重。",
    ),
    (
        "关于改善校园环境绿化的建议",
        "后勤保障",
        "总务处",
        "校园部分区域绿化养护不到位，北侧围墙附近存在积水。",
        "制定绿化养护计划，修缮排水设施，增设休闲座椅。",
    ),
    (
        "关于加强教师继续教育培训的建议",
        "人才队伍建设",
        "教科室",
        "外出培训名额较少，校本培训针对性不强。",
        "增加外出学习名额并向青年教师倾斜，围绕课堂教学改革开展校本研修。",
    ),
]

REPLIES = {
    "总务处": "总务处高度重视代表提出的问题，经实地调研并报学校办公会研究，已制定整改方案：{m}目前相关工作已按计划推进，后续将持续跟踪落实，欢迎代表监督。",
    "人事处": "人事处对代表的建议进行了认真研究，已会同相关部门修订相关办法，征求意见稿已在教职工中公开征求意见。{m}",
    "教务处": "教务处认真研究了代表的提案，已将有关措施纳入下学期教学工作计划。{m}",
    "信息中心": "信息中心已将该项目列入学校年度信息化建设计划，{m}预计年内完成。",
}
DEFAULT_REPLY = "承办部门认真研究了代表的提案，经学校研究同意采纳，{m}相关工作已落实到位。"

SUGGESTIONS = [
    ("建议三楼饮水机及时更换滤芯", "三楼教师办公室饮水机滤芯长期未更换，水质有异味。"),
    ("建议校车增加一条线路", "城东片区居住的教职工较多，建议增加一条校车线路。"),
    ("建议优化请假审批流程", "目前请假需多人签字，建议改为网上审批。"),
    ("建议食堂提供晚餐", "晚自习值班教师较多，建议食堂提供简餐。"),
    ("建议增加教职工羽毛球场地开放时间", "体育馆羽毛球场地晚上经常被校外人员占用。"),
    ("建议为办公室配备打印机", "年级办公室打印需到行政楼，往返不便。"),
    ("建议改善教工宿舍热水供应", "青年教师宿舍热水供应时间短，冬季洗浴不便。"),
    ("建议开设教师书法兴趣班", "不少教师希望提高粉笔字和毛笔字水平。"),
]

LEADERS = [
    ("陈建国", "校长"),
    ("周晓梅", "党委书记"),
    ("李志强", "副校长"),
    ("王丽华", "副校长"),
    ("赵卫东", "工会主席"),
]

CLAUSES = [
    "第一条 总则：明确分配原则为多劳多得、优绩优酬，向一线和班主任倾斜",
    "第二条 绩效工资总量的构成与核定办法",
    "第三条 班主任津贴由每月600元调整为每月800元",
    "第四条 课时量核算办法与超课时补贴标准",
    "第五条 教育教学成果奖励项目与标准",
    "第六条 行政后勤人员考核与分配办法",
    "第七条 课后服务补助纳入绩效工资统筹发放",
    "第八条 附则：本办法经教代会审议通过后自2021年9月起施行",
]

# Final states of each session's proposals per unit of scale (35 a session): finished sessions,
# the most recent held session (work in hand relative to today), and the next session (collecting now).
PLAN_FINISHED = (
    [(S.CLOSED, "sat")] * 20 + [(S.CLOSED, "basic")] * 3 + [(S.CLOSED, "rehandled")] * 2
    + [(S.MERGED, None)] * 4 + [(S.TO_SUGGESTION, None)] * 4 + [(S.REJECTED, None)] * 2
)  # fmt: skip
PLAN_RECENT = (
    [(S.CLOSED, "sat")] * 14 + [(S.CLOSED, "basic")] * 2 + [(S.CLOSED, "rehandled")]
    + [(S.REPLIED, "now")] * 3
    + [(S.ASSIGNED, "pending"), (S.ASSIGNED, "pending"), (S.ASSIGNED, "acknowledged"), (S.ASSIGNED, "overdue")]
    + [(S.ACCEPTED, "returned"), (S.ACCEPTED, None)]
    + [(S.MERGED, None)] * 3 + [(S.TO_SUGGESTION, None)] * 3 + [(S.REJECTED, None)]
)  # fmt: skip
PLAN_NEXT = [(S.SUBMITTED, None)] * 3 + [(S.COLLECTING, None)] * 2 + [(S.DRAFT, None)]

# Documents voted on as a whole (全文), one per session that does not vote on the pay rules.
WHOLE_MOTIONS = [
    "《教职工代表大会实施细则》",
    "《学校章程》修订稿",
    "《教职工考勤与请假管理办法》",
    "《教师专业技术职务评聘量化赋分细则》",
    "《校务公开实施办法》",
    "《学校五年发展规划》",
]
TERM_YEARS = 5


def spring_session_date(year: int) -> dt.date:
    """The third Friday of April of ``year``: when the demo school holds its yearly session."""
    first = dt.date(year, 4, 1)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7 + 14)


def session_plan(today: dt.date, first_year: int) -> dict:
    """Dates of the demo congress relative to ``today``.

    Returns ``held`` (years of the sessions already held, from ``first_year``; the last one at least
    100 days before ``today`` so its proposals have been handled), ``next`` (the next session's date:
    the next spring session, or five weeks after ``today`` when that spring date has passed),
    ``window`` (its collection window: a month before ``today`` to three weeks after it) and
    ``term_start`` (the current term's first session year: the next session is its fifth).
    """
    last = today.year
    while spring_session_date(last) > today - dt.timedelta(days=100):
        last -= 1
    next_date = max(spring_session_date(last + 1), today + dt.timedelta(days=35))
    return {
        "held": list(range(first_year, last + 1)),
        "next": next_date,
        "window": (today - dt.timedelta(days=30), today + dt.timedelta(days=21)),
        "term_start": last + 1 - (TERM_YEARS - 1),
    }


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class _Builder:
    """Collects rows, then writes each table with one bulk_create."""

    transitions: list = field(default_factory=list)
    cosigs: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    feedbacks: list = field(default_factory=list)

    def log(self, p, frm, to, action, actor, at, note="", round_=1):
        self.transitions.append(
            ProposalTransition(
                proposal=p, from_status=frm, to_status=to, action=action, actor=actor, at=at, note=note, round=round_
            )
        )


def _term(ctx, number: int, start: dt.date, end: dt.date):
    """One congress term with its delegations and representatives; returns (congress, formal seats)."""
    rng = ctx.rng
    users = ctx.users
    congress = Congress.objects.create(
        school=ctx.school,
        number=number,
        kind=Congress.Kind.STAFF,
        start_date=start,
        end_date=end,
        min_cosigners=2,
        pass_base=Congress.PassBase.ALL,
        reply_deadline_days=42,
    )
    Delegation.objects.bulk_create(
        [Delegation(congress=congress, name=n, department=ctx.departments.get(d)) for n, d in DELEGATIONS]
    )
    delegations = list(Delegation.objects.filter(congress=congress).order_by("pk"))
    by_dept = {d.department_id: d for d in delegations}

    # --- representatives: 正式 about 70 per scale (≥ 60% teachers), plus 列席 and 特邀.
    pool = [m for m in ctx.active_members if m.is_union_member and m.employment_type == EmploymentType.ESTABLISHED]
    pool = [m for m in pool if m.hired_on is None or m.hired_on < start]  # staff when the term was elected
    login_members = {u.member.pk: name for name, u in users.items() if hasattr(u, "member") and name != "admin"}
    teachers = [m for m in pool if m.is_teacher and m.pk not in login_members]
    staff = [m for m in pool if not m.is_teacher and m.pk not in login_members]
    rng.shuffle(teachers)
    rng.shuffle(staff)
    formal_members = [m for m in pool if login_members.get(m.pk) in ("rep", "chair", "committee", "proposals")]
    formal_members += teachers[: 50 * ctx.scale] + staff[: 20 * ctx.scale - len(formal_members)]
    observers = teachers[50 * ctx.scale : 55 * ctx.scale] + staff[20 * ctx.scale : 22 * ctx.scale]
    invited = [m for m in ctx.retirees[: 2 * ctx.scale]]

    def delegation_for(m):
        if m.department_id in by_dept:
            return by_dept[m.department_id]
        return delegations[2] if not m.is_teacher else rng.choice(delegations[:2])

    Representative.objects.bulk_create(
        [
            Representative(congress=congress, member=m, delegation=delegation_for(m), kind="formal")
            for m in formal_members
        ]
        + [
            Representative(congress=congress, member=m, delegation=delegation_for(m), kind="observer")
            for m in observers
        ]
        + [Representative(congress=congress, member=m, kind="invited") for m in invited]
    )
    reps = list(Representative.objects.filter(congress=congress, kind="formal").select_related("member"))
    return congress, reps


def load(ctx) -> None:
    """Both terms, their sessions, proposals with histories, suggestions, votes and appraisals."""
    school = ctx.school
    users = ctx.users
    today = ctx.today
    plan = session_plan(today, ctx.first_year)
    term_start = spring_session_date(plan["term_start"])
    term_end = spring_session_date(plan["term_start"] + TERM_YEARS) - dt.timedelta(days=1)
    previous_start = spring_session_date(plan["term_start"] - TERM_YEARS)
    ProposalCategory.objects.bulk_create(
        [ProposalCategory(school=school, name=n, sort_order=i) for i, n in enumerate(CATEGORIES)]
    )
    categories = {c.name: c for c in ProposalCategory.objects.filter(school=school)}
    previous, previous_reps = _term(ctx, 2, previous_start, term_start - dt.timedelta(days=1))
    current, current_reps = _term(ctx, 3, term_start, term_end)

    rep_user = users.get("rep")
    committee_user = users.get("proposals")
    handler_user = users.get("handler")
    user_by_member = {u.member.pk: u for n, u in users.items() if hasattr(u, "member")}

    # (session, formal seats, plan, role): role is "finished", "recent" or "next"
    sessions = []
    for year in plan["held"]:
        congress, reps = (current, current_reps) if year >= plan["term_start"] else (previous, previous_reps)
        date = spring_session_date(year)
        session = CongressSession(
            congress=congress,
            number=year - (plan["term_start"] if congress is current else plan["term_start"] - TERM_YEARS) + 1,
            date=date,
            collection_opens=date - dt.timedelta(days=46),
            collection_closes=date - dt.timedelta(days=14),
        )
        role = "recent" if year == plan["held"][-1] else "finished"
        sessions.append((session, reps, PLAN_RECENT if role == "recent" else PLAN_FINISHED, role))
    opens, closes = plan["window"]
    next_session = CongressSession(
        congress=current,
        number=plan["held"][-1] + 2 - plan["term_start"],
        date=plan["next"],
        collection_opens=opens,
        collection_closes=closes,
    )
    sessions.append((next_session, current_reps, PLAN_NEXT, "next"))
    CongressSession.objects.bulk_create([s for s, *_ in sessions])

    b = _Builder()
    for k, (session, reps, states_plan, role) in enumerate(sessions):
        rep_by_member = {r.member_id: r for r in reps}
        my_seat = rep_by_member.get(rep_user.member.pk) if rep_user else None
        states = _vary(ctx.rng, states_plan * ctx.scale) if role == "finished" else states_plan * ctx.scale
        proposals = []
        for i, (state, flavour) in enumerate(states):
            title, cat, dept, reasons, measures = TOPICS[(i + 7 * k) % len(TOPICS)]
            if state in (S.ASSIGNED, S.REPLIED):
                # the demo handler (总务处) has live items on their desk
                title, cat, dept, reasons, measures = ctx.rng.choice([t for t in TOPICS if t[2] == "总务处"])
            if i >= len(TOPICS) and role == "finished":
                title = title.replace("的建议", "的再建议")
            proposer = ctx.rng.choice(reps)
            if my_seat is not None and (state, flavour) in ((S.REPLIED, "now"), (S.DRAFT, None)):
                proposer = my_seat
            if my_seat is not None and role == "finished" and i == 0:
                proposer = my_seat
            created = session.collection_opens + dt.timedelta(days=ctx.rng.randrange(0, 25))
            proposals.append(
                Proposal(
                    session=session,
                    title=title,
                    category=categories[cat],
                    reasons=reasons,
                    measures=measures,
                    suggested_department=ctx.departments.get(dept),
                    proposer=proposer,
                    created_by=user_by_member.get(proposer.member_id),
                    status=state,
                )
            )
            proposals[-1]._plan = (state, flavour, created, dept)
        plans = [p._plan for p in proposals]
        # the histories fill in the proposals' fields before they are written (one INSERT, no UPDATE)
        _histories(ctx, b, session, proposals, plans, reps, committee_user, handler_user, today, rep_user, my_seat)

    ProposalTransition.objects.bulk_create(b.transitions, batch_size=2000)
    CoSignature.objects.bulk_create(b.cosigs, batch_size=2000, ignore_conflicts=True)
    ProposalReply.objects.bulk_create(b.replies, batch_size=1000)
    Feedback.objects.bulk_create(b.feedbacks, batch_size=1000)
    held = [(s, len(reps)) for s, reps, _p, role in sessions if role != "next"]
    _suggestions(ctx, [s for s, _n in held], next_session)
    _votes(ctx, held)


def _vary(rng, states: list) -> list:
    """A finished session's plan with year-to-year variation: a few more or fewer closed
    proposals, some 满意 turned 基本满意, sometimes one more re-handled after a 不满意."""
    states = list(states)
    sat = [i for i, st in enumerate(states) if st == (S.CLOSED, "sat")]
    for i in rng.sample(sat, rng.randrange(0, 3)):
        states[i] = (S.CLOSED, "basic")
    extra = [(S.CLOSED, "sat")] * rng.randrange(0, 5) + [(S.CLOSED, "rehandled")] * rng.randrange(0, 2)
    extra += [rng.choice([(S.MERGED, None), (S.TO_SUGGESTION, None), (S.REJECTED, None)])] * rng.randrange(0, 2)
    drop = rng.randrange(0, 3)
    return states[drop:] + extra


def _histories(ctx, b, session, proposals, plans, reps, committee_user, handler_user, today, rep_user, my_seat):
    rng = ctx.rng
    closes = session.collection_closes
    seq = 0
    accepted = []
    updates = []
    for p, (state, flavour, created, dept_name) in zip(proposals, plans, strict=True):
        actor = p.created_by
        b.log(p, "", S.DRAFT, "create", actor, _at(created, 9))
        if state == S.DRAFT:
            continue
        t_submit = created + dt.timedelta(days=1)
        b.log(p, S.DRAFT, S.COLLECTING, "submit", actor, _at(t_submit, 9, 30))
        others = [r for r in reps if r.pk != p.proposer_id]
        chosen = rng.sample(others, rng.choice([2, 2, 3, 4]))
        if state == S.COLLECTING:
            b.cosigs.append(
                CoSignature(proposal=p, representative=chosen[0], status="confirmed", confirmed_at=_at(t_submit, 15))
            )
            invitee = chosen[1]
            if my_seat is not None and p.proposer_id != my_seat.pk:
                invitee = my_seat  # the demo representative has an invitation waiting
            b.cosigs.append(CoSignature(proposal=p, representative=invitee, status="invited"))
            continue
        for r in chosen:
            b.cosigs.append(
                CoSignature(proposal=p, representative=r, status="confirmed", confirmed_at=_at(t_submit, 16))
            )
        p.submitted_at = _at(t_submit + dt.timedelta(days=1), 11)
        b.log(p, S.COLLECTING, S.SUBMITTED, "cosigned", actor, p.submitted_at, f"已有 {len(chosen)} 位正式代表确认附议")
        if state == S.SUBMITTED:
            updates.append(p)
            continue
        review_day = closes + dt.timedelta(days=rng.randrange(3, 10))
        p.reviewed_at = _at(review_day, 14)
        if state == S.REJECTED:
            p.decision_note = rng.choice(
                [
                    "该事项属上级主管部门职权，超出学校职权范围，建议通过其他渠道反映。",
                    "所提问题已在学校年度计划中落实，不再立案。",
                ]
            )
            b.log(p, S.SUBMITTED, S.REJECTED, "reject", committee_user, p.reviewed_at, p.decision_note)
            updates.append(p)
            continue
        if state == S.TO_SUGGESTION:
            p.decision_note = "所提事项较为具体，不符合立案条件，转为意见建议交有关部门办理。"
            b.log(p, S.SUBMITTED, S.TO_SUGGESTION, "to_suggestion", committee_user, p.reviewed_at, p.decision_note)
            updates.append(p)
            continue
        if state == S.MERGED:
            p._merge = True
            updates.append(p)
            continue
        seq += 1
        p.number = f"{session.date.year}-{seq:03d}"
        b.log(p, S.SUBMITTED, S.ACCEPTED, "accept", committee_user, p.reviewed_at, f"立案，编号 {p.number}")
        accepted.append(p)
        dept = ctx.departments[dept_name]
        if flavour == "returned":
            wrong = ctx.departments["校长办公室"]
            b.log(p, S.ACCEPTED, S.ASSIGNED, "assign", committee_user, _at(today - dt.timedelta(days=20)),
                  f"主办：{wrong.name}；期限 {today + dt.timedelta(days=22):%Y-%m-%d}")  # fmt: skip
            b.log(p, S.ASSIGNED, S.ACCEPTED, "return", None, _at(today - dt.timedelta(days=6), 16),
                  f"该事项不属于{wrong.name}职责，建议交{dept.name}办理。")  # fmt: skip
            updates.append(p)
            continue
        if state == S.ACCEPTED:
            updates.append(p)
            continue
        assign_day = review_day + dt.timedelta(days=rng.randrange(3, 8))
        p.assigned_at = _at(assign_day, 10)
        p.lead_department = dept
        p.deadline = assign_day + dt.timedelta(days=42)
        b.log(p, S.ACCEPTED, S.ASSIGNED, "assign", committee_user, p.assigned_at,
              f"主办：{dept.name}；期限 {p.deadline:%Y-%m-%d}")  # fmt: skip
        p.acknowledged_at = _at(assign_day + dt.timedelta(days=1), 9)
        b.log(p, S.ASSIGNED, S.ASSIGNED, "acknowledge", None, p.acknowledged_at)
        late = rng.random() < 0.08
        reply_day = (
            p.deadline + dt.timedelta(days=rng.randrange(1, 10))
            if late
            else p.deadline - dt.timedelta(days=rng.randrange(1, 30))
        )
        handler = handler_user if dept.name == "总务处" else None
        _reply(b, p, dept, reply_day, 1, handler)
        p.first_reply_on = reply_day
        p.replied_at = _at(reply_day, 15)
        current = flavour in ("now", "pending", "acknowledged", "overdue")
        rehandled = flavour == "rehandled" or current
        rate_day = reply_day + dt.timedelta(days=rng.randrange(3, 12))
        if rehandled:
            # 不满意 → 重办: the second round is what is current relative to today.
            if current:
                rate_day = today - dt.timedelta(days=rng.randrange(12, 20))
            _feedback(b, p, 1, Rating.DISSATISFIED, rate_day, p.created_by,
                      "答复只说明了计划，没有具体的时间表，希望进一步落实。")  # fmt: skip
            p.round = 2
            p.deadline = rate_day + dt.timedelta(days=42)
            if flavour == "overdue":
                p.deadline = today - dt.timedelta(days=5)
            b.log(p, S.REPLIED, S.ASSIGNED, "rehandle", p.created_by, _at(rate_day, 17),
                  f"进入第2轮办理，期限 {p.deadline:%Y-%m-%d}", 2)  # fmt: skip
            p.acknowledged_at = None if flavour == "pending" else _at(rate_day + dt.timedelta(days=1), 9)
            if p.acknowledged_at:
                b.log(p, S.ASSIGNED, S.ASSIGNED, "acknowledge", handler, p.acknowledged_at, "", 2)
            if state == S.ASSIGNED:
                updates.append(p)
                continue
            reply_day = today - dt.timedelta(days=3) if current else rate_day + dt.timedelta(days=20)
            _reply(b, p, dept, reply_day, 2, handler)
            p.replied_at = _at(reply_day, 15)
            rate_day = reply_day + dt.timedelta(days=5)
        if state == S.REPLIED:
            updates.append(p)
            continue
        rating = Rating.BASIC if flavour == "basic" else Rating.SATISFIED
        p.rating = rating
        p.closed_at = _at(rate_day, 18)
        _feedback(b, p, p.round, rating, rate_day, p.created_by, "")
        updates.append(p)

    # 并案: each merged proposal goes into an accepted one; its proposer becomes a co-proposer there.
    targets = [p for p in accepted if p.status in (S.CLOSED, S.REPLIED, S.ASSIGNED)] or accepted
    for p in updates:
        if getattr(p, "_merge", False) and targets:
            target = rng.choice(targets)
            p._merge_target = target
            p.decision_note = f"与提案 {target.number} 内容相近，并案办理。"
            b.log(p, S.SUBMITTED, S.MERGED, "merge", committee_user, p.reviewed_at, p.decision_note)
            b.log(target, S.ACCEPTED, S.ACCEPTED, "merge", committee_user, p.reviewed_at,
                  f"并入提案《{p.title}》，其提案人成为联名提案人", 1)  # fmt: skip
            b.cosigs.append(
                CoSignature(
                    proposal=target, representative_id=p.proposer_id, role="co_proposer", status="confirmed",
                    confirmed_at=p.reviewed_at,
                )
            )  # fmt: skip
    Proposal.objects.bulk_create(proposals, batch_size=500)
    merged = [p for p in proposals if getattr(p, "_merge_target", None) is not None]
    for p in merged:
        p.merged_into = p._merge_target
    Proposal.objects.bulk_update(merged, ["merged_into"], batch_size=500)
    # the demo data's "to_suggestion" proposals become Suggestion rows like the service does
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                school=session.congress.school,
                session=session,
                submitted_by=p.proposer.member,
                title=p.title,
                content=f"{p.reasons}\n\n建议：{p.measures}",
                from_proposal=p,
                status=Suggestion.Status.REPLIED,
                department=p.suggested_department,
                reply="已研究并落实，感谢您的建议。",
                submitted_on=p.reviewed_at.date(),
                forwarded_at=p.reviewed_at,
                replied_at=p.reviewed_at + dt.timedelta(days=14),
            )  # fmt: skip
            for p in updates
            if p.status == S.TO_SUGGESTION
        ]
    )


def _reply(b, p, dept, day, round_, handler):
    text = REPLIES.get(dept.name, DEFAULT_REPLY).format(m=p.measures if round_ == 1 else "")
    if round_ == 2:
        text = f"根据代表意见，{dept.name}再次研究并细化了落实方案：已明确责任人和完成时间，将于本学期内全部完成，并定期向提案人反馈进展。"
    at = _at(day, 15)
    b.replies.append(
        ProposalReply(
            proposal=p, round=round_, department=dept, text=text, measures="" if round_ == 1 else "明确责任人和完成时限",
            planned_completion=day + dt.timedelta(days=60), replied_by=handler, replied_at=at,
        )
    )  # fmt: skip
    b.log(p, S.ASSIGNED, S.REPLIED, "reply", handler, at, f"第{round_}轮答复", round_)


def _feedback(b, p, round_, rating, day, user, comment):
    at = _at(day, 17)
    b.feedbacks.append(Feedback(proposal=p, round=round_, rating=rating, comment=comment, rated_by=user, rated_at=at))
    label = Rating(rating).label
    to = S.REPLIED if rating == Rating.DISSATISFIED else S.CLOSED
    b.log(p, S.REPLIED, to, "rate", user, at, f"{label}" + (f"：{comment}" if comment else ""), round_)


def _suggestions(ctx, sessions, next_session) -> None:
    rng = ctx.rng
    rows = []
    depts = list(ctx.departments.values())
    for session in sessions:
        for i in range(rng.randrange(4, 7) * ctx.scale):
            title, content = SUGGESTIONS[(i + session.number + session.date.year) % len(SUGGESTIONS)]
            status = rng.choice([Suggestion.Status.REPLIED] * 3 + [Suggestion.Status.FORWARDED])
            day = session.collection_opens + dt.timedelta(days=rng.randrange(0, 60))
            dept = rng.choice(depts)
            rows.append(
                Suggestion(
                    school=ctx.school, session=session, submitted_by=rng.choice(ctx.active_members), title=title,
                    content=content, status=status, department=dept, submitted_on=day,
                    forwarded_at=_at(day + dt.timedelta(days=3)),
                    reply="已落实。" if status == Suggestion.Status.REPLIED else "",
                    replied_at=_at(day + dt.timedelta(days=15)) if status == Suggestion.Status.REPLIED else None,
                )
            )  # fmt: skip
    # one recent suggestion waiting for the committee
    rows.append(
        Suggestion(
            school=ctx.school, session=next_session, submitted_by=rng.choice(ctx.active_members),
            title="建议在教学楼每层增设直饮水点", content="课间教师饮水不便，建议每层增设直饮水点。",
            submitted_on=ctx.today - dt.timedelta(days=2),
        )
    )  # fmt: skip
    Suggestion.objects.bulk_create(rows)


def _votes(ctx, held) -> None:
    """One motion per held session (the pay rules clause by clause in the last full year's session,
    otherwise a document as a whole) and a 民主评议 of the school leaders; ``held`` is (session, roll)."""
    rng = ctx.rng
    chair = ctx.users.get("committee") or ctx.users.get("chair")
    pay_session = next((s for s, _n in held if s.date.year == ctx.year), held[-1][0])
    motions, clauses, rolls = [], [], {}
    for k, (session, roll) in enumerate(held):
        if session is pay_session:
            m = Motion(
                session=session,
                title="《奖励性绩效工资分配办法》修订稿",
                description="经各代表团分组讨论后逐条表决",
                voted_on=session.date,
            )
            texts = CLAUSES[:-1] + [f"第八条 附则：本办法经教代会审议通过后自{session.date.year}年9月起施行"]
        else:
            m = Motion(
                session=session,
                title=WHOLE_MOTIONS[(session.date.year + k) % len(WHOLE_MOTIONS)],
                description="整体表决",
                voted_on=session.date,
            )
            texts = ["全文"]
        motions.append(m)
        clauses.append(texts)
        rolls[session.pk] = roll
    Motion.objects.bulk_create(motions)
    MotionClause.objects.bulk_create(
        [MotionClause(motion=m, number=i, title=t) for m, texts in zip(motions, clauses, strict=True)
         for i, t in enumerate(texts, start=1)]
    )  # fmt: skip
    tallies = []
    for clause in MotionClause.objects.filter(motion__in=motions).select_related("motion").order_by("pk"):
        roll = rolls[clause.motion.session_id]
        expected = roll - rng.randrange(0, 3)
        present = expected - rng.randrange(1, 5)
        yes = present - rng.randrange(0, max(2, present // 12))
        no = rng.randrange(0, present - yes + 1)
        abstain = present - yes - no
        t = VoteTally(
            clause=clause, roll=roll, expected=expected, present=present, yes=yes, no=no, abstain=abstain,
            entered_by=chair, base=roll, quorum_met=quorum_met(roll=roll, present=present),
        )  # fmt: skip
        t.passed = t.quorum_met and vote_passes(yes=yes, base=roll)
        t.approval_rate = percent(yes, present)
        tallies.append(t)
    VoteTally.objects.bulk_create(tallies)
    results = []
    for session, roll in held:
        ballots = roll - rng.randrange(2, 6)
        a = Appraisal.objects.create(session=session, title="学校领导班子成员民主评议", ballots=ballots)
        for name, position in LEADERS:
            excellent = int(ballots * rng.uniform(0.62, 0.85))
            competent = int((ballots - excellent) * rng.uniform(0.7, 0.95))
            basically = ballots - excellent - competent - (1 if rng.random() < 0.3 else 0)
            results.append(
                AppraisalResult(
                    appraisal=a, leader_name=name, position=position, excellent=excellent, competent=competent,
                    basically_competent=max(basically, 0), incompetent=0,
                )
            )  # fmt: skip
    AppraisalResult.objects.bulk_create(results)
