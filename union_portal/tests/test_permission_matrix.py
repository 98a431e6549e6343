"""The permission matrix: every URL of the project × every role, against a table kept here.

The world (two schools, every role, one object of each kind) is built once for the module
(``matrix_world``). Each URL is requested with GET and with POST (empty body) as each role, inside a
savepoint that is rolled back, and the answer is compared with ``MATRIX`` below:

- ``L``  302 to the login page (anonymous);
- ``R``  another redirect (a POST that was handled, or a page that forwards);
- ``200``, ``400``, ``403``, ``404``, ``405`` as answered.

A URL with no row in ``MATRIX`` fails the test, so a new URL forces a decision. Then the IDOR check
requests every URL with a pk through the *other* school's objects as each home-school role: it must be
refused (403/404, or 405 for the wrong method). CSRF and GET-safety are checked at the end.

Set ``MATRIX_RECORD=1`` to print the observed table (to review and paste when URLs change).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from .matrix_runner import ServerError, all_routes, outcome, request, role_clients
from .matrix_world import ROLES, build_world

pytestmark = pytest.mark.xdist_group("permission_matrix")
ROOT = Path(__file__).resolve().parents[2]

# Which world object each URL parameter names. A key "name[variant]" is a second row for the same URL
# with other objects (a sensitive visit, another department's proposal …).
OBJECTS = {
    "members:detail": "pk=member",
    "members:edit": "pk=member",
    "members:family_add": "pk=member",
    "members:consent_add": "pk=member",
    "members:import_preview": "pk=roster_batch",
    "members:import_confirm": "pk=roster_batch",
    "welfare:pending_cancel": "pk=pending",
    "welfare:visit_detail": "pk=visit",
    "welfare:visit_detail[sensitive]": "pk=visit_sensitive",
    "welfare:visit_detail[sub_b]": "pk=visit_sub_b",
    "welfare:import_preview": "pk=welfare_batch",
    "welfare:import_confirm": "pk=welfare_batch",
    "welfare:distribution_detail": "pk=distribution",
    "welfare:claim_detail": "pk=claim",
    "welfare:claim_advance": "pk=claim",
    "welfare:hardship_detail": "pk=hardship",
    "welfare:drive_detail": "pk=drive",
    "congress:proposal_detail": "pk=assigned",
    "congress:proposal_detail[draft]": "pk=draft",
    "congress:proposal_detail[other_dept]": "pk=assigned_other",
    "congress:proposal_edit": "pk=draft",
    "congress:proposal_submit": "pk=draft",
    "congress:proposal_invite": "pk=draft",
    "congress:proposal_decide": "pk=submitted",
    "congress:proposal_assign": "pk=submitted",
    "congress:proposal_acknowledge": "pk=assigned",
    "congress:proposal_acknowledge[other_dept]": "pk=assigned_other",
    "congress:proposal_return": "pk=assigned",
    "congress:proposal_reply": "pk=assigned",
    "congress:proposal_reply[other_dept]": "pk=assigned_other",
    "congress:proposal_rate": "pk=replied",
    "congress:proposal_close": "pk=replied",
    "congress:attachment_upload": "pk=draft",
    "congress:attachment_download": "pk=draft attachment_id=draft_attachment",
    "congress:proposal_print": "pk=assigned",
    "congress:proposal_print[draft]": "pk=draft",
    "congress:cosign_respond": "pk=invitation",
    "congress:session_detail": "pk=session",
    "congress:session_export": "pk=session",
    "congress:session_compilation": "pk=session",
    "congress:motion_create": "session_pk=session",
    "congress:appraisal_create": "session_pk=session",
    "congress:motion_detail": "pk=motion",
    "congress:appraisal_detail": "pk=appraisal",
    "congress:representatives": "pk=congress",
    "congress:congress_settings": "pk=congress",
    "congress:session_create": "congress_pk=congress",
    "congress:suggestion_detail": "pk=suggestion",
    "congress:suggestion_detail[forwarded]": "pk=suggestion_forwarded",
    "congress:suggestion_detail[other_dept]": "pk=suggestion_other_dept",
    "activities:detail": "pk=activity",
    "activities:detail[sub]": "pk=activity_sub",
    "activities:edit": "pk=activity",
    "activities:edit[sub]": "pk=activity_sub",
    "activities:register": "pk=activity",
    "activities:check_in_sheet": "pk=activity",
    "activities:teams": "pk=activity",
    "activities:photo_add": "pk=activity",
    "activities:cancel": "pk=registration",
    "activities:cancel[own]": "pk=own_registration",
    "activities:check_in": "pk=registration",
    "activities:team_delete": "pk=team",
    "activities:match_delete": "pk=match",
    "activities:photo": "pk=photo",
    "activities:photo_delete": "pk=photo",
    "activities:honor_delete": "pk=honor",
    "activities:award_delete": "pk=award",
    "activities:group_detail": "pk=group",
    "activities:group_detail[sub]": "pk=group_sub",
    "activities:group_edit": "pk=group",
    "activities:group_join": "pk=group",
    "reports:detail": "pk=report",
    "reports:print": "pk=report",
    "reports:edit": "pk=report",
    "reports:detail[sub]": "pk=report_sub",
    "reports:edit[sub]": "pk=report_sub",
    "reports:refresh": "pk=report",
    "reports:finalise": "pk=report",
    "reports:section_add": "pk=report",
    "reports:export": "pk=report",
    "reports:section_edit": "pk=section",
    "reports:section_move": "pk=section",
    "reports:section_delete": "pk=section",
    "reports:version": "pk=version",
    "reports:version_draft": "pk=version",
    "reports:export_detail": "pk=export",
    "reports:export_status": "pk=export",
    "reports:export_download": "pk=export",
}

# The expected answers. Columns (ROLES): anon member rep handler subchair subchair_other proposals chair outsider
MATRIX: dict[str, tuple[str, str]] = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two-school world, built once, rolled back when the module ends."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        with transaction.atomic():
            a, b, users = build_world()
            yield {"a": a, "b": b, "users": users, "media": media}
            transaction.set_rollback(True)


@pytest.fixture
def _media_root(settings, world):
    """Overrides the root conftest's per-test media folder: the world's files live in one folder."""
    settings.MEDIA_ROOT = world["media"]


def _rows():
    """(row key, route) for every URL and every variant row."""
    routes = {r.name: r for r in all_routes()}
    rows = [(name, route) for name, route in routes.items()]
    for key in OBJECTS:
        base = key.split("[")[0]
        if "[" in key and base in routes:
            rows.append((key, routes[base]))
    return sorted(rows, key=lambda kv: kv[0])


def _url(key, route, school) -> str:
    if not route.params:
        return reverse(route.name)
    spec = OBJECTS.get(key)
    assert spec, f"{key}: a URL with parameters {route.params} needs an OBJECTS entry naming its world objects"
    kwargs = {}
    for part in spec.split():
        param, obj = part.split("=")
        kwargs[param] = school.obj[obj].pk
    assert set(kwargs) == set(route.params), f"{key}: OBJECTS gives {sorted(kwargs)}, the URL takes {route.params}"
    return reverse(route.name, kwargs=kwargs)


def test_every_url_has_a_row_in_the_matrix():
    missing = [key for key, _route in _rows() if key not in MATRIX]
    stale = sorted(set(MATRIX) - {key for key, _route in _rows()})
    assert not missing, "URLs without an expected row in MATRIX (decide who may use them): " + ", ".join(missing)
    assert not stale, "MATRIX rows for URLs that no longer exist: " + ", ".join(stale)


def _run(school, clients) -> tuple[dict, list[str], int]:
    """Request every row as every role, GET then POST; → observed rows, server errors, number of checks."""
    observed, errors, checks = {}, [], 0
    for key, route in _rows():
        url = _url(key, route, school)
        got = {}
        for method in ("GET", "POST"):
            answers = [request(clients[role], method, url) for role in ROLES]
            errors += [r.detail for r in answers if isinstance(r, ServerError)]
            got[method] = " ".join(outcome(r) for r in answers)
            checks += len(ROLES)
        observed[key] = (got["GET"], got["POST"])
    return observed, errors, checks


@pytest.mark.django_db
def test_permission_matrix(world):
    clients = role_clients(world["users"])
    started = time.monotonic()
    logging.disable(logging.WARNING)  # 403/404 warnings of django.request would flood the output
    try:
        observed, errors, checks = _run(world["a"], clients)
    finally:
        logging.disable(logging.NOTSET)
    print(f"\npermission matrix: {len(observed)} rows × {len(ROLES)} roles × 2 methods = {checks} checks "
          f"in {time.monotonic() - started:.1f}s")
    if os.environ.get("MATRIX_RECORD"):
        width = max(len(k) for k in observed) + 3
        for key, (get, post) in observed.items():
            print(f'    {repr(key) + ":":<{width}}("{get}",\n    {"":<{width}} "{post}"),')
    assert not errors, "requests that raised (500):\n" + "\n".join(errors)
    mismatches = []
    for key, got in observed.items():
        want = MATRIX.get(key)
        if want is None:
            continue  # reported by test_every_url_has_a_row_in_the_matrix
        for method, expected, actual in zip(("GET", "POST"), want, got, strict=True):
            if _norm(expected) != actual:
                mismatches.append(f"{key} {method}\n    want {_norm(expected)}\n    got  {actual}")
    assert not mismatches, f"{len(mismatches)} answers differ from MATRIX:\n" + "\n".join(mismatches)


def _norm(row: str) -> str:
    return re.sub(r"\s+", " ", row.strip())
