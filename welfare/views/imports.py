"""Import of a school's welfare ledger (慰问台账) on the shared flow (``union_portal.lib.imports``):
upload → preview → confirm, and the template download."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import ImportBatch, Organization
from union_portal.lib import imports
from union_portal.lib.record_imports import register_flow

from ..forms import ImportUploadForm
from ..importer import ALIASES, ImportResult, welfare_import, welfare_validate


class LedgerImport(imports.Importer):
    """The historical welfare ledger in the shared import flow: chair and committee of a school only."""

    kind = ImportBatch.Kind.WELFARE
    takes_batch = True
    form_class = ImportUploadForm
    namespace = "welfare"
    done_url = "welfare:ledger"
    denied = gettext_lazy("只有学校工会主席和工会委员可以导入慰问台账。")
    title = gettext_lazy("导入历史慰问台账")
    preview_title = gettext_lazy("慰问台账导入预览")
    upload_note = gettext_lazy("上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入。")
    columns_help = gettext_lazy(
        "日期/慰问日期；工号；姓名（重名时加“部门”列）；事由/慰问类别（按名称模糊匹配，如“住院”“生孩子”）；"
        "慰问金/金额；慰问品；慰问品价值；经费来源（工会经费、学校福利费、上级工会、其他）；备注。"
    )
    template_headers = ["日期", "工号", "姓名", "部门", "事由", "慰问金", "慰问品", "慰问品价值", "经费来源", "备注"]
    template_example = ["2021-03-15", "S0100012", "张三", "教务处", "生病住院", 500, "水果、牛奶", 100, "工会经费", ""]
    template_title = "慰问台账模板"
    template_filename = "welfare-template.xlsx"
    validate = staticmethod(welfare_validate)
    apply = staticmethod(welfare_import)

    def done_message(self, result: ImportResult) -> str:
        text = _("导入完成：%(n)s 条慰问记录，合计 %(total)s 元。") % {
            "n": len(result.rows),
            "total": f"{result.total:.2f}",
        }
        return text + self._skipped(result.skipped)

    def done_summary(self, summary: dict) -> str:
        text = imports.fill(_("该文件已导入：%(n)s 条，合计 %(t)s 元。"), n=summary.get("rows"), t=summary.get("total"))
        return text + self._skipped(summary.get("skipped", 0))

    def ready_summary(self, result: ImportResult) -> str:
        return imports.fill(_("共 %(n)s 行，全部通过检查，合计 %(t)s 元。"), n=len(result.rows), t=result.total)

    @staticmethod
    def _skipped(n: int) -> str:
        return imports.fill(_("其中 %(s)s 条台账中已有（日期、对象、事由、金额相同），未重复写入。"), s=n) if n else ""

    def upload_context(self, school: Organization) -> dict:
        return {"aliases": ALIASES}


LEDGER = register_flow(LedgerImport())

# login_required and GET/POST-only views (see ``imports.views``), for urls.py.
import_upload, import_preview, import_confirm, import_template = imports.views(LEDGER)
