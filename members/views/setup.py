"""First run in the browser (issue 15): a superuser on an empty install, or a district chair for a new
school, is led through the set-up of a school union.

1. ``setup:start`` create the school union (name, code; a district chair's school goes under the district);
2. ``setup:import`` upload the roster — the shared import flow (``union_portal.lib.imports``) into the
   school being set up (kept in the session as ``setup_school``);
3. ``setup:import_preview`` the preview lists the sub-unions, groups and departments the file names that
   do not exist yet, with the box to create them;
4. ``setup:import_confirm`` confirm (then on to step 5);
5. ``setup:officers`` pick the chair, committee members and sub-union chairs from the imported staff;
6. ``setup:logins`` their logins with one-time passwords, shown on this page and as an xlsx
   (``setup:logins_xlsx``) until ``setup:finish`` forgets them; each must change the password at first
   login (``members.services.user_one_time_password_issue``, ``union_portal.middleware.PasswordChangeRequiredMiddleware``).

Who may: superusers (any school) and district chairs (schools in their district). Everyone else gets 403;
a school outside the user's district 404. ``setup:resume`` (POST) picks up the set-up of an existing school.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from union_portal.lib import imports
from union_portal.lib.exports import xlsx_response

from ..access import nodes_for
from ..forms import OfficersForm, SchoolSetupForm
from ..models import Member, Organization, Role
from ..services import IssuedLogin, RosterResult, officers_appoint, roster_import, roster_validate, school_setup
from .roster import RosterImport

SESSION_SCHOOL = "setup_school"
SESSION_LOGINS = "setup_logins"
DENIED = gettext_lazy("只有系统管理员和区教育工会主席可以进行初始设置。")


def setup_districts(user) -> QuerySet[Organization]:
    """District unions the user may create schools under (superuser: all; district chair: theirs)."""
    districts = Organization.objects.filter(kind=Organization.Kind.DISTRICT)
    if user.is_superuser:
        return districts
    return districts.filter(pk__in=[n.pk for n in nodes_for(user, Role.CHAIR) if n.kind == Organization.Kind.DISTRICT])


def setup_schools(user) -> QuerySet[Organization]:
    """Schools the user may set up; raises ``PermissionDenied`` for anyone but a superuser or district chair."""
    schools = Organization.objects.filter(kind=Organization.Kind.SCHOOL)
    if user.is_superuser:
        return schools
    districts = list(setup_districts(user))
    if not districts:
        raise PermissionDenied(DENIED)
    q = Q(pk__in=[])
    for district in districts:
        q |= Q(path__startswith=district.path)
    return schools.filter(q)


def get_setup_school(user, pk) -> Organization:
    """The school ``pk`` if the user may set it up (403 for non-setup users, 404 outside their scope)."""
    return get_object_or_404(setup_schools(user), pk=pk)


def session_school(request) -> Organization:
    """The school being set up in this session; 403 for non-setup users, 404 when none is chosen."""
    return get_setup_school(request.user, request.session.get(SESSION_SCHOOL) or 0)


class SetupRosterImport(RosterImport):
    """Step 2–4: the roster import flow, into the school being set up, going on to the officers."""

    namespace = "setup"
    steps_template = "setup/_steps.html"
    done_url = "setup:officers"
    title = gettext_lazy("初始设置 · 第2步：上传会员名册")
    preview_title = gettext_lazy("初始设置 · 第3步：检查名册并确认")

    confirm_template = "imports/_roster_confirm.html"

    def school_for_request(self, request) -> Organization:
        return session_school(request)

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RosterResult:
        """The preview plans unknown sub-unions and groups as new units (the confirm form's checkbox)."""
        return roster_validate(school=school, data=data, filename=filename, create_units=True)

    def apply(self, *, school: Organization, data: bytes, filename: str, acting_user, request) -> RosterResult:
        """Import; new sub-unions and groups only when the preview's box "创建以上分工会和工会小组" is ticked."""
        return roster_import(
            school=school, data=data, filename=filename, acting_user=acting_user, request=request,
            create_units=request.POST.get("create_units") == "on",
        )  # fmt: skip


SETUP_ROSTER = SetupRosterImport()
setup_import, setup_import_preview, setup_import_confirm, setup_import_template = imports.views(SETUP_ROSTER)


@login_required
@require_http_methods(["GET", "POST"])
def setup_start(request):
    """Step 1: create a school union; also lists the schools whose set-up can be resumed."""
    schools = setup_schools(request.user)
    districts = setup_districts(request.user)
    form = SchoolSetupForm(request.POST or None, districts=districts, parent_required=not request.user.is_superuser)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school, _created = school_setup(
                code=data["code"], name=data["name"], parent=data.get("parent"), acting_user=request.user,
                request=request,
            )  # fmt: skip
        except ValueError as exc:
            form.add_error("code", str(exc))
        else:
            request.session[SESSION_SCHOOL] = school.pk
            return redirect("setup:import")
    context = {"form": form, "schools": schools.order_by("path")[:50], "step": 1}
    return render(request, "setup/start.html", context)


@login_required
@require_POST
def setup_resume(request, pk: int):
    """Continue the set-up of an existing school: the roster if it has no staff yet, else the officers."""
    school = get_setup_school(request.user, pk)
    request.session[SESSION_SCHOOL] = school.pk
    if Member.objects.filter(school=school).exists():
        return redirect("setup:officers")
    return redirect("setup:import")


@login_required
@require_http_methods(["GET", "POST"])
def setup_officers(request):
    """Step 5: pick the chair, committee members and sub-union chairs; creates their logins."""
    school = session_school(request)
    subs = school.children.filter(kind=Organization.Kind.SUB_UNION).order_by("code")
    form = OfficersForm(request.POST or None, school=school, sub_unions=subs)
    if request.method == "POST" and form.is_valid():
        issued = officers_appoint(school=school, grants=form.grants(), acting_user=request.user, request=request)
        request.session[SESSION_LOGINS] = [vars(login) for login in issued]
        return redirect("setup:logins")
    has_staff = Member.objects.filter(school=school).exists()
    return render(request, "setup/officers.html", {"form": form, "school": school, "step": 5, "has_staff": has_staff})


def _session_logins(request) -> list[IssuedLogin]:
    session_school(request)
    return [IssuedLogin(**row) for row in request.session.get(SESSION_LOGINS, [])]


@login_required
@require_GET
def setup_logins(request):
    """Step 6: the logins just created, with their one-time passwords (until ``setup:finish``)."""
    school = session_school(request)
    logins = _session_logins(request)
    return render(request, "setup/logins.html", {"school": school, "logins": logins, "step": 6})


@login_required
@require_GET
def setup_logins_xlsx(request):
    """The logins of step 6 as an .xlsx (name, 工号, username, roles, one-time password)."""
    school = session_school(request)
    rows = [
        [x.name, x.staff_no, x.username, x.roles, x.password or _("（沿用原密码）")] for x in _session_logins(request)
    ]
    return xlsx_response(
        ["姓名", "工号", "登录名", "角色", "一次性密码"], rows, title="初始账号", filename=f"{school.code}-logins.xlsx"
    )


@login_required
@require_POST
def setup_finish(request):
    """Forget the one-time passwords (they are never shown again) and end the set-up."""
    school = session_school(request)
    request.session.pop(SESSION_LOGINS, None)
    request.session.pop(SESSION_SCHOOL, None)
    messages.success(request, _("%(name)s 初始设置完成。") % {"name": school.name})
    messages.info(request, _("下一步：在工作台的“导入历史数据”中导入往年的慰问、发放、捐款、体检、荣誉、活动和提案等名单，年度工作报告会把它们一并统计。"))
    return redirect("home")
