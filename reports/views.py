"""Pages of the 工作报告 area: list, draft editor, refresh diff, finalise, versions, exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import AuditEntry
from union_portal.lib.audit import audit

from . import document, editor, services
from .forms import TEXT_MAX, ReportCreateForm, ReportHeaderForm, SectionAddForm, SectionEditForm
from .models import ExportFormat, ReportBlock, ReportExport
from .output import CONTENT_TYPES, render_html
from .selectors import (
    can_edit,
    get_export_for_user,
    get_report_for_user,
    get_section_for_user,
    get_version_for_user,
    organizations_for_new_report,
    reports_visible_to,
)


def _require_edit(user, report):
    if not can_edit(user, report):
        raise PermissionDenied("只有本组织的工会主席、委员可以修改报告。")


def _require_draft(request, report):
    if report.is_final:
        messages.error(request, "该报告已定稿，不能修改。请从定稿版本新建草稿。")
        return redirect("reports:detail", pk=report.pk)
    return None


@login_required
@require_GET
def index(request):
    """Reports the user may read, and the form to start a new one."""
    reports = reports_visible_to(request.user).order_by("-end", "-pk")[:100]
    organizations = organizations_for_new_report(request.user)
    form = ReportCreateForm(organizations=organizations, initial={"organization": organizations.first()})
    return render(request, "reports/index.html", {"reports": reports, "form": form, "can_create": organizations.exists()})


@login_required
@require_POST
def report_create_view(request):
    organizations = organizations_for_new_report(request.user)
    if not organizations.exists():
        raise PermissionDenied("只有工会主席、委员可以新建报告。")
    form = ReportCreateForm(request.POST, organizations=organizations)
    if not form.is_valid():
        reports = reports_visible_to(request.user).order_by("-end", "-pk")[:100]
        return render(request, "reports/index.html", {"reports": reports, "form": form, "can_create": True}, status=400)
    data = form.cleaned_data
    report = services.report_create(
        organization=data["organization"], start=data["start"], end=data["end"],
        period_kind=data["period_kind"], acting_user=request.user,
    )
    audit(request, AuditEntry.Action.CREATE, report, summary=f"新建工作报告 {report}", organization=report.organization)
    messages.success(request, "已按记录生成报告草稿，请修改文字后定稿。")
    return redirect("reports:detail", pk=report.pk)


def _snapshot_for(report, version=None):
    return version.snapshot if version else services.report_snapshot(report)


@login_required
@require_GET
def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    snapshot = _snapshot_for(report)
    # A draft's screen view shows the 【请撰写】 notes the speech leaves for the chair; print never does.
    doc = document.build(snapshot, links=True, notes=not report.is_final)
    sections = list(report.sections.all())
    return render(request, "reports/detail.html", {
        "report": report,
        "doc": doc,
        "sections": sections,
        "versions": report.versions.select_related("finalised_by"),
        "exports": report.exports.filter(content_hash=_current_hash(report)),
        "can_edit": can_edit(request.user, report),
        "formats": [(ExportFormat.PDF, "PDF"), (ExportFormat.DOCX, "Word"), (ExportFormat.HTML, "HTML")],
        "missing": (report.figures or {}).get("missing", []),
    })


def _current_hash(report):
    version = report.versions.order_by("-number").first() if report.is_final else None
    return version.content_hash if version else services.snapshot_hash(services.report_snapshot(report))


@login_required
@require_GET
def report_print(request, pk):
    """The standalone print-friendly HTML (figures still link to their records)."""
    report = get_report_for_user(request.user, pk)
    version = report.versions.order_by("-number").first() if report.is_final else None
    return HttpResponse(render_html(_snapshot_for(report, version), links=True))


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = get_report_for_user(request.user, pk)
    _require_edit(request.user, report)
    if response := _require_draft(request, report):
        return response
    form = ReportHeaderForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存报告标题和开头。")
        return redirect("reports:detail", pk=report.pk)
    opening = form["opening"].value() or ""
    return render(request, "reports/edit.html", {
        "report": report, "form": form, "preview": editor.preview_block(report, opening), **_picker(report, [opening]),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, pk):
    """The section editor: texts with figures as chips (editor.js), a picker, previews as printed."""
    section = get_section_for_user(request.user, pk)
    report = section.report
    _require_edit(request.user, report)
    if response := _require_draft(request, report):
        return response
    blocks = list(section.blocks.all())
    options = editor.block_options(report)
    data = request.POST if request.method == "POST" else None
    form = SectionEditForm(data, blocks=blocks, figures=report.figures, block_options=options)
    if request.method == "POST":
        if form.is_valid():
            changes = form.changes()
            editor.section_edit_save(section=section, **changes)
            messages.success(request, f"已保存“{changes['title'] or '结尾'}”。")
            return redirect(reverse("reports:detail", args=[report.pk]) + f"#sec-{_section_index(report, section)}")
        section.title = form.data.get("title", "")[:100]
        section.show_heading = form.data.get("show_heading") == "on"
    rows = [_block_row(report, form, block) for block in blocks]
    texts = [r["text"] for r in rows] + [r["generated"] for r in rows] + [request.POST.get("add_text", "")]
    return render(request, "reports/section_edit.html", {
        "report": report, "section": section, "form": form, "rows": rows,
        "empty": not any(r["preview"] for r in rows), **_picker(report, texts, options),
    }, status=400 if form.errors else 200)


def _picker(report, texts: list[str], options=()) -> dict:
    """The picker's figures (grouped), its tables and charts, and the chips' catalogue (JSON)."""
    catalogue = editor.figure_catalogue(report, editor.placeholder_keys(*texts))
    return {"catalogue": catalogue, "picker_groups": editor.picker_groups(catalogue), "options": options,
            "editor_strings": editor.js_strings()}


def _block_row(report, form, block) -> dict:
    """What the editor shows for a block: its fields, its text now, and its preview as printed."""
    field = form.text_field(block)
    text = (field.value() or "") if field is not None else ""
    generated = editor.generated_text(report, block.source) if block.kind == ReportBlock.Kind.SENTENCE else ""
    return {
        "block": block, "field": field, "delete": form.delete_field(block), "text": text,
        "generated": generated, "is_generated": bool(generated) and not text.strip(),
        "preview": editor.preview_items(report, [{"kind": block.kind, "text": text, "source": block.source}]),
    }


@login_required
@require_POST
def report_preview(request, pk):
    """JSON ``{"html", "error"}``: a paragraph's text (``text``; ``block`` for a generated sentence's
    source) rendered as it will print, for the editor's live preview."""
    report = get_report_for_user(request.user, pk)
    _require_edit(request.user, report)
    text = request.POST.get("text", "")[:TEXT_MAX]
    kind, source = ReportBlock.Kind.NARRATIVE, ""
    if request.POST.get("block", "").isdigit():
        block = ReportBlock.objects.filter(pk=request.POST["block"], section__report=report).first()
        if block is not None and block.kind == ReportBlock.Kind.SENTENCE:
            kind, source = block.kind, block.source
    unknown = document.unknown_placeholders(text, report.figures or {})
    return JsonResponse({
        "html": editor.preview_block(report, text, kind=kind, source=source),
        "error": editor.unknown_message(unknown) if unknown else "",
    })


