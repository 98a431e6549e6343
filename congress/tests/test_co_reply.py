"""协办答复: a co-department's handler replies on the part handed to it (service and view)."""

import pytest
from django.core.exceptions import PermissionDenied

from congress import services
from congress.models import CoDepartmentReply
from members.models import Role
from members.tests.factories import DepartmentFactory

from .helpers import assigned

pytestmark = pytest.mark.django_db


@pytest.fixture
def co_setup(representative, rep_seat, cosigners, session, proposal_committee, department, school, sub_b):
    from conftest import make_role_user

    co_dept = DepartmentFactory(school=school, name="教务处")
    co_handler = make_role_user("cohandler", Role.HANDLER, school, sub_b, department=co_dept)
    p = assigned(representative, session, cosigners, proposal_committee, department)
    p.co_departments.add(co_dept)
    return p, co_dept, co_handler


def test_service_records_reply_and_history(co_setup, handler):
    p, co_dept, co_handler = co_setup
    services.proposal_co_reply(acting_user=co_handler, proposal=p, text="教务处将调整课表。")
    services.proposal_co_reply(acting_user=co_handler, proposal=p, text="教务处已调整课表。")
    reply = CoDepartmentReply.objects.get(proposal=p)
    assert (reply.department, reply.text) == (co_dept, "教务处已调整课表。")
    assert p.transitions.filter(action="co_reply").count() == 2
    with pytest.raises(PermissionDenied):
        services.proposal_co_reply(acting_user=handler, proposal=p, text="不是协办部门")


def test_view_shows_form_and_reply(co_setup, login, handler):
    p, _co_dept, co_handler = co_setup
    c = login(co_handler)
    assert 'id="co-reply"' in c.get(f"/congress/proposals/{p.pk}/").content.decode()
    assert c.get(f"/congress/proposals/{p.pk}/co-reply/").status_code == 405
    resp = c.post(f"/congress/proposals/{p.pk}/co-reply/", {"text": ""})
    assert resp.status_code == 200 and "这个字段是必填项" in resp.content.decode()
    resp = c.post(f"/congress/proposals/{p.pk}/co-reply/", {"text": "教务处已调整课表。"}, follow=True)
    assert "协办意见已提交" in resp.content.decode() and "教务处已调整课表。" in resp.content.decode()
    assert login(handler).post(f"/congress/proposals/{p.pk}/co-reply/", {"text": "x"}).status_code == 403
