"""Roster import pages (upload → preview → confirm, ``union_portal.lib.imports``) and the template download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from union_portal.lib import imports

from ..forms import RosterUploadForm
from ..models import ImportBatch, Organization
from ..services import ROSTER_ALIASES, RosterResult, roster_import, roster_validate

TEMPLATE_HEADERS = ["工号", "姓名", "性别", "出生日期", "身份证号", "部门", "分工会", "工会小组", "职称", "入职时间",
                    "入会时间", "用工形式", "状态", "手机"]  # fmt: skip
TEMPLATE_EXAMPLE = ["T0001", "张三", "男", "1985-03-07", "", "教务处", "", "", "一级教师", "2008-09-01", "2008-09-01",
                    "在编", "在职", "13800000000"]  # fmt: skip


class RosterImport(imports.Importer):
    """The member roster (会员名册) in the shared import flow: chair and committee of a school only."""

    kind = ImportBatch.Kind.ROSTER
    form_class = RosterUploadForm
    upload_template = "members/roster_upload.html"
    preview_template = "members/roster_preview.html"
    preview_url = "members:import_preview"
    done_url = "members:list"
    denied = "只有学校工会主席和工会委员可以导入会员名册。"

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RosterResult:
        return roster_validate(school=school, data=data, filename=filename)

    def apply(self, *, school: Organization, data: bytes, filename: str, acting_user, request) -> RosterResult:
        return roster_import(school=school, data=data, filename=filename, acting_user=acting_user, request=request)

    def done_message(self, result: RosterResult) -> str:
        return _("导入完成：新增 %(created)d 人，更新 %(updated)d 人。") % {
            "created": result.created,
            "updated": result.updated,
        }

    def upload_context(self, school: Organization) -> dict:
        return {"aliases": ROSTER_ALIASES}


ROSTER = RosterImport()


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    """Upload a roster; it is validated and shown as a preview before anything is written."""
    return imports.upload(request, ROSTER)


@login_required
@require_GET
def roster_preview(request, pk: int):
    """Every problem by row and column, or a summary of what confirming will write."""
    return imports.preview(request, ROSTER, pk)


@login_required
@require_POST
def roster_confirm(request, pk: int):
    """Write a clean, previewed roster in one transaction."""
    return imports.confirm(request, ROSTER, pk)


@login_required
@require_GET
def roster_template(request):
    """A blank roster template with the standard headers and one example row."""
    return imports.template(
        request, ROSTER, TEMPLATE_HEADERS, TEMPLATE_EXAMPLE, title="会员名册模板", filename="roster-template.xlsx"
    )
