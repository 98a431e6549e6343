"""定稿 freezes text and figures; later records never move a finalised version or its files."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from members.tests.factories import MemberFactory
from reports import services
from reports.models import AnnualReport, ReportExport
from reports.output import render_docx, render_html
from reports.tests.factories import make_report


def test_finalised_version_does_not_move_when_records_change(school, sub_a, chair):
    MemberFactory.create_batch(4, organization=sub_a, school=school, joined_union_on=dt.date(2021, 4, 1))
    report = make_report(school, chair)
    version = services.report_finalise(report=report, acting_user=chair)
    html_before = render_html(version.snapshot)
    docx_before = render_docx(version.snapshot)
    joined_before = int(re.search(r"新入会(\d+)人", re.sub(r"<[^>]+>", "", html_before)).group(1))
    assert joined_before >= 4

    MemberFactory.create_batch(7, organization=sub_a, school=school, joined_union_on=dt.date(2021, 6, 1))
    version.refresh_from_db()
    assert render_html(version.snapshot) == html_before
    assert render_docx(version.snapshot) == docx_before
    assert report.versions.count() == 1
    with pytest.raises(ValueError):
        services.report_refresh(report=AnnualReport.objects.get(pk=report.pk), figures={})

    # A new draft starts from the version's text and figures; refreshing it shows the change first.
    draft = services.report_draft_from_version(version=version, acting_user=chair)
    assert draft.based_on == version and not draft.is_final
    diff = services.figures_diff(draft.figures, services.figures_fresh(draft))
    joined = next(row for row in diff if row["key"] == "members.joined")
    assert (joined["old"], joined["new"]) == (f"{joined_before}人", f"{joined_before + 7}人")


def test_exports_are_keyed_by_content_and_not_rendered_twice(
    school, chair, django_capture_on_commit_callbacks, eager_celery
):
    report = make_report(school, chair)
    version = services.report_finalise(report=report, acting_user=chair)
    with django_capture_on_commit_callbacks(execute=True):
        first, queued = services.export_request(report=report, fmt="pdf", acting_user=chair)
    assert queued
    first.refresh_from_db()
    assert first.status == ReportExport.Status.DONE and first.version == version
    data = first.file.read()
    assert PdfReader(io.BytesIO(data)).pages

    MemberFactory.create_batch(3, organization=school, school=school)
    with django_capture_on_commit_callbacks(execute=True):
        second, queued_again = services.export_request(report=report, fmt="pdf", acting_user=chair)
    second.refresh_from_db()
    assert second.pk == first.pk and not queued_again
    assert second.renders == 1
