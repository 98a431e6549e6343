"""Browser journeys: a notice to one sub-union reaches exactly its members' home pages (desktop and
390 px phone); an overdue proposal gives its handler one reminder however often the task runs, through
a real Celery worker over Redis when REDIS_URL is set (PostgreSQL), eagerly otherwise."""

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from conftest import browser_login, make_role_user
from members.models import Reminder, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/notes/shots/h-notices")


@pytest.mark.parametrize("device", ["browser_page", "phone_page"])
def test_a_sub_union_notice_reaches_exactly_its_members_home_pages(request, device, chair, member, sub_a, sub_b):
    page = request.getfixturevalue(device)
    make_role_user("bmember", Role.MEMBER, sub_b, sub_b)  # a member of the other sub-union
    browser_login(page, "chair")
    page.goto(page.base_url + "/members/notices/new/")
    page.fill("#id_title", "语文组教研活动通知")
    page.fill("#id_body", "本周四下午三点在三楼会议室开展教研活动，请准时参加。")
    page.select_option("#id_audience", "sub_union")
    page.select_option("#id_sub_union", str(sub_a.pk))
    page.click("button:has-text('发布')")
    page.wait_for_selector("text=通知已发布")
    page.goto(page.base_url + "/members/notices/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"notice-board-{device}.png"), full_page=True)
    page.context.clear_cookies()

    browser_login(page, "member")  # in sub_a
    panel = page.locator(".notice-panel")
    assert "语文组教研活动通知" in panel.inner_text()
    page.screenshot(path=str(SHOTS / f"member-home-unread-{device}.png"), full_page=True)
    panel.locator("text=语文组教研活动通知").click()
    page.click("button:has-text('确认已读')")
    page.wait_for_selector("text=您已确认阅读")
    page.goto(page.base_url + "/")
    assert page.locator(".notice-panel").count() == 0
    page.context.clear_cookies()

    browser_login(page, "bmember")  # in sub_b: nothing
    assert page.locator(".notice-panel").count() == 0
    page.goto(page.base_url + "/members/notices/")
    assert "语文组教研活动通知" not in page.inner_text("main")


@pytest.fixture
def worker(settings):
    """A real ``celery worker`` on the test database over Redis, or None (tasks run eagerly)."""
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        yield None
        return
    db = connection.settings_dict
    url = (f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
           f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CONN_MAX_AGE": "0"}
    queue = f"reminders-test-{os.getpid()}"
    from union_portal.celery import app

    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "union_portal", "worker", "--pool=solo",
         "-Q", queue, "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    app.conf.task_default_queue = "celery"


def test_an_overdue_proposal_reminds_its_handler_once_even_when_the_task_runs_twice(
    worker, browser_page, representative, proposal_committee, handler, department, school, sub_a
):
    from congress.tasks import remind_proposal_deadlines
    from congress.tests.conftest import make_rep_user
    from congress.tests.factories import CongressFactory, RepresentativeFactory, SessionFactory
    from congress.tests.helpers import assigned

    congress = CongressFactory(school=school, number=2)
    session = SessionFactory(congress=congress, number=3)
    RepresentativeFactory(congress=congress, member=representative.member)
    cosigners = [make_rep_user("cosign1", congress, sub_a), make_rep_user("cosign2", congress, sub_a)]
    proposal = assigned(representative, session, cosigners, proposal_committee, department)
    proposal.deadline = dt.date.today() - dt.timedelta(days=3)
    proposal.save(update_fields=["deadline"])

    if worker is None:
        assert [remind_proposal_deadlines.delay().get(), remind_proposal_deadlines.delay().get()] == [1, 0]
    else:  # two beats, both delivered to the real worker
        results = [remind_proposal_deadlines.delay(), remind_proposal_deadlines.delay()]
        assert sorted(r.get(timeout=90) for r in results) == [0, 1]
    assert Reminder.objects.filter(recipient=handler, kind=Reminder.Kind.PROPOSAL_DEADLINE).count() == 1
    assert Reminder.objects.count() == 1

    page = browser_page
    browser_login(page, "handler")
    assert page.inner_text(".nav-bell-count") == "1"
    page.click(".nav-bell")
    assert page.locator(".inbox .list-group-item").count() == 1
    assert "已逾期3天" in page.inner_text(".inbox")
