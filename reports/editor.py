"""The report editor without codes: the figure picker's catalogue, paragraph previews, and its one write.

The stored text keeps placeholders (``{welfare.visits.count}``, ``{key:cmp}``: ``reports.document``);
the editor (``static/reports/editor.js``) shows each one as a labelled, highlighted chip
("走访慰问 236人次") and serialises the chips back on submit. What the chip and the picker show
comes from :func:`figure_catalogue`; what the preview shows is :func:`preview_items`, the same
``document.build`` the PDF uses, so the preview is the paragraph as it will print.

``section_edit_save`` is the editor's write (a service: keyword-only, atomic). It lives here beside
``services.py`` because it only adds to ``services.section_update`` the tables and charts the
picker puts back into a section.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import document, providers, services
from . import figures as F
from .models import AnnualReport, ReportBlock, ReportSection
from .sentences import SentenceContext

MODES = ("", "num", "prev", "cmp", "yoy")


@dataclass(frozen=True)
class BlockOption:
    """A table or chart a provider declares, offered by the picker: ``value`` is "table:<key>"."""

    value: str
    kind: str
    key: str
    caption: str
    has_data: bool


def js_strings() -> dict[str, str]:
    """The words ``editor.js`` shows, in the user's language (rendered with ``json_script``)."""
    return {
        "unknown": _("未知数据项"),
        "unknownTitle": _("报告中没有这项数据，请删除它"),
        "previous": _("（上期）"),
        "compare": _("（比较）"),
        "notComparable": _("不可比，不打印"),
        "none": _("暂无"),
        "unit": _("单位："),
        "zeroTitle": _("本期为零或暂无，所在句子打印时略去"),
        "empty": _("（本段不打印：没有文字，或其中的数据本期为零、暂无）"),
        "placeholder": _("在此输入文字，需要数字时点“插入数据”"),
        "previewFailed": _("预览暂时无法更新，保存后可在报告中查看。"),
    }


def editor_snapshot(report: AnnualReport, blocks: list[dict] | None = None) -> dict:
    """A snapshot holding the report's figures, period and unit, and one untitled section of ``blocks``.

    ``blocks`` are snapshot blocks (``{"kind", "text", "source"}``). No query beyond the report's
    organisation (already selected by ``get_report_for_user``).
    """
    org = report.organization
    return {
        "organization": {"pk": org.pk, "code": org.code, "name": org.name, "kind": org.kind},
        "period_kind": report.period_kind,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "figures": report.figures or {},
        "sections": [{"kind": "custom", "title": "", "show_heading": False, "blocks": blocks or []}],
    }


