"""The permission matrix: every URL of the project × every role, against a table kept here.

The world (two schools, every role, one object of each kind) is built once for the module
(``matrix_world``). Each URL is requested with GET and with POST (empty body) as each role, inside a
savepoint that is rolled back, and the answer is compared with ``MATRIX`` below:

- ``L``  302 to the login page (anonymous);
- ``R``  another redirect (a POST that was handled, or a page that forwards);
- ``200``, ``400``, ``403``, ``404``, ``405`` as answered.

A URL with no row in ``MATRIX`` fails the test, so a new URL forces a decision. Every page answered 200
is also read (HTML, JSON, the cells of an xlsx, the text of a PDF): it must not show the other school's
names (every name and title of a school starts with its tag 甲校/乙校), nor the colleague's full ID or bank
number or sensitive welfare details to a role not allowed them (``SECRETS``).

Then the IDOR checks: every URL with a pk, pointed at the *other* school's objects, as each home-school
role, must be refused (403/404, or 405 for the wrong method); the other school's ids inside form bodies
are refused too. CSRF (every state-changing URL refuses a POST without the token; every POST form in
the templates carries ``{% csrf_token %}``) and GET-safety (no GET writes) are checked at the end.

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

from .matrix_runner import ServerError, all_routes, outcome, request, role_clients, text_of
from .matrix_world import ROLES, SECRET_BANK, SECRET_ID, build_world

pytestmark = pytest.mark.xdist_group("permission_matrix")
ROOT = Path(__file__).resolve().parents[2]

# Which world object each URL parameter names. A key "name[variant]" is a second row for the same URL
# with other objects (a sensitive visit, another department's proposal …).
OBJECTS = {
    "members:detail": "pk=member",
    "members:edit": "pk=member",
    "members:family_add": "pk=member",
    "members:consent_add": "pk=member",
    "members:notice_attachment": "pk=notice attachment_id=notice_attachment",
    "members:notice_detail": "pk=notice",
    "members:notice_read": "pk=notice",
    "members:notice_receipts": "pk=notice",
    "members:notice_withdraw": "pk=notice",
    "members:one_time_password": "pk=member",
    "members:transfer": "pk=member",
    "members:me_family_edit": "pk=relative",
    "members:me_family_edit[own]": "pk=own_relative",
    "members:me_family_remove": "pk=relative",
    "members:me_family_remove[own]": "pk=own_relative",
    "members:import_preview": "pk=roster_batch",
    "members:org_unit": "pk=sub_b_unit",
    "members:org_rename": "pk=sub_b_unit",
    "members:org_move": "pk=sub_b_unit",
    "members:org_merge": "pk=sub_b_unit",
    "members:org_retire": "pk=sub_b_unit",
    "members:role_revoke": "pk=member_role",
    "welfare:occasion_toggle": "pk=occasion",
    "congress:session_edit": "pk=session",
    "members:import_confirm": "pk=roster_batch",
    "setup:resume": "pk=school",
    "setup:import_preview": "pk=roster_batch",
    "setup:import_confirm": "pk=roster_batch",
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
    "welfare:drive_bulk": "pk=drive",
    "welfare:healthcheck_detail": "pk=campaign",
    "welfare:member_enrollments": "pk=member",
    "congress:proposal_detail": "pk=assigned",
    "congress:proposal_detail[draft]": "pk=draft",
    "congress:proposal_detail[other_dept]": "pk=assigned_other",
    "congress:proposal_edit": "pk=draft",
    "congress:proposal_submit": "pk=draft",
    "congress:proposal_invite": "pk=draft",
    "congress:cosigner_search": "pk=draft",
    "congress:proposal_co_reply": "pk=assigned",
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
    "congress:proposal_urge": "pk=assigned",
    "congress:disclosure_detail": "pk=disclosure",
    "congress:disclosure_file": "pk=disclosure",
    "congress:disclosure_withdraw": "pk=disclosure",
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
    "activities:registration_export": "pk=activity",
    "activities:sign_in_sheet": "pk=activity",
    "welfare:distribution_export": "pk=distribution",
    "welfare:distribution_sheet": "pk=distribution",
    "congress:session_roster": "pk=session",
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
    "reports:preview": "pk=report",
    "reports:section_edit": "pk=section",
    "reports:section_move": "pk=section",
    "reports:section_delete": "pk=section",
    "reports:version": "pk=version",
    "reports:version_draft": "pk=version",
    "reports:export_detail": "pk=export",
    "reports:export_status": "pk=export",
    "reports:export_download": "pk=export",
}

# The expected answers. Columns (ROLES): anon member rep handler subchair subchair_other proposals chair district outsider
MATRIX: dict[str, tuple[str, str]] = {
    #                                              GET: anon mem rep hdl sub sub2 prop chair dist out   POST: same columns
    # --- activities
    "activities:award_delete":                   ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 R 404 404 R R 404"),
    "activities:award_export":                   ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "activities:awards":                         ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 200 200 403 200 200 200"),
    "activities:calendar":                       ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "activities:cancel":                         ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 R R 404"),
    "activities:cancel[own]":                    ("L 405 405 405 405 405 405 405 405 405", "L R 404 404 404 404 404 R R 404"),
    "activities:check_in":                       ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 R R 404"),
    "activities:check_in_sheet":                 ("L 403 403 403 403 403 403 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "activities:create":                         ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 200 200 403 200 200 200"),
    "activities:detail":                         ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "activities:detail[sub]":                    ("L 200 200 404 200 404 404 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "activities:edit":                           ("L 403 403 403 403 403 403 200 200 404", "L 403 403 403 403 403 403 200 200 404"),
    "activities:edit[sub]":                      ("L 403 403 404 200 404 404 200 200 404", "L 403 403 404 200 404 404 200 200 404"),
    "activities:funds":                          ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 200 200 403 200 200 200"),
    "activities:group_create":                   ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 200 200 403 200 200 200"),
    "activities:group_detail":                   ("L 200 200 200 200 200 200 200 200 404", "L 403 403 403 403 403 403 200 200 404"),
    "activities:group_detail[sub]":              ("L 200 200 404 200 404 404 200 200 404", "L 403 403 404 200 404 404 200 200 404"),
    "activities:group_edit":                     ("L 403 403 403 403 403 403 200 200 404", "L 403 403 403 403 403 403 200 200 404"),
    "activities:group_join":                     ("L 405 405 405 405 405 405 405 405 405", "L R R R R R R R 403 404"),
    "activities:groups":                         ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "activities:honor_delete":                   ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 R 404 404 R R 404"),
    "activities:honor_export":                   ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "activities:honors":                         ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 200 200 403 200 200 200"),
    "activities:index":                          ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "activities:match_delete":                   ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 R R 404"),
    "activities:photo":                          ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "activities:photo_add":                      ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R R 404"),
    "activities:photo_delete":                   ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R R 404"),
    "activities:register":                       ("L 405 405 405 405 405 405 405 405 405", "L R R R R R R R 403 404"),
    "activities:registration_export":            ("L 403 403 403 403 403 403 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "activities:sign_in_sheet":                  ("L 403 403 403 403 403 403 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "activities:stats":                          ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "activities:team_delete":                    ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 R R 404"),
    "activities:teams":                          ("L 403 403 403 403 403 403 200 200 404", "L 403 403 403 403 403 403 200 200 404"),
    # --- congress
    "congress:appraisal_create":                 ("L 403 403 403 403 403 200 200 404 404", "L 403 403 403 403 403 200 200 404 404"),
    "congress:appraisal_detail":                 ("L 200 200 200 200 200 200 200 404 404", "L 403 403 403 403 403 200 200 404 404"),
    "congress:attachment_download":              ("L 404 200 404 404 404 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:attachment_upload":                ("L 405 405 405 405 405 405 405 405 405", "L 404 200 404 404 404 403 403 404 404"),
    "congress:categories":                       ("L 403 403 403 403 403 200 200 404 200", "L 403 403 403 403 403 200 200 404 200"),
    "congress:congress_settings":                ("L 403 403 403 403 403 200 200 404 404", "L 403 403 403 403 403 200 200 404 404"),
    "congress:cosign_respond":                   ("L 405 405 405 405 405 405 405 405 405", "L 404 R 404 404 404 404 404 404 404"),
    "congress:cosigner_search":                  ("L 404 200 404 404 404 403 403 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:department_desk":                  ("L 403 403 R 403 403 403 403 403 403", "L 405 405 405 405 405 405 405 405 405"),
    "congress:disclosure_archive":               ("L 200 200 200 200 200 200 200 404 200", "L 405 405 405 405 405 405 405 405 405"),
    "congress:disclosure_board":                 ("L 200 200 200 200 200 200 200 404 200", "L 405 405 405 405 405 405 405 405 405"),
    "congress:disclosure_create":                ("L 403 403 403 403 403 200 200 404 200", "L 403 403 403 403 403 200 200 404 200"),
    "congress:disclosure_detail":                ("L 200 200 200 200 200 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:disclosure_file":                  ("L 200 200 200 200 200 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:disclosure_withdraw":              ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 R R 404 404"),
    "congress:index":                            ("L 200 200 200 200 200 200 200 404 200", "L 405 405 405 405 405 405 405 405 405"),
    "congress:motion_create":                    ("L 403 403 403 403 403 200 200 404 404", "L 403 403 403 403 403 200 200 404 404"),
    "congress:motion_detail":                    ("L 200 200 200 200 200 200 200 404 404", "L 403 403 403 403 403 404 404 404 404"),
    "congress:proposal_acknowledge":             ("L 405 405 405 405 405 405 405 405 405", "L 403 403 R 403 403 403 403 403 404"),
    "congress:proposal_acknowledge[other_dept]": ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 403 404"),
    "congress:proposal_assign":                  ("L 405 405 405 405 405 405 405 405 405", "L 404 403 404 404 404 200 403 404 404"),
    "congress:proposal_close":                   ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 200 403 403 404"),
    "congress:proposal_co_reply":                ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 403 404"),
    "congress:proposal_create":                  ("L 403 200 403 403 403 403 403 404 403", "L 403 200 403 403 403 403 403 404 403"),
    "congress:proposal_decide":                  ("L 405 405 405 405 405 405 405 405 405", "L 404 403 404 404 404 200 403 404 404"),
    "congress:proposal_detail":                  ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_detail[draft]":           ("L 404 200 404 404 404 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_detail[other_dept]":      ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_edit":                    ("L 404 200 404 404 404 403 403 404 404", "L 404 200 404 404 404 403 403 404 404"),
    "congress:proposal_invite":                  ("L 405 405 405 405 405 405 405 405 405", "L 404 200 404 404 404 403 403 404 404"),
    "congress:proposal_list":                    ("L 200 200 200 200 200 200 200 404 200", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_print":                   ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_print[draft]":            ("L 404 200 404 404 404 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_rate":                    ("L 405 405 405 405 405 405 405 405 405", "L 403 200 403 403 403 403 403 403 404"),
    "congress:proposal_reply":                   ("L 405 405 405 405 405 405 405 405 405", "L 403 403 200 403 403 403 403 403 404"),
    "congress:proposal_reply[other_dept]":       ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 403 404"),
    "congress:proposal_return":                  ("L 405 405 405 405 405 405 405 405 405", "L 403 403 200 403 403 403 403 403 404"),
    "congress:proposal_similar":                 ("L 403 200 403 403 403 200 403 404 403", "L 405 405 405 405 405 405 405 405 405"),
    "congress:proposal_submit":                  ("L 405 405 405 405 405 405 405 405 405", "L 404 R 404 404 404 403 403 404 404"),
    "congress:proposal_urge":                    ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 R 403 403 404"),
    "congress:representatives":                  ("L 200 200 200 200 200 200 200 404 404", "L 403 403 403 403 403 200 200 404 404"),
    "congress:session_compilation":              ("L 200 200 200 200 200 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:session_create":                   ("L 403 403 403 403 403 200 200 404 404", "L 403 403 403 403 403 200 200 404 404"),
    "congress:session_detail":                   ("L 200 200 200 200 200 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:session_edit":                     ("L 403 403 403 403 403 200 200 404 404", "L 403 403 403 403 403 400 400 404 404"),
    "congress:session_export":                   ("L 403 403 403 403 403 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:session_roster":                   ("L 403 403 403 403 403 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "congress:suggestion_detail":                ("L 200 404 404 404 404 200 200 200 404", "L 200 404 404 404 404 200 200 200 404"),
    "congress:suggestion_detail[forwarded]":     ("L 200 404 200 404 404 200 200 200 404", "L 200 404 200 404 404 200 200 200 404"),
    "congress:suggestion_detail[other_dept]":    ("L 200 404 404 404 404 200 200 200 404", "L 200 404 404 404 404 200 200 200 404"),
    "congress:suggestion_list":                  ("L 200 200 200 200 200 200 200 404 200", "L 200 200 200 200 200 200 200 404 200"),
    "congress:supervision":                      ("L 403 403 403 403 403 200 200 404 200", "L 405 405 405 405 405 405 405 405 405"),
    "congress:supervision_export":               ("L 403 403 403 403 403 200 200 404 200", "L 405 405 405 405 405 405 405 405 405"),
    "congress:term_create":                      ("L 403 403 403 403 403 200 200 404 200", "L 403 403 403 403 403 400 400 404 400"),
    # --- root
    "healthz":                                   ("200 200 200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200 200 200"),
    "home":                                      ("L 200 200 200 200 200 200 200 200 200", "L 200 200 200 200 200 200 200 200 200"),
    "login":                                     ("200 R R R R R R R R R", "200 R R R R R R R R R"),
    "logout":                                    ("405 405 405 405 405 405 405 405 405 405", "L L L L L L L L L L"),
    # --- members
    "members:audit":                             ("L 403 403 403 403 403 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:audit_export":                      ("L 403 403 403 403 403 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:consent_add":                       ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 R 404 404 R R 404"),
    "members:create":                            ("L 403 403 403 200 200 403 200 403 200", "L 403 403 403 200 200 403 200 403 200"),
    "members:departments":                       ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 400 403 400"),
    "members:detail":                            ("L 404 404 404 200 404 404 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "members:edit":                              ("L 404 404 404 200 404 404 200 200 404", "L 404 404 404 200 404 404 200 200 404"),
    "members:export":                            ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:family_add":                        ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 R 404 404 R R 404"),
    "members:import":                            ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 200 403 200"),
    "members:import_confirm":                    ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R 403 404"),
    "members:import_preview":                    ("L 403 403 403 403 403 403 200 403 404", "L 405 405 405 405 405 405 405 405 405"),
    "members:import_template":                   ("L 403 403 403 403 403 403 200 403 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:inbox":                             ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:inbox_count":                       ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:inbox_read":                        ("L 405 405 405 405 405 405 405 405 405", "L R R R R R R R R R"),
    "members:list":                              ("L R R R 200 200 R 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:me":                                ("L 200 200 200 200 200 200 200 200 200", "L R R R R R R R 404 R"),
    "members:me_family_add":                     ("L 405 405 405 405 405 405 405 405 405", "L 200 200 200 200 200 200 200 404 200"),
    "members:me_family_edit":                    ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 404 404 404"),
    "members:me_family_edit[own]":               ("L 405 405 405 405 405 405 405 405 405", "L 200 404 404 404 404 404 404 404 404"),
    "members:me_family_remove":                  ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 404 404 404"),
    "members:me_family_remove[own]":             ("L 405 405 405 405 405 405 405 405 405", "L R 404 404 404 404 404 404 404 404"),
    "members:notice_attachment":                 ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "members:notice_create":                     ("L 403 403 403 200 200 403 200 403 200", "L 403 403 403 200 200 403 200 403 200"),
    "members:notice_detail":                     ("L 200 200 200 200 200 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "members:notice_list":                       ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:notice_read":                       ("L 405 405 405 405 405 405 405 405 405", "L R R R R R R R R 404"),
    "members:notice_receipts":                   ("L 403 403 403 403 403 403 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "members:notice_withdraw":                   ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R R 404"),
    "members:one_time_password":                 ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 403 404 404 200 403 404"),
    "members:org":                               ("L 403 403 403 403 403 403 200 403 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:org_create":                        ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 400 403 400"),
    "members:org_merge":                         ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 400 404 404"),
    "members:org_move":                          ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 400 404 404"),
    "members:org_rename":                        ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 400 404 404"),
    "members:org_retire":                        ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 400 404 404"),
    "members:org_unit":                          ("L 404 404 404 404 404 404 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "members:role_revoke":                       ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 R 404 404"),
    "members:roles":                             ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 400 403 400"),
    "members:search":                            ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "members:transfer":                          ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 403 404 404 R 403 404"),
    "password_change":                           ("L 200 200 200 200 200 200 200 200 200", "L 200 200 200 200 200 200 200 200 200"),
    "password_change_done":                      ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "password_reset":                            ("200 200 200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200 200 200"),
    "password_reset_complete":                   ("200 200 200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405 405 405"),
    "password_reset_done":                       ("200 200 200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405 405 405"),
    "whoami":                                    ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    # --- reports
    "reports:create":                            ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 400 400 400"),
    "reports:detail":                            ("L 404 404 404 404 404 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:detail[sub]":                       ("L 404 404 404 200 404 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:edit":                              ("L 404 404 404 404 404 403 200 404 404", "L 404 404 404 404 404 403 200 404 404"),
    "reports:edit[sub]":                         ("L 404 404 404 200 404 403 200 404 404", "L 404 404 404 200 404 403 200 404 404"),
    "reports:export":                            ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 R R 404 404"),
    "reports:export_detail":                     ("L 404 404 404 404 404 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:export_download":                   ("L 404 404 404 404 404 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:export_status":                     ("L 404 404 404 404 404 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:finalise":                          ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 403 R 404 404"),
    "reports:index":                             ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "reports:preview":                           ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 403 200 404 404"),
    "reports:print":                             ("L 404 404 404 404 404 200 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:refresh":                           ("L 404 404 404 404 404 403 200 404 404", "L 404 404 404 404 404 403 R 404 404"),
    "reports:section_add":                       ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 403 R 404 404"),
    "reports:section_delete":                    ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 403 R 404 404"),
    "reports:section_edit":                      ("L 404 404 404 404 404 403 200 404 404", "L 404 404 404 404 404 403 R 404 404"),
    "reports:section_move":                      ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 403 R 404 404"),
    "reports:version":                           ("L 404 404 404 404 404 200 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "reports:version_draft":                     ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 403 R 403 404"),
    # --- setup
    "setup:finish":                              ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 404 403"),
    "setup:import":                              ("L 403 403 403 403 403 403 403 404 403", "L 403 403 403 403 403 403 403 404 403"),
    "setup:import_confirm":                      ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 404 403"),
    "setup:import_preview":                      ("L 403 403 403 403 403 403 403 404 403", "L 405 405 405 405 405 405 405 405 405"),
    "setup:import_template":                     ("L 403 403 403 403 403 403 403 404 403", "L 405 405 405 405 405 405 405 405 405"),
    "setup:logins":                              ("L 403 403 403 403 403 403 403 404 403", "L 405 405 405 405 405 405 405 405 405"),
    "setup:logins_xlsx":                         ("L 403 403 403 403 403 403 403 404 403", "L 405 405 405 405 405 405 405 405 405"),
    "setup:officers":                            ("L 403 403 403 403 403 403 403 404 403", "L 403 403 403 403 403 403 403 404 403"),
    "setup:resume":                              ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 R 403"),
    "setup:start":                               ("L 403 403 403 403 403 403 403 200 403", "L 403 403 403 403 403 403 403 200 403"),
    # --- welfare
    "welfare:caps":                              ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 403 403 403 400 403 400"),
    "welfare:claim_advance":                     ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 R 404 404 R 404 404"),
    "welfare:claim_create":                      ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:claim_detail":                      ("L 404 404 404 200 404 404 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:claim_export":                      ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:compliance":                        ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:distribution_create":               ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:distribution_detail":               ("L 404 404 404 404 404 404 200 200 404", "L 404 404 404 404 404 404 R R 404"),
    "welfare:distribution_export":               ("L 404 404 404 404 404 404 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:distribution_sheet":                ("L 404 404 404 404 404 404 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:distributions":                     ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:donation_export":                   ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:donations":                         ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:drive_bulk":                        ("L 404 404 404 404 404 404 200 403 404", "L 404 404 404 404 404 404 400 403 404"),
    "welfare:drive_create":                      ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:drive_detail":                      ("L 404 404 404 404 404 404 200 200 404", "L 404 404 404 404 404 404 400 400 404"),
    "welfare:enrollment_export":                 ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:event_create":                      ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:hardship":                          ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:hardship_aid_export":               ("L 403 403 403 403 403 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:hardship_create":                   ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:hardship_detail":                   ("L 404 404 404 200 404 404 200 404 404", "L 404 404 404 400 404 404 400 404 404"),
    "welfare:hardship_export":                   ("L 403 403 403 403 403 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:healthcheck_create":                ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:healthcheck_detail":                ("L 404 404 404 404 404 404 200 200 404", "L 404 404 404 404 404 404 R 403 404"),
    "welfare:healthcheck_export":                ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:healthchecks":                      ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:import":                            ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 200 403 200"),
    "welfare:import_confirm":                    ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R 403 404"),
    "welfare:import_preview":                    ("L 403 403 403 403 403 403 200 403 404", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:import_template":                   ("L 403 403 403 403 403 403 200 403 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:index":                             ("L 200 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:ledger":                            ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:ledger_export":                     ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:member_enrollments":                ("L 404 404 404 200 404 404 200 403 404", "L 404 404 404 400 404 404 400 403 404"),
    "welfare:occasion_toggle":                   ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R 403 404"),
    "welfare:occasions":                         ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 400 403 400"),
    "welfare:pending_cancel":                    ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 R 404 404 R R 404"),
    "welfare:pending_export":                    ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:plan_create":                       ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 400 403 400"),
    "welfare:plans":                             ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:service_create":                    ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:services":                          ("L 403 403 403 200 200 403 200 200 200", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:visit_create":                      ("L 403 403 403 200 200 403 200 200 200", "L 403 403 403 400 400 403 400 400 400"),
    "welfare:visit_detail":                      ("L 404 404 404 200 404 404 200 200 404", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:visit_detail[sensitive]":           ("L 404 404 404 200 404 404 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "welfare:visit_detail[sub_b]":               ("L 404 404 404 404 200 404 200 404 404", "L 405 405 405 405 405 405 405 405 405"),
}

# Record importers (union_portal/lib/record_imports.py) share four routes taking the ``kind``. The base rows
# name an unknown kind (404); each registered kind gets a row per route from ``IMPORT_MATRIX``, which must
# list every kind: a new importer forces the decision of who may use it.
OBJECTS.update({
    "imports:upload": "kind=:nosuch",
    "imports:template": "kind=:nosuch",
    "imports:preview": "kind=:nosuch pk=roster_batch",
    "imports:confirm": "kind=:nosuch pk=roster_batch",
})
MATRIX.update({
    "imports:index":                             ("L 403 403 403 403 403 403 200 403 200", "L 405 405 405 405 405 405 405 405 405"),
    "imports:upload":                            ("L 404 404 404 404 404 404 404 404 404", "L 404 404 404 404 404 404 404 404 404"),
    "imports:template":                          ("L 404 404 404 404 404 404 404 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "imports:preview":                           ("L 404 404 404 404 404 404 404 404 404", "L 405 405 405 405 405 405 405 405 405"),
    "imports:confirm":                           ("L 405 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 404 404 404 404"),
})  # fmt: skip
# The school's chair (and committee) import; the district and everyone else may not; the other school's
# chair ("outsider") imports into their own school and cannot see this school's batch (404).
SCHOOL_IMPORT_ROWS = {
    "upload":   ("L 403 403 403 403 403 403 200 403 200", "L 403 403 403 403 403 403 200 403 200"),
    "template": ("L 403 403 403 403 403 403 200 403 200", "L 405 405 405 405 405 405 405 405 405"),
    "preview":  ("L 403 403 403 403 403 403 200 403 404", "L 405 405 405 405 405 405 405 405 405"),
    "confirm":  ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 R 403 404"),
}  # fmt: skip
# The 提案汇总表 is kept by the proposals committee (提案工作委员会): it imports too, into its own school.
PROPOSAL_IMPORT_ROWS = {
    "upload":   ("L 403 403 403 403 403 200 200 403 200", "L 403 403 403 403 403 200 200 403 200"),
    "template": ("L 403 403 403 403 403 200 200 403 200", "L 405 405 405 405 405 405 405 405 405"),
    "preview":  ("L 403 403 403 403 403 200 200 403 404", "L 405 405 405 405 405 405 405 405 405"),
    "confirm":  ("L 405 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 R R 403 404"),
}  # fmt: skip
IMPORT_MATRIX: dict[str, dict] = {
    "aid_claim": SCHOOL_IMPORT_ROWS,
    "aid_enrolment": SCHOOL_IMPORT_ROWS,
    "donation": SCHOOL_IMPORT_ROWS,
    "festival": SCHOOL_IMPORT_ROWS,
    "activity": SCHOOL_IMPORT_ROWS,
    "tournament": SCHOOL_IMPORT_ROWS,
    "hardship": SCHOOL_IMPORT_ROWS,
    "health_check": SCHOOL_IMPORT_ROWS,
    "proposal": PROPOSAL_IMPORT_ROWS,
    "honour": SCHOOL_IMPORT_ROWS,
    "award": SCHOOL_IMPORT_ROWS,
}


def _import_rows() -> None:
    from union_portal.lib.record_imports import importers

    for kind in importers():
        OBJECTS.update({
            f"imports:upload[{kind}]": f"kind=:{kind}",
            f"imports:template[{kind}]": f"kind=:{kind}",
            f"imports:preview[{kind}]": f"kind=:{kind} pk=batch_{kind}",
            f"imports:confirm[{kind}]": f"kind=:{kind} pk=batch_{kind}",
        })
    for kind, rows in IMPORT_MATRIX.items():
        MATRIX.update({f"imports:{step}[{kind}]": row for step, row in rows.items()})


_import_rows()


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
        kwargs[param] = obj[1:] if obj.startswith(":") else school.obj[obj].pk  # ":text" is a literal
    assert set(kwargs) == set(route.params), f"{key}: OBJECTS gives {sorted(kwargs)}, the URL takes {route.params}"
    return reverse(route.name, kwargs=kwargs)


def test_every_url_has_a_row_in_the_matrix():
    missing = [key for key, _route in _rows() if key not in MATRIX]
    stale = sorted(set(MATRIX) - {key for key, _route in _rows()})
    assert not missing, "URLs without an expected row in MATRIX (decide who may use them): " + ", ".join(missing)
    assert not stale, "MATRIX rows for URLs that no longer exist: " + ", ".join(stale)


# Sensitive details of the home school's colleague (in sub-union A) → the roles that may see them.
SECRETS = {
    SECRET_ID: {"chair"},  # full ID number (elsewhere masked)
    SECRET_BANK: {"chair"},
    "甲校子女重病": {"subchair", "chair"},  # a hardship case's reason
    "甲校住院治疗": {"subchair", "chair"},  # a pending hospitalisation visit's notes
}


def _run(school, clients) -> tuple[dict, list[str], int]:
    """Request every row as every role, GET then POST; → observed rows, problems, number of checks.

    Problems: a request that raised (a 500), or a page that shows the other school's tag (a name or title
    of the other school in a list, a form's choices, an export or a PDF).
    """
    observed, problems, checks = {}, [], 0
    slow, own_seen, secrets_seen = [], 0, set()
    for key, route in _rows():
        url = _url(key, route, school)
        got = {}
        t0 = time.monotonic()
        for method in ("GET", "POST"):
            answers = [request(clients[role], method, url) for role in ROLES]
            problems += [f"500: {r.detail}" for r in answers if isinstance(r, ServerError)]
            for role, r in zip(ROLES, answers, strict=True):
                own, foreign = ("乙校", "甲校") if role == "outsider" else ("甲校", "乙校")
                text = text_of(r) if r.status_code == 200 else ""
                own_seen += own in text
                if foreign in text:
                    problems.append(f"{key} {method} as {role} shows the other school's {foreign!r}: {url}")
                for secret, allowed in SECRETS.items():
                    if secret in text:
                        if role in allowed:
                            secrets_seen.add(secret)
                        else:
                            problems.append(f"{key} {method} as {role} shows {secret!r}: {url}")
            got[method] = " ".join(outcome(r) for r in answers)
            checks += len(ROLES)
        observed[key] = (got["GET"], got["POST"])
        slow.append((time.monotonic() - t0, key))
    if os.environ.get("MATRIX_RECORD"):
        print("slowest rows:", sorted(slow)[-5:])
    assert own_seen > 300, f"the tag check only saw the own school's names on {own_seen} pages: is it blind?"
    assert secrets_seen == set(SECRETS), f"never shown even to those allowed: {set(SECRETS) - secrets_seen}"
    return observed, problems, checks


@pytest.mark.django_db
def test_permission_matrix(world):
    clients = role_clients(world["users"])
    started = time.monotonic()
    logging.disable(logging.WARNING)  # 403/404 warnings of django.request would flood the output
    try:
        observed, problems, checks = _run(world["a"], clients)
    finally:
        logging.disable(logging.NOTSET)
    print(f"\npermission matrix: {len(observed)} rows × {len(ROLES)} roles × 2 methods = {checks} checks "
          f"in {time.monotonic() - started:.1f}s")
    if os.environ.get("MATRIX_RECORD"):
        width = max(len(k) for k in observed) + 3
        for key, (get, post) in observed.items():
            print(f'    {repr(key) + ":":<{width}}("{get}",\n    {"":<{width}} "{post}"),')
    assert not problems, "\n".join(problems)
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


# --- object level (IDOR): the other school's objects ------------------------------------------------------

REFUSED = {"403", "404", "405"}  # 405: the wrong method is refused before the object is even looked up


def _literals_only(key: str) -> bool:
    """The row's URL names no world object, only literals (an import's ``kind``): nothing of the other
    school to leak; its answers are the MATRIX rows above."""
    parts = OBJECTS.get(key, "").split()
    return bool(parts) and all(part.split("=")[1].startswith(":") for part in parts)


@pytest.mark.django_db
def test_objects_of_another_school_are_refused(world):
    """Every URL with a pk, pointed at the other school's object, is refused to every home-school role.

    (The home school's objects requested by the other school's chair are the ``outsider`` column above.)
    """
    b = world["b"]
    clients = role_clients(world["users"])
    home_roles = [r for r in ROLES if r not in ("anon", "outsider")]
    leaks, checks = [], 0
    logging.disable(logging.WARNING)
    try:
        for key, route in _rows():
            if not route.params or _literals_only(key):
                continue
            url = _url(key, route, b)
            for method in ("GET", "POST"):
                assert outcome(request(clients["anon"], method, url)) == "L", f"{key} {method} anonymous"
                for role in home_roles:
                    got = outcome(request(clients[role], method, url))
                    checks += 1
                    if got not in REFUSED:
                        leaks.append(f"{key} {method} {url} as {role}: {got}")
    finally:
        logging.disable(logging.NOTSET)
    print(f"\nIDOR: {checks} requests for the other school's objects")
    assert not leaks, "objects of another school answered:\n" + "\n".join(leaks)


# --- CSRF and methods -----------------------------------------------------------------------------------------

def _state_changing():
    """(key, route, a role whose POST the view handles) for every row that accepts POST from someone."""
    for key, route in _rows():
        post = _norm(MATRIX[key][1]).split()
        if key in ("login", "logout"):
            continue  # covered by test_login_and_logout_need_the_token
        handled = [role for role, answer in zip(ROLES, post, strict=True) if answer not in {"L", "403", "404", "405"}]
        if handled:
            yield key, route, handled[0]


WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
# Writes a GET may legitimately make: the session (idle timeout renewal), the audit trail of sensitive reads
# and downloads, and django-axes' access log.
ALLOWED_WRITE_TABLES = ("django_session", "members_auditentry", "axes_")


@pytest.mark.django_db
def test_state_changing_urls_need_the_csrf_token_and_do_not_change_state_on_get(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, users = world["a"], world["users"]
    strict = {}
    checked, problems = 0, []
    logging.disable(logging.WARNING)
    try:
        for key, route, role in _state_changing():
            url = _url(key, route, a)
            if role not in strict:
                strict[role] = Client(enforce_csrf_checks=True)
                if role != "anon":
                    strict[role].force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
            response = request(strict[role], "POST", url)
            if response.status_code != 403 or b"CSRF" not in response.content:
                problems.append(f"{key}: POST without a CSRF token as {role} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                answer = outcome(request(strict[role], "GET", url))
            writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])
                      and not any(t in q["sql"] for t in ALLOWED_WRITE_TABLES)]
            if writes:
                problems.append(f"{key}: GET as {role} ({answer}) wrote: {writes[0][:200]}")
            checked += 1
    finally:
        logging.disable(logging.NOTSET)
    print(f"\nCSRF/GET-safety: {checked} state-changing URLs")
    assert checked > 50
    assert not problems, "\n".join(problems)


def test_login_and_logout_need_the_token(world, db):

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "sch-chair", "password": "x"}).status_code == 403
    strict.force_login(world["users"]["chair"], backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(reverse("logout")).status_code == 403
    assert strict.get(reverse("home")).status_code == 200  # still logged in


FORM_TAG = re.compile(r"<form\b[^>]*>", re.I | re.S)


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    forms, missing = 0, []
    for folder in folders:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for match in FORM_TAG.finditer(text):
                if not re.search(r"""method\s*=\s*["']?post""", match.group(0), re.I):
                    continue
                forms += 1
                end = text.find("</form>", match.end())
                body = text[match.end(): end if end != -1 else len(text)]
                if "{% csrf_token %}" not in body:
                    line = text.count("\n", 0, match.start()) + 1
                    missing.append(f"{path.relative_to(ROOT)}:{line}")
    assert forms > 30
    assert not missing, "POST forms without {% csrf_token %}: " + ", ".join(missing)


