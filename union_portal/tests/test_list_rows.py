"""The three long lists render their rows in Python (members/tables.py): each cell still says what
the records say, in the active language, escaped."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from congress.models import ProposalStatus
from congress.tests.factories import (
    CategoryFactory,
    CongressFactory,
    DelegationFactory,
    ProposalFactory,
    RepresentativeFactory,
    SessionFactory,
)
from members.tests.factories import DepartmentFactory, FamilyMemberFactory, MemberFactory
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db


def _row(html: str, marker: str) -> str:
    """The <tr> of the table body that contains ``marker``."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    rows = [r for r in re.findall(r"<tr>.*?</tr>", body, re.S) if marker in r]
    assert len(rows) == 1, (marker, len(rows))
    return rows[0]


def _cells(row: str) -> dict[str, str]:
    return {label: re.sub(r"<[^>]+>", "", cell).strip()
            for label, cell in re.findall(r'<td data-label="([^"]*)"[^>]*>(.*?)</td>', row, re.S)}


def test_member_rows(login, chair, group_a, sub_a):
    dept = DepartmentFactory(school=sub_a.parent, name="教务处")
    m = MemberFactory(organization=group_a, department=dept, name="<b>王五</b>", title="", is_union_member=False,
                      gender="female", status="active")
    html = login(chair).get("/members/", {"q": "M"}).content.decode()
    row = _row(html, f"/members/{m.pk}/")
    assert "&lt;b&gt;王五&lt;/b&gt;" in row and "<b>王五" not in row
    cells = _cells(row)
    assert cells["分工会"] == sub_a.name  # a group's member belongs to the group's sub-union
    assert cells["部门"] == "教务处" and cells["职称"] == "—" and cells["性别"] == "女"
    assert cells["姓名"].endswith("非会员") and cells["状态"] == "在职"
    assert 'class="badge badge-status-active"' in row


def test_ledger_rows(login, chair, sub_a):
    year = dt.date.today().year
    person = MemberFactory(organization=sub_a)
    spouse = FamilyMemberFactory(member=person)
    visitors = [MemberFactory(organization=sub_a, staff_no="V2", name="乙访"),
                MemberFactory(organization=sub_a, staff_no="V1", name="甲访")]
    visit = WelfareVisitFactory(member=person, family_member=spouse, occasion=occasion("hospitalisation"),
                                visited_on=dt.date(year, 3, 9), cash_amount=Decimal("1234.5"),
                                gift_value=Decimal("0"), gift_description="")
    visit.visitors.set(visitors)
    client = login(chair)
    row = _row(client.get("/welfare/ledger/").content.decode(), f"/welfare/visits/{visit.pk}/")
    cells = _cells(row)
    assert cells["日期"] == f"{year}-03-09"
    assert cells["姓名"] == f"{person.name} (配偶)"
    assert cells["事由"] == "生病住院" and "bi-shield-lock" in row  # sensitive, shown to the chair
    assert cells["慰问金（元）"] == "1234.50" and cells["慰问品价值（元）"] == "0.00" and cells["慰问品"] == "—"
    assert cells["慰问人"] == "甲访、乙访"  # staff_no order
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = _cells(_row(client.get("/welfare/ledger/").content.decode(), f"/welfare/visits/{visit.pk}/"))
    assert english["Condolence money (yuan)"] == "1,234.50"  # English groups thousands, as floatformat:"2g" did


def test_proposal_rows(login, proposal_committee, school, department):
    congress = CongressFactory(school=school, number=2)
    session = SessionFactory(congress=congress, number=3)
    delegation = DelegationFactory(congress=congress, name="后勤代表团")
    joint = ProposalFactory(session=session, proposer=None, delegation=delegation, status=ProposalStatus.ACCEPTED,
                            number="2", title="关于<食堂>的建议")
    late = ProposalFactory(session=session, status=ProposalStatus.ASSIGNED, number="1", round=2,
                           lead_department=department, deadline=dt.date(2020, 1, 1),
                           category=CategoryFactory(school=school, name="后勤保障"),
                           proposer=RepresentativeFactory(congress=congress))
    html = login(proposal_committee).get("/congress/proposals/", {"view": "all"}).content.decode()
    joint_row = _row(html, f"/congress/proposals/{joint.pk}/")
    assert "关于&lt;食堂&gt;的建议" in joint_row
    cells = _cells(joint_row)
    assert cells["提案人"] == "后勤代表团（集体提案）" and cells["类别"] == "—" and cells["答复期限"] == "—"
    assert cells["案由"].endswith(session.name)
    late_cells = _cells(_row(html, f"/congress/proposals/{late.pk}/"))
    assert late_cells["提案人"] == late.proposer.member.name and late_cells["主办部门"] == department.name
    assert late_cells["状态"].endswith("第2轮") and late_cells["类别"] == "后勤保障"
    assert '<span class="overdue">2020-01-01</span>' in _row(html, f"/congress/proposals/{late.pk}/")
