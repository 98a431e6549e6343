"""Quorum and pass rules, impossible tallies, appraisals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress import services
from congress.models import Congress, Representative, check_tally, quorum_met, vote_passes

from .factories import RepresentativeFactory

pytestmark = pytest.mark.django_db


def test_quorum_exactly_two_thirds_is_enough():
    assert quorum_met(roll=60, present=40)  # exactly 2/3
    assert not quorum_met(roll=60, present=39)
    assert quorum_met(roll=70, present=47)  # 46.67 → 47 needed
    assert not quorum_met(roll=70, present=46)
    assert not quorum_met(roll=0, present=0)


def test_exactly_half_does_not_pass():
    assert not vote_passes(yes=30, base=60)
    assert vote_passes(yes=31, base=60)
    assert vote_passes(yes=36, base=71)
    assert not vote_passes(yes=35, base=71)


@pytest.mark.parametrize(
    ("numbers", "field", "text"),
    [
        ({"expected": 61, "present": 50, "yes": 40, "no": 0, "abstain": 0}, "expected", "不能超过正式代表总数"),
        ({"expected": 60, "present": 61, "yes": 40, "no": 0, "abstain": 0}, "present", "不能超过应到人数"),
        ({"expected": 60, "present": 50, "yes": 40, "no": 8, "abstain": 3}, "yes", "超过了实到人数"),
    ],
)
def test_impossible_tallies_are_rejected_with_chinese_messages(numbers, field, text):
    with pytest.raises(ValidationError) as exc:
        check_tally(roll=60, **numbers)
    assert text in exc.value.message_dict[field][0]


@pytest.fixture
def motion(congress, session, chair):
    RepresentativeFactory.create_batch(60, congress=congress)
    RepresentativeFactory.create_batch(5, congress=congress, kind=Representative.Kind.OBSERVER)
    return services.motion_create(
        acting_user=chair,
        session=session,
        title="《奖励性绩效工资发放办法》修订稿",
        clauses=["第一条", "第二条", "第三条"],
    )


def test_tally_uses_formal_roll_and_base_setting(motion, chair, congress):
    c1, c2, c3 = motion.clauses.all()
    t = services.tally_record(acting_user=chair, clause=c1, expected=58, present=40, yes=31, no=5, abstain=4)
    assert t.roll == 60 and t.quorum_met and t.passed and str(t.approval_rate) == "77.5"
    t = services.tally_record(acting_user=chair, clause=c2, expected=58, present=39, yes=39, no=0, abstain=0)
    assert not t.quorum_met and not t.passed  # unanimous but below 2/3 of 60
    t = services.tally_record(acting_user=chair, clause=c3, expected=58, present=50, yes=30, no=10, abstain=10)
    assert not t.passed  # 30 is exactly half of 60
    congress.pass_base = Congress.PassBase.DUE
    congress.save()
    t = services.tally_record(acting_user=chair, clause=c3, expected=58, present=50, yes=30, no=10, abstain=10)
    assert t.base == 58 and t.passed  # 30 > 29


def test_tally_refuses_impossible_numbers_and_non_admins(motion, chair, member, representative):
    clause = motion.clauses.first()
    with pytest.raises(ValidationError):
        services.tally_record(acting_user=chair, clause=clause, expected=70, present=50, yes=1, no=1, abstain=1)
    for user in (member, representative):
        with pytest.raises(PermissionDenied):
            services.tally_record(acting_user=user, clause=clause, expected=60, present=50, yes=40, no=5, abstain=5)


def test_tally_view_keeps_input_and_shows_message(motion, chair, login):
    client = login(chair)
    clause = motion.clauses.first()
    data = {"clause": clause.pk, "expected": 60, "present": 50, "yes": 45, "no": 5, "abstain": 3}
    resp = client.post(f"/congress/motions/{motion.pk}/", data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "赞成、反对、弃权合计（53）超过了实到人数（50）" in html and 'value="45"' in html
    data["abstain"] = 0
    resp = client.post(f"/congress/motions/{motion.pk}/", data)
    assert resp.status_code == 302
    resp = client.get(f"/congress/motions/{motion.pk}/")
    assert "90.0%" in resp.content.decode()


def test_appraisal_counts_cannot_exceed_ballots(session, chair):
    a = services.appraisal_create(acting_user=chair, session=session, title="领导班子民主评议", ballots=60)
    r = services.appraisal_result_add(
        acting_user=chair,
        appraisal=a,
        leader_name="张校长",
        excellent=50,
        competent=8,
        basically_competent=2,
        incompetent=0,
    )
    assert str(r.good_rate) == "96.7"
    with pytest.raises(ValidationError, match="超过了有效票数"):
        services.appraisal_result_add(
            acting_user=chair,
            appraisal=a,
            leader_name="李副校长",
            excellent=50,
            competent=10,
            basically_competent=1,
            incompetent=0,
        )
