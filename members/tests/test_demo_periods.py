"""The demo is anchored to ``today``: the report a new user builds first has a full year behind it.

For a fixed today (2026-11-28), the last full calendar year (2025) and the last school year
(2025-09-01 – 2026-08-31), and the year before each (for 同比 / 与上一学年相比), have records of every
kind, counted here by raw SQL independently of the apps' selectors; and the next session's proposal
window is open on today.
"""

import datetime as dt

import pytest
from django.db import connection

from scripts.demo.members import load_demo

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)
LAST_YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
LAST_SCHOOL_YEAR = (dt.date(2025, 9, 1), dt.date(2026, 8, 31))

# name → SQL counting rows whose date lies in [%(start)s, %(end)s]
COUNTS = {
    "welfare visits": "SELECT COUNT(*) FROM welfare_welfarevisit WHERE visited_on BETWEEN %(start)s AND %(end)s",
    "distribution recipients": """
        SELECT COUNT(*) FROM welfare_distributionrecipient r
        JOIN welfare_festivaldistribution d ON d.id = r.distribution_id
        WHERE d.distributed_on BETWEEN %(start)s AND %(end)s""",
    "donations": """
        SELECT COUNT(*) FROM welfare_donation n JOIN welfare_donationdrive d ON d.id = n.drive_id
        WHERE d.held_on BETWEEN %(start)s AND %(end)s""",
    "health-check participants": """
        SELECT COUNT(*) FROM welfare_healthcheckparticipant p
        JOIN welfare_healthcheckcampaign c ON c.id = p.campaign_id
        WHERE c.held_on BETWEEN %(start)s AND %(end)s""",
    "activities": """
        SELECT COUNT(*) FROM activities_activity
        WHERE status = 'finished' AND starts_at >= %(start)s AND starts_at < %(after)s""",
    "registrations": """
        SELECT COUNT(*) FROM activities_registration r JOIN activities_activity a ON a.id = r.activity_id
        WHERE a.starts_at >= %(start)s AND a.starts_at < %(after)s""",
    "awards": "SELECT COUNT(*) FROM activities_award WHERE awarded_on BETWEEN %(start)s AND %(end)s",
    "honours": "SELECT COUNT(*) FROM activities_honor WHERE awarded_on BETWEEN %(start)s AND %(end)s",
    "sessions held": "SELECT COUNT(*) FROM congress_congresssession WHERE date BETWEEN %(start)s AND %(end)s",
    "proposals accepted": """
        SELECT COUNT(*) FROM congress_proposal p JOIN congress_congresssession s ON s.id = p.session_id
        WHERE s.date BETWEEN %(start)s AND %(end)s AND p.status IN ('accepted', 'assigned', 'replied', 'closed')""",
    "motions passed": """
        SELECT COUNT(*) FROM congress_motion m JOIN congress_congresssession s ON s.id = m.session_id
        WHERE s.date BETWEEN %(start)s AND %(end)s
          AND EXISTS (SELECT 1 FROM congress_motionclause c WHERE c.motion_id = m.id)
          AND NOT EXISTS (
              SELECT 1 FROM congress_motionclause c LEFT JOIN congress_votetally t ON t.clause_id = c.id
              WHERE c.motion_id = m.id AND (t.id IS NULL OR NOT t.passed))""",
}


def period_counts(start: dt.date, end: dt.date) -> dict[str, int]:
    """Rows of each kind dated in [start, end], by raw SQL."""
    params = {"start": start, "end": end, "after": end + dt.timedelta(days=1)}
    out = {}
    with connection.cursor() as cur:
        for name, sql in COUNTS.items():
            cur.execute(sql, params)
            out[name] = cur.fetchone()[0]
    return out


def test_last_full_year_and_last_school_year_have_records_and_a_window_is_open_today():
    (ctx,) = load_demo(scale=1, today=TODAY)
    assert ctx.year == 2025 and ctx.first_year == 2021
    for start, end in (LAST_YEAR, LAST_SCHOOL_YEAR):
        previous = (start.replace(year=start.year - 1), end.replace(year=end.year - 1))
        for period in ((start, end), previous):
            counts = period_counts(*period)
            assert all(counts.values()), (period, counts)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM congress_congresssession WHERE collection_opens <= %s AND %s <= collection_closes",
            [TODAY, TODAY],
        )
        assert cur.fetchone()[0] == 1
        cur.execute(
            """SELECT COUNT(*) FROM congress_proposal p JOIN congress_congresssession s ON s.id = p.session_id
               WHERE s.collection_opens <= %s AND %s <= s.collection_closes AND s.date > %s
                 AND p.status IN ('draft', 'collecting', 'submitted')""",
            [TODAY, TODAY, TODAY],
        )
        assert cur.fetchone()[0] >= 3
        # nothing happened after today: no record is dated in the future except the next session and upcoming items
        cur.execute("SELECT COUNT(*) FROM welfare_welfarevisit WHERE visited_on >= %s", [TODAY])
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT COUNT(*) FROM activities_honor WHERE awarded_on >= %s", [TODAY])
        assert cur.fetchone()[0] == 0


def test_same_today_gives_the_same_data_and_another_today_moves_it():
    from django.db import transaction

    def snapshot():
        with connection.cursor() as cur:
            cur.execute("SELECT MIN(visited_on), MAX(visited_on), COUNT(*) FROM welfare_welfarevisit")
            visits = cur.fetchone()
            cur.execute("SELECT date, collection_opens, collection_closes FROM congress_congresssession ORDER BY date")
            sessions = cur.fetchall()
            cur.execute("SELECT title, starts_at FROM activities_activity ORDER BY starts_at, title")
            acts = cur.fetchall()
        return visits, sessions, acts

    from congress.models import CongressSession

    runs, open_windows = [], []
    for today in (TODAY, TODAY, dt.date(2027, 3, 1)):
        sid = transaction.savepoint()
        load_demo(scale=1, today=today)
        runs.append(snapshot())
        open_windows.append(
            CongressSession.objects.filter(collection_opens__lte=today, collection_closes__gte=today).count()
        )
        transaction.savepoint_rollback(sid)
    assert runs[0] == runs[1]
    assert runs[2] != runs[0] and open_windows == [1, 1, 1]