def _app_name(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


def _entry(key: str, ctx: SentenceContext, group: str, listed: bool) -> dict:
    meta = F.figure_meta(key)
    value = F.lookup(ctx.current, key)
    number = F.to_decimal(value)
    return {
        "key": key,
        "label": meta.label,
        "unit": meta.unit,
        "group": group,
        "listed": listed,
        "value": F.format_value(key, value) if number is not None else "",
        "num": F.format_number(value) if number is not None else "",
        "prev": F.format_value(key, F.lookup(ctx.previous, key)) if F.lookup(ctx.previous, key) is not None else "",
        "cmp": ctx.change(key),
        "zero": number is None or (number == 0 and meta.unit != "%"),
    }


def figure_catalogue(report: AnnualReport, extra_keys: set[str] = frozenset()) -> list[dict]:
    """Every figure the providers declare, with its label, unit and current value, for the picker and chips.

    Returns JSON-safe dicts ``{key, label, unit, group (the app's name), listed, value ("236人次",
    "6.12万元"; "" when the snapshot lacks it), num ("236"), prev (previous period's value), cmp
    ("同比增长10.0%" or "" when the periods cannot be compared), zero (the paragraph's clause with it
    is left out at print)}``. ``extra_keys`` (placeholders already in the text that no provider
    declares but the figures hold) are added with ``listed`` False: chips show them, the picker does not.
    No query.
    """
    ctx = SentenceContext(editor_snapshot(report))
    out, seen = [], set()
    for provider in providers.providers():
        group = _app_name(provider.label)
        for rest in provider.figures:
            key = f"{provider.label}.{rest}"
            seen.add(key)
            out.append(_entry(key, ctx, group, True))
    for key in sorted(extra_keys - seen):
        if F.lookup(ctx.current, key) is not None:
            out.append(_entry(key, ctx, _app_name(key.partition(".")[0]), False))
    return out


def picker_groups(catalogue: list[dict]) -> list[tuple[str, list[dict]]]:
    """The catalogue's listed figures grouped by app name, in provider order: ``[(group, entries)]``."""
    groups: dict[str, list[dict]] = {}
    for entry in catalogue:
        if entry["listed"]:
            groups.setdefault(entry["group"], []).append(entry)
    return list(groups.items())


def block_options(report: AnnualReport) -> list[BlockOption]:
    """Every table and chart the providers declare, with whether the report's figures fill it."""
    current = (report.figures or {}).get("current", {})
    options = []
    for provider in providers.providers():
        for kind, specs in (("table", provider.tables), ("chart", provider.charts)):
            for rest, spec in specs.items():
                key = f"{provider.label}.{rest}"
                rows = F.lookup(current, key)
                options.append(BlockOption(f"{kind}:{key}", kind, key, spec.caption,
                                           isinstance(rows, list) and bool(rows)))
    return options


def generated_text(report: AnnualReport, source: str) -> str:
    """A generated sentence's text with its placeholders (what "改为手写" copies), or "" when none."""
    generate = providers.sentence(source)
    return generate(SentenceContext(editor_snapshot(report))) if generate else ""


def preview_items(report: AnnualReport, blocks: list[dict]) -> SafeString:
    """The blocks rendered as they will print (escaped HTML: paragraphs, tables, charts; no links)."""
    doc = document.build(editor_snapshot(report, blocks), links=False)
    items = doc.sections[0].items if doc.sections else []
    return mark_safe("".join(document.item_html(item) for item in items))  # noqa: S308 (document escapes)


def preview_block(report: AnnualReport, text: str, *, kind: str = "narrative", source: str = "") -> SafeString:
    """One text block (``kind`` "narrative" or "sentence" with its ``source``) as it will print."""
    return preview_items(report, [{"kind": kind, "text": text, "source": source}])


def placeholder_keys(*texts: str) -> set[str]:
    """The figure keys the texts name."""
    return {key for text in texts for key in document.placeholders(text)}


def unknown_message(unknown: list[str]) -> str:
    """The Chinese error for figures the report does not have (the keys quoted, the text kept)."""
    names = "、".join(f"“{key}”" for key in dict.fromkeys(unknown))
    return f"这段文字中有未知的数据项{names}：报告中没有这项数据。请删除它，再从“插入数据”中选择。"


@transaction.atomic
def section_edit_save(*, section: ReportSection, title: str, show_heading: bool, texts: dict[int, str],
                      delete: set[int], add_text: str = "", add_blocks: list[tuple[str, str]] = ()) -> ReportSection:
    """Save a section (``services.section_update``), then append the tables and charts chosen in the picker.

    ``add_blocks``: ``[(ReportBlock.Kind.TABLE or CHART, source key)]``, in order, after the
    section's blocks. Raises ``ValueError`` (from ``section_update``) when the report is final.
    """
    services.section_update(section=section, title=title, show_heading=show_heading, texts=texts,
                            delete=delete, add_text=add_text)
    order = (section.blocks.aggregate(n=Max("order"))["n"] or 0) + 1
    for i, (kind, source) in enumerate(add_blocks):
        ReportBlock.objects.create(section=section, kind=kind, source=source, text="", order=order + i)
    return section
