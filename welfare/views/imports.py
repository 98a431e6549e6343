"""Import of a school's welfare ledger (慰问台账): upload → preview → confirm, and the template download.

Moved verbatim from ``welfare/views.py`` (a shared import flow will replace it), except that the
upload's ``ImportBatch`` row is written by ``services.import_batch_upload``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import SCHOOL_MANAGER_ROLES, nodes_for, primary_school
from members.models import ImportBatch, Organization
from union_portal.lib.exports import XLSX, xlsx_response_bytes

from .. import services
from ..forms import ImportUploadForm
from ..importer import ALIASES as IMPORT_ALIASES
from ..importer import welfare_import, welfare_validate


def _import_school(user) -> Organization:
    nodes = nodes_for(user, *SCHOOL_MANAGER_ROLES)
    school = next((n.school for n in nodes if n.kind != Organization.Kind.DISTRICT), None)
    if school is None and user.is_superuser:
        school = primary_school(user)
    if school is None:
        raise PermissionDenied(_("只有学校工会主席和工会委员可以导入慰问台账。"))
    return school


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    school = _import_school(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.import_batch_upload(school=school, upload=upload, acting_user=request.user)
        return redirect("welfare:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.filter(kind=ImportBatch.Kind.WELFARE, school=school).select_related("uploaded_by")[:5]
    return render(
        request,
        "welfare/import_upload.html",
        {"form": form, "school": school, "recent": recent, "aliases": IMPORT_ALIASES},
    )


def _get_batch_for_user(user, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch, pk=pk, kind=ImportBatch.Kind.WELFARE, school=_import_school(user))


@login_required
@require_GET
def import_preview(request, pk: int):
    batch = _get_batch_for_user(request.user, pk)
    if batch.status == ImportBatch.Status.DONE:
        return render(request, "welfare/import_preview.html", {"batch": batch, "result": None, "done": True})
    with batch.file.open("rb") as fh:
        result = welfare_validate(school=batch.school, data=fh.read(), filename=batch.original_name)
    batch.summary = result.as_summary()
    batch.status = ImportBatch.Status.PREVIEW if result.ok else ImportBatch.Status.FAILED
    batch.save(update_fields=["summary", "status"])
    return render(request, "welfare/import_preview.html", {"batch": batch, "result": result, "done": False})


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _get_batch_for_user(request.user, pk)
    if batch.status == ImportBatch.Status.DONE:
        messages.info(request, _("该文件已经导入过了。"))
        return redirect("welfare:ledger")
    with batch.file.open("rb") as fh:
        result = welfare_import(
            school=batch.school, data=fh.read(), filename=batch.original_name, acting_user=request.user, request=request
        )
    batch.summary = result.as_summary()
    if not result.written:
        batch.status = ImportBatch.Status.FAILED
        batch.save(update_fields=["summary", "status"])
        messages.error(request, _("文件有错误，未写入任何数据。请修改后重新上传。"))
        return redirect("welfare:import_preview", pk=batch.pk)
    batch.status = ImportBatch.Status.DONE
    batch.save(update_fields=["summary", "status"])
    messages.success(
        request,
        _("导入完成：%(n)s 条慰问记录，合计 %(total)s 元。") % {"n": len(result.rows), "total": f"{result.total:.2f}"},
    )
    return redirect("welfare:ledger")


@login_required
@require_GET
def import_template(request):
    _import_school(request.user)
    headers = ["日期", "工号", "姓名", "部门", "事由", "慰问金", "慰问品", "慰问品价值", "经费来源", "备注"]
    example = ["2021-03-15", "S0100012", "张三", "教务处", "生病住院", 500, "水果、牛奶", 100, "工会经费", ""]
    response = HttpResponse(xlsx_response_bytes(headers, [example], title="慰问台账模板"), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="welfare-template.xlsx"'
    return response
