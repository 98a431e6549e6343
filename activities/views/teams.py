"""Teams, matches and photos of an activity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import import_school, require_manager
from union_portal.lib.record_imports import imported_ids

from .. import selectors, services
from ..forms import MatchForm, PhotoForm, TeamForm
from ..models import Match, Team
from .common import render_page


@login_required
@require_http_methods(["GET", "POST"])
def teams_manage(request, pk: int):
    """参赛队与赛程: add teams (sub-union, players) and matches with results."""
    activity = selectors.get_activity_for_user(request.user, pk)
    require_manager(request.user, activity.organizer)
    which = request.POST.get("form")
    team_form = TeamForm(request.POST if which == "team" else None, activity=activity)
    match_form = MatchForm(request.POST if which == "match" else None, activity=activity)
    if request.method == "POST":
        form = team_form if which == "team" else match_form
        if form.is_valid():
            if which == "team":
                obj = services.team_add(
                    activity=activity,
                    team=form.save(commit=False),
                    players=form.cleaned_data["players"],
                    acting_user=request.user,
                    request=request,
                )
            else:
                obj = services.match_add(
                    activity=activity, match=form.save(commit=False), acting_user=request.user, request=request
                )
            messages.success(request, _("已添加：%(obj)s") % {"obj": obj})
            return redirect("activities:teams", pk=pk)
    teams = list(selectors.teams_with_player_counts(activity))
    matches = list(activity.matches.select_related("home", "away"))
    return render_page(
        request,
        "activities/teams.html",
        {
            "activity": activity,
            "team_form": team_form,
            "match_form": match_form,
            "teams": teams,
            "matches": matches,
            "imported_teams": imported_ids(Team, [t.pk for t in teams]),
            "imported_matches": imported_ids(Match, [m.pk for m in matches]),
            "can_import": import_school(request.user) is not None,
        },
    )


@login_required
@require_POST
def team_delete(request, pk: int):
    """Delete a team (managers of the activity's organiser)."""
    team = selectors.get_team_for_user(request.user, pk)
    activity_id = team.activity_id
    services.team_delete(team=team, acting_user=request.user, request=request)
    messages.success(request, _("已删除参赛队。"))
    return redirect("activities:teams", pk=activity_id)


@login_required
@require_POST
def match_delete(request, pk: int):
    """Delete a match (managers of the activity's organiser)."""
    match = selectors.get_match_for_user(request.user, pk)
    activity_id = match.activity_id
    services.match_delete(match=match)
    messages.success(request, _("已删除该场次。"))
    return redirect("activities:teams", pk=activity_id)


@login_required
@require_POST
def photo_add(request, pk: int):
    """Upload one photo (resized by the service); errors come back as messages on the detail page."""
    activity = selectors.get_activity_for_user(request.user, pk)
    require_manager(request.user, activity.organizer)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                activity=activity,
                data=form.cleaned_data["image"].read(),
                caption=form.cleaned_data["caption"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("activities:detail", args=[pk]) + "#photos")


@login_required
@require_GET
def photo_file(request, pk: int):
    """Serve a photo only to users who may see its activity (media is not public)."""
    photo = selectors.get_photo_for_user(request.user, pk)
    try:
        fh = photo.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("照片文件不存在。")) from None
    response = FileResponse(fh, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request, pk: int):
    """Delete a photo; the file goes once the row's deletion has committed."""
    photo = selectors.get_photo_for_user(request.user, pk)
    require_manager(request.user, photo.activity.organizer)
    activity_id = photo.activity_id
    services.photo_delete(photo=photo, acting_user=request.user, request=request)
    messages.success(request, _("照片已删除。"))
    return redirect(reverse("activities:detail", args=[activity_id]) + "#photos")
