"""表决事项 (motions voted clause by clause, paper tallies) and 民主评议 (appraisals of leaders)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms import AppraisalForm, AppraisalResultForm, MotionForm, TallyForm
from ..models import Motion, MotionClause
from ..permissions import can_admin_congress, require_congress_admin

TALLY_FIELDS = ("expected", "present", "yes", "no", "abstain")


@login_required
@require_http_methods(["GET", "POST"])
def motion_create(request, session_pk: int):
    """A new motion of a session, one clause per line (none: voted as a whole)."""
    session = selectors.get_session_for_user(request.user, session_pk)
    require_congress_admin(request.user, session.congress.school)
    form = MotionForm(request.POST or None, initial={"voted_on": session.date})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        motion = services.motion_create(
            acting_user=request.user,
            session=session,
            title=d["title"],
            description=d["description"],
            voted_on=d["voted_on"],
            clauses=d["clauses"].splitlines(),
        )
        messages.success(request, _("表决事项已创建，请逐条录入计票结果。"))
        return redirect("congress:motion_detail", pk=motion.pk)
    return render(
        request,
        "congress/simple_form.html",
        {"form": form, "title": _("%(name)s · 新建表决事项") % {"name": session.name}},
    )


def _record_tally(request, motion: Motion, roll: int):
    """Save the posted tally of one clause; returns a redirect, or (clause pk, bound form with errors)."""
    clause = get_object_or_404(MotionClause, pk=request.POST.get("clause"), motion=motion)
    form = TallyForm(request.POST, roll=roll)
    if form.is_valid():
        try:
            services.tally_record(acting_user=request.user, clause=clause, **form.cleaned_data)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, _("第%(n)s条计票结果已保存。") % {"n": clause.number})
            return redirect("congress:motion_detail", pk=motion.pk)
    messages.error(request, _("计票结果有误，请核对。"))
    return clause.pk, form


def _clause_rows(motion: Motion, roll: int, bound_clause, bound_form) -> list[dict]:
    """Each clause with its tally and a tally form (the bound one for ``bound_clause``)."""
    rows = []
    for c in motion.clauses.select_related("tally"):
        tally = getattr(c, "tally", None)
        if c.pk == bound_clause:
            form = bound_form
        else:
            initial = {k: getattr(tally, k) for k in TALLY_FIELDS} if tally else {"expected": roll}
            form = TallyForm(initial=initial, roll=roll, prefix=None)
        rows.append({"clause": c, "tally": tally, "form": form})
    return rows


def _vote_summary(rows: list[dict]) -> dict | None:
    """Clauses voted and passed, the lowest approval rate, whether every clause passed (None before any vote)."""
    voted = [r["tally"] for r in rows if r["tally"]]
    if not voted:
        return None
    passed = [t for t in voted if t.passed]
    rates = [t.approval_rate for t in voted if t.approval_rate is not None]
    return {"voted": len(voted), "passed": len(passed), "min_rate": min(rates) if rates else None,
            "all_passed": len(passed) == len(rows)}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def motion_detail(request, pk: int):
    """A motion's clauses with results; admins enter each clause's tally here."""
    motion = selectors.get_motion_for_user(request.user, pk)
    congress = motion.session.congress
    roll = services.formal_roll(congress)
    bound_clause, bound_form = None, None
    if request.method == "POST":
        require_congress_admin(request.user, congress.school)
        outcome = _record_tally(request, motion, roll)
        if not isinstance(outcome, tuple):
            return outcome
        bound_clause, bound_form = outcome
    rows = _clause_rows(motion, roll, bound_clause, bound_form)
    return render(
        request,
        "congress/motion_detail.html",
        {
            "motion": motion,
            "rows": rows,
            "roll": roll,
            "can_admin": can_admin_congress(request.user, congress.school),
            "summary": _vote_summary(rows),
            "congress": congress,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_create(request, session_pk: int):
    """A new 民主评议 of a session (title and number of valid ballots)."""
    session = selectors.get_session_for_user(request.user, session_pk)
    require_congress_admin(request.user, session.congress.school)
    form = AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        a = services.appraisal_create(acting_user=request.user, session=session, **form.cleaned_data)
        return redirect("congress:appraisal_detail", pk=a.pk)
    return render(
        request, "congress/simple_form.html", {"form": form, "title": _("%(name)s · 民主评议") % {"name": session.name}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_detail(request, pk: int):
    """An appraisal's results per leader; admins add one leader's counts here."""
    a = selectors.get_appraisal_for_user(request.user, pk)
    can_admin = can_admin_congress(request.user, a.session.congress.school)
    form = AppraisalResultForm(request.POST or None, ballots=a.ballots)
    if request.method == "POST":
        require_congress_admin(request.user, a.session.congress.school)
        if form.is_valid():
            try:
                services.appraisal_result_add(acting_user=request.user, appraisal=a, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("已录入。"))
                return redirect("congress:appraisal_detail", pk=a.pk)
    return render(
        request,
        "congress/appraisal_detail.html",
        {"a": a, "results": list(a.results.all()), "form": form if can_admin else None},
    )
