"""A realistic fixture world for the permission matrix: two schools, each with every role and one object of
every kind a detail, edit or download URL needs.

Built once per test module through the apps' own factories and services (so the objects are in the states
the real flows produce). ``build_world()`` returns the home school ``a`` (whose role users request the URLs)
and the other school ``b`` (whose objects are the "foreign" ones of the IDOR checks, and whose chair is the
``outsider``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from members.idcard import id_check_char
from members.models import FamilyMember, ImportBatch, Organization, Role
from members.tests.factories import (
    DepartmentFactory,
    MemberFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
)

# The colleague's identity numbers: shown in full only to the chair (settings.SENSITIVE_ID_ROLES) and the member.
SECRET_ID = "11010519491231002X"
SECRET_BANK = "6222020200112233445"
OTHER_ID = "11010519800101001" + id_check_char("11010519800101001")  # the other school's colleague

# The roles, in the column order of the expected table.
# ``district``: the chair of the district union above the home school (the district rule, members.access).
ROLES = ("anon", "member", "rep", "handler", "subchair", "subchair_other", "proposals", "chair", "district", "outsider")


@dataclass
class School:
    school: Organization
    sub_a: Organization
    sub_b: Organization
    tag: str
    users: dict = field(default_factory=dict)
    obj: dict = field(default_factory=dict)  # name → model instance (the object a URL's pk points at)


def _user(code, tag, username, role, node, member_org, department=None):
    user = UserFactory(username=f"{code.lower()}-{username}", password=None)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    MemberFactory(organization=member_org, user=user, name=f"{tag}{username}本人", staff_no=f"{code}-{username}")
    RoleAssignmentFactory(user=user, role=role, organization=node, department=department)
    return user


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, "PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def build_school(code: str, name: str, tag: str, parent: Organization | None = None) -> School:
    """One school with every role and object; ``tag`` starts every name and title, to spot it where it leaks."""
    school = OrganizationFactory(kind=Organization.Kind.SCHOOL, code=code, name=name, parent=parent)
    sub_a = OrganizationFactory(kind=Organization.Kind.SUB_UNION, code=f"{code}-A", name=f"{tag}语文组分工会", parent=school)
    sub_b = OrganizationFactory(kind=Organization.Kind.SUB_UNION, code=f"{code}-B", name=f"{tag}数学组分工会", parent=school)
    dept = DepartmentFactory(school=school, name=f"{tag}总务处")
    dept_other = DepartmentFactory(school=school, name=f"{tag}教务处")
    w = School(school=school, sub_a=sub_a, sub_b=sub_b, tag=tag)
    u = w.users
    u["member"] = _user(code, tag, "member", Role.MEMBER, sub_a, sub_a)
    u["rep"] = _user(code, tag, "rep", Role.REPRESENTATIVE, school, sub_a)
    u["handler"] = _user(code, tag, "handler", Role.HANDLER, school, sub_b, department=dept)
    u["subchair"] = _user(code, tag, "subchair", Role.SUB_UNION_CHAIR, sub_a, sub_a)
    u["subchair_other"] = _user(code, tag, "subchair2", Role.SUB_UNION_CHAIR, sub_b, sub_b)
    u["proposals"] = _user(code, tag, "proposals", Role.PROPOSAL_COMMITTEE, school, sub_b)
    u["chair"] = _user(code, tag, "chair", Role.CHAIR, school, sub_a)
    o = w.obj
    o["school"] = school
    o["dept"], o["dept_other"] = dept, dept_other
    o["sub_b_unit"] = sub_b
    o["member_role"] = u["member"].role_assignments.get()
    # A colleague in sub-union A whose private records nobody but managers (and they themselves) may read.
    colleague = MemberFactory(organization=sub_a, name=f"{tag}张三丰", staff_no=f"{code}-Z1",
                              id_number=SECRET_ID if tag == "甲校" else OTHER_ID,
                              bank_account=SECRET_BANK if tag == "甲校" else "6222020200199887766")
    o["member"] = colleague
    spouse = FamilyMember.objects.create(member=colleague, relation=FamilyMember.Relation.SPOUSE, name=f"{tag}李四")
    o["relative"] = spouse  # the colleague's: nobody's 我的 page may change it
    o["own_relative"] = FamilyMember.objects.create(  # the ``member`` user's own, for 我的
        member=u["member"].member, relation=FamilyMember.Relation.CHILD, name=f"{tag}小五")
    _welfare(w, colleague, spouse)
    _congress(w, colleague)
    _activities(w, colleague)
    _reports(w)
    _notices(w)
    from union_portal.lib.record_imports import importers

    for kind in importers():  # one batch per record importer, for its preview and confirm rows
        o[f"batch_{kind}"] = ImportBatch.objects.create(
            kind=kind, school=school, file=ContentFile(b"PK", name=f"{kind}.xlsx"), original_name=f"{kind}.xlsx",
            summary={}, uploaded_by=u["chair"],
        )
    o["roster_batch"] = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ROSTER, school=school, file=ContentFile(b"PK", name="roster.xlsx"),
        original_name="roster.xlsx", summary={}, uploaded_by=u["chair"],
    )
    return w


def _welfare(w: School, colleague, spouse) -> None:
    from welfare import services
    from welfare.models import AidClaim, DonationDrive, HardshipCase, HealthCheckCampaign, MutualAidPlan

    o, chair = w.obj, w.users["chair"]
    o["pending"] = services.life_event_record(
        member=colleague, event="hospitalisation", event_date=dt.date.today() - dt.timedelta(days=2),
        notes=f"{w.tag}住院治疗", acting_user=chair,
    )
    o["visit"] = services.welfare_visit_record(
        member=colleague, occasion=services.occasion_by_code(None, "marriage"), visited_on=dt.date(2021, 5, 10),
        cash_amount=Decimal("500"), acting_user=chair,
    )
    o["visit_sensitive"] = services.welfare_visit_record(
        member=colleague, occasion=services.occasion_by_code(None, "hospitalisation"),
        visited_on=dt.date(2021, 6, 10), cash_amount=Decimal("800"), acting_user=chair,
    )
    o["visit"], o["visit_sensitive"] = o["visit"].visit, o["visit_sensitive"].visit  # VisitResult
    other = MemberFactory(organization=w.sub_b, name=f"{w.tag}王五", staff_no=f"{w.school.code}-Z2")
    o["visit_sub_b"] = services.welfare_visit_record(
        member=other, occasion=services.occasion_by_code(None, "hospitalisation"), visited_on=dt.date(2021, 6, 11),
        cash_amount=Decimal("800"), acting_user=chair,
    ).visit
    o["occasion"] = services.occasion_save(
        acting_user=chair, school=w.school, code="graduation", name=f"{w.tag}子女升学", is_mandatory=False,
        is_sensitive=False, concerns_relative=True, sort_order=90,
    )
    o["welfare_batch"] = ImportBatch.objects.create(
        kind=ImportBatch.Kind.WELFARE, school=w.school, file=ContentFile(b"PK", name="welfare.xlsx"),
        original_name="welfare.xlsx", summary={}, uploaded_by=chair,
    )
    dist = services.distribution_issue(
        organization=w.school, festival="mid_autumn", title=f"{w.tag}2021年中秋慰问", distributed_on=dt.date(2021, 9, 15),
        item="月饼", value_per_person=Decimal("200"), acting_user=chair,
    )
    o["distribution"] = dist.distribution
    plan = MutualAidPlan.objects.create(organization=w.school, kind="hospital", name=f"{w.tag}住院医疗互助", is_health=True)
    o["claim"] = AidClaim.objects.create(
        plan=plan, member=colleague, claimed_on=dt.date(2021, 7, 1), claimed_amount=Decimal("3000"),
        recorded_by=chair,
    )
    o["hardship"] = HardshipCase.objects.create(
        member=colleague, opened_on=dt.date(2021, 1, 5), reason=f"{w.tag}子女重病", recorded_by=chair,
    )
    o["drive"] = DonationDrive.objects.create(organization=w.school, kind="one_day", title=f"{w.tag}一日捐",
                                              held_on=dt.date(2021, 6, 28))
    o["campaign"] = HealthCheckCampaign.objects.create(organization=w.school, year=2021, name=f"{w.tag}年度体检",
                                                       held_on=dt.date(2021, 5, 10))


def _congress(w: School, colleague) -> None:
    from congress import services
    from congress.models import CoSignature, Suggestion
    from congress.tests.factories import CategoryFactory, CongressFactory, RepresentativeFactory, SessionFactory
    from congress.tests.helpers import assigned, drafted, replied, submitted

    o, u = w.obj, w.users
    congress = CongressFactory(school=w.school, number=2)
    session = SessionFactory(congress=congress, number=3)
    category = CategoryFactory(school=w.school, name=f"{w.tag}后勤保障")
    o["congress"], o["session"] = congress, session
    from members.access import member_of

    RepresentativeFactory(congress=congress, member=member_of(u["rep"]))
    cosigners = []
    for i in range(2):
        user = UserFactory(username=f"{w.school.code.lower()}-cosign{i}")
        seat = RepresentativeFactory(congress=congress, member=MemberFactory(organization=w.sub_a, user=user))
        RoleAssignmentFactory(user=user, role=Role.REPRESENTATIVE, organization=w.school)
        cosigners.append((user, seat))
    colleague_user = UserFactory(username=f"{w.school.code.lower()}-colleague")
    colleague.user = colleague_user
    colleague.save(update_fields=["user"])
    colleague_seat = RepresentativeFactory(congress=congress, member=colleague)
    rep, proposals, handler = u["rep"], u["proposals"], u["handler"]
    # The representative's own draft, with an attachment.
    o["draft"] = drafted(rep, session, category=category, title=f"{w.tag}关于改善教工食堂伙食质量的建议")
    o["draft_attachment"] = services.attachment_add(
        acting_user=rep, proposal=o["draft"],
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    # Another representative's draft now collecting co-signatures, the representative invited.
    other = drafted(colleague_user, session, title=f"{w.tag}关于增设教师休息室的建议")
    rep_seat = congress.representatives.get(member__user=rep)
    services.cosigners_invite(acting_user=colleague_user, proposal=other, representatives=[rep_seat])
    o["invitation"] = CoSignature.objects.get(proposal=other, representative=rep_seat)
    # Proposals further along: submitted (awaiting the committee), assigned to the handler's department,
    # assigned to another department, and replied (awaiting the proposer's rating).
    o["submitted"] = submitted(rep, session, cosigners, title=f"{w.tag}关于完善教师培训制度的建议")
    o["assigned"] = assigned(rep, session, cosigners, proposals, o["dept"], title=f"{w.tag}关于维修操场跑道的建议")
    o["assigned_other"] = assigned(rep, session, cosigners, proposals, o["dept_other"], title=f"{w.tag}关于调整课时安排的建议")
    o["replied"] = replied(rep, session, cosigners, proposals, o["dept"], handler, title=f"{w.tag}关于增加停车位的建议")
    o["accepted_attachment"] = None
    o["motion"] = services.motion_create(
        acting_user=u["chair"], session=session, title=f"{w.tag}《学校章程（修订稿）》", clauses=["第一章", "第二章"],
    )
    o["appraisal"] = services.appraisal_create(acting_user=u["chair"], session=session, title=f"{w.tag}民主评议校级领导",
                                               ballots=40)
    o["suggestion"] = services.suggestion_create(acting_user=u["member"], title=f"{w.tag}食堂早餐品种少", content="希望增加早餐品种。")
    assert isinstance(o["suggestion"], Suggestion)
    for key, dept in (("suggestion_forwarded", o["dept"]), ("suggestion_other_dept", o["dept_other"])):
        o[key] = services.suggestion_create(acting_user=u["member"], title=f"{w.tag}教室空调维修", content="三楼教室空调不制冷。")
        services.suggestion_forward(acting_user=proposals, suggestion=o[key], department=dept)
    _ = colleague_seat


def _activities(w: School, colleague) -> None:
    from activities import services
    from activities.models import Match, Registration
    from activities.tests.factories import (
        ActivityFactory,
        AwardFactory,
        HonorFactory,
        InterestGroupFactory,
        TeamFactory,
    )
    from members.access import member_of

    o, u = w.obj, w.users
    activity = ActivityFactory(organizer=w.school, title=f"{w.tag}教职工气排球赛", created_by=u["chair"])
    o["activity"] = activity
    o["activity_sub"] = ActivityFactory(organizer=w.sub_a, title=f"{w.tag}语文组读书会", created_by=u["subchair"])
    o["registration"] = services.registration_create(activity=activity, member=colleague)
    o["own_registration"] = services.registration_create(activity=activity, member=member_of(u["member"]))
    assert o["registration"].status == Registration.Status.REGISTERED
    home, away = TeamFactory(activity=activity, name=f"{w.tag}语文队"), TeamFactory(activity=activity, name=f"{w.tag}数学队")
    o["team"] = home
    o["match"] = Match.objects.create(activity=activity, played_on=dt.date(2021, 5, 1), home=home, away=away,
                                      home_score=2, away_score=1)
    o["photo"] = services.photo_add(activity=activity, data=_png().read(), caption="合影", acting_user=u["chair"])
    o["honor"] = HonorFactory(member=colleague, title=f"{w.tag}教学标兵")
    o["award"] = AwardFactory(member=colleague, competition=f"{w.tag}省教学技能竞赛")
    o["group"] = InterestGroupFactory(organization=w.school, name=f"{w.tag}羽毛球协会")
    o["group_sub"] = InterestGroupFactory(organization=w.sub_a, name=f"{w.tag}语文组书法小组")
    _ = timezone


def _reports(w: School) -> None:
    from reports import services
    from reports.models import ExportFormat, PeriodKind, ReportExport

    o, chair = w.obj, w.users["chair"]
    report = services.report_create(
        organization=w.school, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31),
        period_kind=PeriodKind.CALENDAR_YEAR, acting_user=chair,
    )
    o["report"] = report
    o["section"] = report.sections.order_by("order", "pk").first()
    o["report_sub"] = services.report_create(
        organization=w.sub_a, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31),
        period_kind=PeriodKind.CALENDAR_YEAR, acting_user=w.users["subchair"],
    )
    final = services.report_create(
        organization=w.school, start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31),
        period_kind=PeriodKind.CALENDAR_YEAR, acting_user=chair,
    )
    services.report_finalise(report=final, acting_user=chair)
    o["version"] = final.versions.get()
    export, _queued = services.export_request(report=final, fmt=ExportFormat.HTML, acting_user=chair)
    export.file.save("report-2020.html", ContentFile("<html><body>2020年工会工作报告</body></html>".encode()),
                     save=False)
    export.status, export.progress = ReportExport.Status.DONE, 100
    export.save(update_fields=["file", "status", "progress"])
    o["export"] = export


def _notices(w: School) -> None:
    """A notice to the whole school with an attachment, and a 校务公开 item with a file."""
    from congress.services import disclosure_publish
    from members.services import notice_publish

    today = timezone.localdate()
    pdf = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    w.obj["notice"] = notice_publish(acting_user=w.users["chair"], school=w.school, title=f"{w.tag}春季健步走通知",
                                     body="请报名。", audience="school", uploads=[pdf])
    w.obj["notice_attachment"] = w.obj["notice"].attachments.get()
    w.obj["disclosure"] = disclosure_publish(
        acting_user=w.users["chair"], school=w.school, category="finance", title=f"{w.tag}工会经费收支情况",
        body="明细见附件。", period_start=today, period_end=today + dt.timedelta(days=30),
        upload=SimpleUploadedFile("budget.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )


def build_world():
    """The home school ``a`` under a district union (whose chair is the ``district`` role), and ``b`` outside it."""
    district = OrganizationFactory(kind=Organization.Kind.DISTRICT, code="QU", name="区教育工会")
    a = build_school("SCH", "甲校工会", "甲校", parent=district)
    b = build_school("OTH", "乙校工会", "乙校")
    users = dict(a.users)
    district_chair = UserFactory(username="qu-chair", password=None)
    RoleAssignmentFactory(user=district_chair, role=Role.CHAIR, organization=district)
    users["district"] = district_chair
    users["outsider"] = b.users["chair"]
    return a, b, users
