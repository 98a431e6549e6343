"""Drive a proposal through the real services to a given state (tests only)."""

import datetime as dt

from congress import services
from congress.models import CoSignature


def drafted(rep_user, session, category=None, title="关于改善教工食堂伙食质量的建议"):
    return services.proposal_create(
        acting_user=rep_user,
        session=session,
        title=title,
        reasons="食堂菜品单一，午餐时段排队时间长。",
        measures="增加窗口，每周公布菜谱，设立意见箱。",
        category=category,
    )


def submitted(rep_user, session, cosigners, **kw):
    p = drafted(rep_user, session, **kw)
    services.cosigners_invite(acting_user=rep_user, proposal=p, representatives=[s for _u, s in cosigners])
    services.proposal_submit(acting_user=rep_user, proposal=p)
    for user, seat in cosigners:
        cs = CoSignature.objects.get(proposal=p, representative=seat)
        services.cosignature_confirm(acting_user=user, cosignature=cs)
    p.refresh_from_db()
    return p


def accepted(rep_user, session, cosigners, committee_user, **kw):
    p = submitted(rep_user, session, cosigners, **kw)
    return services.proposal_accept(acting_user=committee_user, proposal=p)


def assigned(rep_user, session, cosigners, committee_user, department, deadline=None, **kw):
    p = accepted(rep_user, session, cosigners, committee_user, **kw)
    return services.proposal_assign(
        acting_user=committee_user,
        proposal=p,
        lead_department=department,
        deadline=deadline or dt.date.today() + dt.timedelta(days=30),
    )


def replied(rep_user, session, cosigners, committee_user, department, handler_user, **kw):
    p = assigned(rep_user, session, cosigners, committee_user, department, **kw)
    services.proposal_reply(acting_user=handler_user, proposal=p, text="已增设两个窗口，菜谱每周公布。")
    p.refresh_from_db()
    return p