# --- object level (IDOR) through the body: the other school's ids in a form ------------------------------------


def _body_cases(a, b):
    """(role, url name, URL objects, field → (own value, other school's value), other fields).

    The own value makes the POST succeed (a redirect); the other school's value must not.
    """
    from congress.models import Representative
    from welfare.services import occasion_by_code

    seat = Representative.objects.filter(congress=a.obj["congress"], member__user__username="sch-cosign0").get()
    other_seat = Representative.objects.filter(congress=b.obj["congress"], member__user__username="oth-rep").get()
    marriage = occasion_by_code(None, "marriage").pk
    return [
        ("chair", "reports:create", {}, {"organization": (a.school.pk, b.school.pk)},
         {"period_kind": "calendar_year", "year": "2019"}),
        ("chair", "reports:export", {"pk": a.obj["report"].pk}, {"version": ("", b.obj["version"].pk)},
         {"format": "html"}),
        ("proposals", "congress:suggestion_detail", {"pk": a.obj["suggestion"].pk},
         {"department": (a.obj["dept_other"].pk, b.obj["dept"].pk)}, {"action": "forward"}),
        ("rep", "congress:proposal_invite", {"pk": a.obj["draft"].pk},
         {"representatives": (seat.pk, other_seat.pk)}, {}),
        ("chair", "welfare:visit_create", {}, {"member_ref": ("SCH-Z1", "OTH-Z1")},
         {"occasion": marriage, "visited_on": "2021-05-01", "cash_amount": "300", "gift_value": "0",
          "funding_source": "union_funds"}),
        ("chair", "activities:create", {}, {"organizer": (a.school.pk, b.school.pk)},
         {"title": "教工趣味运动会", "type": "sports", "status": "open", "starts_at": "2030-05-01T09:00",
          "ends_at": "2030-05-01T11:00", "place": "操场", "audience": "all", "budget": "0", "spent": "0",
          "funding_source": "union", "capacity": "", "headcount": "0"}),
    ]


@pytest.mark.django_db
def test_ids_of_another_school_in_a_form_are_refused(world):
    a, b = world["a"], world["b"]
    clients = role_clients(world["users"])
    problems = []
    logging.disable(logging.WARNING)
    try:
        for role, name, kwargs, fields, rest in _body_cases(a, b):
            url = reverse(name, kwargs=kwargs)
            own = request(clients[role], "POST", url, rest | {f: v[0] for f, v in fields.items()})
            foreign = request(clients[role], "POST", url, rest | {f: v[1] for f, v in fields.items()})
            if outcome(own) != "R":
                problems.append(f"{name}: the own-school POST did not succeed ({outcome(own)}): fix the case")
            if outcome(foreign) not in {"400", "200", "403", "404"}:
                problems.append(f"{name}: the other school's id in {sorted(fields)} answered {outcome(foreign)}")
    finally:
        logging.disable(logging.NOTSET)
    assert not problems, "\n".join(problems)
