"""Roster import pages (upload → preview → confirm, ``union_portal.lib.imports``) and the template download."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from union_portal.lib import imports
from union_portal.lib.record_imports import register_flow

from ..forms import RosterUploadForm
from ..models import ImportBatch, Organization
from ..services import ROSTER_ALIASES, RosterResult, roster_import, roster_validate


class RosterImport(imports.Importer):
    """The member roster (会员名册) in the shared import flow: chair and committee of a school only."""

    kind = ImportBatch.Kind.ROSTER
    form_class = RosterUploadForm
    namespace = "members"
    done_url = "members:list"
    denied = "只有学校工会主席和工会委员可以导入会员名册。"
    title = gettext_lazy("导入会员名册")
    upload_note = gettext_lazy(
        "上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入。按工号匹配：已有的教职工更新，新的教职工新增，不会重复。"
        "空白单元格和文件中没有的列保留原有信息；要清空某项，请在单元格中填写“（清空）”。"
    )
    columns_help = gettext_lazy(
        "姓名；工号/职工号/编号；性别；出生日期/出生年月；身份证号；部门；分工会；工会小组；手机/联系电话；职称；入职时间；"
        "入会时间；用工形式（在编、合同制、人事代理、劳务派遣、临时）；状态（在职、退休、调离、去世）。"
        "日期可写 1985-03-07、1985/3/7、1985.03.07、1985年3月7日、198503 等。"
    )
    template_headers = ["工号", "姓名", "性别", "出生日期", "身份证号", "部门", "分工会", "工会小组", "职称", "入职时间",
                        "入会时间", "用工形式", "状态", "手机"]  # fmt: skip
    template_example = ["T0001", "张三", "男", "1985-03-07", "", "教务处", "", "", "一级教师", "2008-09-01", "2008-09-01",
                        "在编", "在职", "13800000000"]  # fmt: skip
    template_title = "会员名册模板"
    template_filename = "roster-template.xlsx"
    detail_template = "imports/_roster_changes.html"

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RosterResult:
        """Unknown sub-unions and groups are row errors here (the set-up flow offers to create them)."""
        return roster_validate(school=school, data=data, filename=filename)

    def apply(self, *, school: Organization, data: bytes, filename: str, acting_user, request) -> RosterResult:
        return roster_import(school=school, data=data, filename=filename, acting_user=acting_user, request=request)

    def done_message(self, result: RosterResult) -> str:
        return _("导入完成：新增 %(created)d 人，更新 %(updated)d 人。") % {
            "created": result.created,
            "updated": result.updated,
        }

    def done_summary(self, summary: dict) -> str:
        return imports.fill(
            _("该文件已导入：新增 %(c)s 人，更新 %(u)s 人。"), c=summary.get("created"), u=summary.get("updated")
        )

    def ready_summary(self, result: RosterResult) -> str:
        return imports.fill(
            _("共 %(n)s 行，全部通过检查：将新增 %(c)s 人，更新 %(u)s 人，%(k)s 人不变。"),
            n=len(result.rows), c=result.created, u=result.updated, k=result.unchanged,
        )  # fmt: skip

    def upload_context(self, school: Organization) -> dict:
        return {"aliases": ROSTER_ALIASES}


ROSTER = register_flow(RosterImport())

# login_required and GET/POST-only views (see ``imports.views``), for urls.py.
roster_upload, roster_preview, roster_confirm, roster_template = imports.views(ROSTER)