def _section_index(report, section) -> int:
    ids = list(report.sections.values_list("pk", flat=True))
    return ids.index(section.pk) + 1 if section.pk in ids else 1


@login_required
@require_POST
def section_add_view(request, pk):
    report = get_report_for_user(request.user, pk)
    _require_edit(request.user, report)
    if response := _require_draft(request, report):
        return response
    form = SectionAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写新部分的标题（不超过100字）。")
        return redirect("reports:detail", pk=report.pk)
    section = services.section_add(report=report, title=form.cleaned_data["title"])
    return redirect("reports:section_edit", pk=section.pk)


@login_required
@require_POST
def section_move_view(request, pk):
    section = get_section_for_user(request.user, pk)
    _require_edit(request.user, section.report)
    if response := _require_draft(request, section.report):
        return response
    services.section_move(section=section, direction=1 if request.POST.get("direction") == "down" else -1)
    return redirect("reports:detail", pk=section.report_id)


@login_required
@require_POST
def section_delete_view(request, pk):
    section = get_section_for_user(request.user, pk)
    _require_edit(request.user, section.report)
    if response := _require_draft(request, section.report):
        return response
    services.section_delete(section=section)
    messages.success(request, f"已删除“{section.title or '结尾'}”。")
    return redirect("reports:detail", pk=section.report_id)


