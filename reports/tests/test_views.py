"""Report pages: permissions, editing with errors kept, refresh diff, finalise, export progress and audited download."""

import pytest
from django.urls import reverse

from members.models import AuditEntry
from reports.models import ReportBlock, ReportExport
from reports.tests.factories import make_report


@pytest.fixture
def report(school, chair):
    return make_report(school, chair)


def test_anonymous_is_sent_to_login(client, report):
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_outsider_gets_404_and_member_sees_nothing(login, report, outsider, member):
    assert login(outsider).get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert login(member).get(reverse("reports:detail", args=[report.pk])).status_code == 404


def test_proposals_committee_reads_but_cannot_edit(login, report, proposal_committee):
    client = login(proposal_committee)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    section = report.sections.get(kind="shortcomings")
    assert client.post(reverse("reports:section_edit", args=[section.pk]), {"title": "x"}).status_code == 403


def test_state_changing_views_reject_get(login, report, committee):
    client = login(committee)
    assert client.get(reverse("reports:finalise", args=[report.pk])).status_code == 405
    assert client.get(reverse("reports:export", args=[report.pk])).status_code == 405


def test_figures_link_to_the_records_they_count(login, report, chair):
    html = login(chair).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert 'class="fig" href="/members/?status=active&amp;is_union_member=true&amp;on=2021-12-31"' in html  # as of the period end


def test_committee_edits_a_section_and_bad_placeholder_keeps_the_text(login, report, committee):
    client = login(committee)
    section = report.sections.get(kind="shortcomings")
    block = section.blocks.first()
    url = reverse("reports:section_edit", args=[section.pk])
    typed = "一是{no.such_figure}不足。"
    response = client.post(url, {"title": "存在的不足", "show_heading": "on", f"text-{block.pk}": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert "未知的数据项" in body and typed in body
    response = client.post(url, {"title": "存在的不足", "show_heading": "on",
                                 f"text-{block.pk}": "一是调研不够深入，共{members.staff}在职。"})
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.text.startswith("一是调研不够深入")


def test_refresh_shows_the_diff_before_applying(login, report, chair, school):
    from members.tests.factories import MemberFactory

    MemberFactory.create_batch(2, organization=school, school=school)
    client = login(chair)
    page = client.get(reverse("reports:refresh", args=[report.pk])).content.decode()
    assert "在职教职工" in page
    before = report.figures["current"]["members"]["staff"]
    report.refresh_from_db()
    assert report.figures["current"]["members"]["staff"] == before  # GET changed nothing
    client.post(reverse("reports:refresh", args=[report.pk]))
    report.refresh_from_db()
    assert report.figures["current"]["members"]["staff"] == before + 2


def test_finalise_then_export_then_audited_download(
    login, report, chair, django_capture_on_commit_callbacks, eager_celery
):
    client = login(chair)
    client.post(reverse("reports:finalise", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_final and report.versions.count() == 1
    section = report.sections.first()
    assert client.post(reverse("reports:section_edit", args=[section.pk]), {"title": "x"}).status_code == 302
    assert not ReportBlock.objects.filter(section=section, text="x").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export", args=[report.pk]), {"format": "docx"})
    export = ReportExport.objects.get(report=report, format="docx")
    assert response["Location"] == reverse("reports:export_detail", args=[export.pk])
    status = client.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DOWNLOAD, object_id=str(report.pk)).count() == 1


def test_bad_export_format_and_bad_period_answer_in_chinese(login, chair, report):
    client = login(chair)
    response = client.post(reverse("reports:export", args=[report.pk]), {"format": "exe"}, follow=True)
    assert "请选择导出格式" in response.content.decode()
    response = client.post(reverse("reports:create"), {"organization": report.organization.pk,
                                                       "period_kind": "custom", "start": "2021-05-01",
                                                       "end": "2021-01-01"})
    assert response.status_code == 400 and "截止日期不能早于起始日期" in response.content.decode()