@login_required
@require_http_methods(["GET", "POST"])
def report_refresh_view(request, pk):
    """GET: what would change if the figures were taken from the records now. POST: apply."""
    report = get_report_for_user(request.user, pk)
    _require_edit(request.user, report)
    if response := _require_draft(request, report):
        return response
    fresh = services.figures_fresh(report)
    diff = services.figures_diff(report.figures or {}, fresh)
    if request.method == "POST":
        services.report_refresh(report=report, figures=fresh)
        messages.success(request, f"已从记录更新数据（{len(diff)} 项变化）。")
        return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/refresh.html", {"report": report, "diff": diff})


@login_required
@require_POST
def report_finalise_view(request, pk):
    report = get_report_for_user(request.user, pk)
    _require_edit(request.user, report)
    if response := _require_draft(request, report):
        return response
    version = services.report_finalise(report=report, acting_user=request.user)
    audit(request, AuditEntry.Action.UPDATE, report, summary=f"报告定稿 第{version.number}版",
          organization=report.organization)
    messages.success(request, f"已定稿（第{version.number}版）。此后记录变化不会改变本版本。")
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_GET
def version_detail(request, pk):
    version = get_version_for_user(request.user, pk)
    doc = document.build(version.snapshot, links=True)
    return render(request, "reports/version.html", {
        "version": version, "report": version.report, "doc": doc,
        "can_edit": can_edit(request.user, version.report),
    })


@login_required
@require_POST
def version_new_draft(request, pk):
    version = get_version_for_user(request.user, pk)
    _require_edit(request.user, version.report)
    report = services.report_draft_from_version(version=version, acting_user=request.user)
    messages.success(request, f"已从第{version.number}版新建草稿。")
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def export_start(request, pk):
    report = get_report_for_user(request.user, pk)
    fmt = request.POST.get("format", "")
    if fmt not in ExportFormat.values:
        messages.error(request, "请选择导出格式：PDF、Word 或 HTML。")
        return redirect("reports:detail", pk=report.pk)
    version = None
    if request.POST.get("version"):
        version = get_version_for_user(request.user, request.POST["version"])
        if version.report_id != report.pk:
            version = None
    export, _ = services.export_request(report=report, fmt=fmt, acting_user=request.user, version=version)
    return redirect("reports:export_detail", pk=export.pk)


@login_required
@require_GET
def export_detail(request, pk):
    export = get_export_for_user(request.user, pk)
    return render(request, "reports/export.html", {"export": export, "report": export.report})


@login_required
@require_GET
def export_status(request, pk):
    """Small JSON polled by the progress bar."""
    export = get_export_for_user(request.user, pk)
    done = export.status == ReportExport.Status.DONE and bool(export.file)
    return JsonResponse({
        "status": export.status,
        "label": export.get_status_display(),
        "progress": 100 if done else export.progress,
        "error": export.error,
        "download_url": reverse("reports:export_download", args=[export.pk]) if done else "",
    })


@login_required
@require_GET
def export_download(request, pk):
    export = get_export_for_user(request.user, pk)
    if export.status != ReportExport.Status.DONE or not export.file:
        messages.info(request, "文件还在生成中，请稍候。")
        return redirect("reports:export_detail", pk=export.pk)
    report = export.report
    version = f"第{export.version.number}版" if export.version else "草稿"
    audit(request, AuditEntry.Action.DOWNLOAD, report, summary=f"下载工作报告 {version} {export.format}",
          organization=report.organization)
    filename = services.export_filename(report.organization.name, report.period_kind, report.start, report.end,
                                        version) + f".{export.format}"
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=filename,
                            content_type=CONTENT_TYPES[export.format])
    response["X-Content-Type-Options"] = "nosniff"
    return response
