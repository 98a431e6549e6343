"""The editor without codes: unknown figures refused at save, the preview endpoint, the picker's catalogue,
tables and charts added back, generated sentences made handwritten."""

import json
import re

import pytest
from django.urls import reverse

from members.tests.factories import MemberFactory
from reports import editor
from reports.models import ReportBlock
from reports.tests.factories import make_report


@pytest.fixture
def report(school, chair):
    MemberFactory.create_batch(3, organization=school, school=school)
    return make_report(school, chair)


def _catalogue(html: str) -> list[dict]:
    match = re.search(r'<script id="figure-catalogue" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_saving_an_unknown_figure_is_refused_in_chinese_and_keeps_the_text(login, report, committee):
    section = report.sections.get(kind="shortcomings")
    block = section.blocks.first()
    before = block.text
    typed = "一是调研还不够深入，共{welfare.no_such_figure}。\n二是要加强学习。"
    response = login(committee).post(reverse("reports:section_edit", args=[section.pk]), {
        "title": "存在的不足", "show_heading": "on", f"text-{block.pk}": typed,
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "未知的数据项“welfare.no_such_figure”" in body and "请删除它" in body
    assert typed in body  # the textarea keeps what was typed
    block.refresh_from_db()
    assert block.text == before


def test_an_unknown_figure_in_a_new_paragraph_or_the_opening_is_refused_too(login, report, chair):
    client = login(chair)
    section = report.sections.get(kind="shortcomings")
    response = client.post(reverse("reports:section_edit", args=[section.pk]), {
        "title": "存在的不足", "show_heading": "on", "add_text": "新增{nope.count}",
    })
    assert response.status_code == 400 and "未知的数据项" in response.content.decode()
    assert section.blocks.count() == 1
    response = client.post(reverse("reports:edit", args=[report.pk]), {
        "title": report.title, "salutation": report.salutation, "opening": "现在我报告{nope.count}。",
    })
    assert response.status_code == 400
    assert "未知的数据项" in response.content.decode() and "现在我报告{nope.count}。" in response.content.decode()
    report.refresh_from_db()
    assert "nope" not in report.opening


def test_a_known_figure_saves_and_prints_its_value(login, report, chair):
    section = report.sections.get(kind="shortcomings")
    block = section.blocks.first()
    staff = report.figures["current"]["members"]["staff"]
    response = login(chair).post(reverse("reports:section_edit", args=[section.pk]), {
        "title": "存在的不足", "show_heading": "on", f"text-{block.pk}": "一是全校{members.staff}中青年教师多。",
    })
    assert response.status_code == 302
    page = login(chair).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f"{staff}人</a>中青年教师多" in page


def test_preview_renders_the_paragraph_as_printed(login, report, chair):
    url = reverse("reports:preview", args=[report.pk])
    staff = report.figures["current"]["members"]["staff"]
    data = login(chair).post(url, {"text": "（一）队伍\n全校{members.staff}，<b>认真</b>。"}).json()
    assert data["error"] == ""
    assert "<h3>（一）队伍</h3>" in data["html"]
    assert f'<span class="fig">{staff}人</span>' in data["html"]
    assert "&lt;b&gt;认真&lt;/b&gt;" in data["html"]  # user text stays text
    assert "{members.staff}" not in data["html"]


def test_preview_names_an_unknown_figure_and_drops_empty_clauses(login, report, chair):
    data = login(chair).post(reverse("reports:preview", args=[report.pk]),
                             {"text": "共捐款{welfare.donations.total}，走访{nope.count}。"}).json()
    assert "未知的数据项“nope.count”" in data["error"]
    assert "捐款" not in data["html"]  # zero this year: the clause is left out, as in the PDF


def test_preview_of_a_generated_sentence_uses_its_source(login, report, chair):
    block = ReportBlock.objects.get(section__report=report, source="members.membership")
    data = login(chair).post(reverse("reports:preview", args=[report.pk]), {"text": "", "block": block.pk}).json()
    assert "在职会员" in data["html"]


def test_preview_permissions(client, login, report, proposal_committee, outsider, member):
    url = reverse("reports:preview", args=[report.pk])
    assert client.post(url, {"text": "x"}).status_code == 302
    assert login(proposal_committee).post(url, {"text": "x"}).status_code == 403
    assert login(outsider).post(url, {"text": "x"}).status_code == 404
    assert login(member).post(url, {"text": "x"}).status_code == 404
    assert login(report.created_by).get(url).status_code == 405


def test_the_page_shows_labels_and_values_not_codes(login, report, chair):
    section = report.sections.get(kind="self")
    html = login(chair).get(reverse("reports:section_edit", args=[section.pk])).content.decode()
    entries = {e["key"]: e for e in _catalogue(html)}
    staff = entries["members.staff"]
    assert staff["label"] and staff["unit"] == "人"
    assert staff["value"] == f"{report.figures['current']['members']['staff']}人"
    assert {"welfare.visits.count", "congress.proposals.accepted"} <= set(entries) or len(entries) > 50
    # The picker lists figures by label and value; the codes are only in the no-script fallback.
    picker = html[html.index('id="figure-picker"'):html.index('id="figure-catalogue"')]
    assert 'data-key="members.staff"' in picker and staff["label"] in picker
    assert "{members." not in picker
    # The generated sentence shows as printed, and carries its text for "改为手写".
    assert "自动生成的文字" in html and "改为手写" in html
    assert 'data-generated="' in html and "{members.union_members}" in html


def test_tables_and_charts_are_added_back_from_the_picker(login, report, chair):
    section = report.sections.get(kind="shortcomings")
    option = next(o for o in editor.block_options(report) if o.kind == "table")
    chart = next(o for o in editor.block_options(report) if o.kind == "chart")
    html = login(chair).get(reverse("reports:section_edit", args=[section.pk])).content.decode()
    assert f'data-add-block="{option.value}"' in html and option.caption in html
    response = login(chair).post(reverse("reports:section_edit", args=[section.pk]), {
        "title": "存在的不足", "show_heading": "on", "add_block": [option.value, chart.value],
    })
    assert response.status_code == 302
    kinds = list(section.blocks.values_list("kind", "source"))
    assert kinds[-2:] == [("table", option.key), ("chart", chart.key)]
    bad = login(chair).post(reverse("reports:section_edit", args=[section.pk]), {
        "title": "存在的不足", "show_heading": "on", "add_block": "table:nope.rows",
    })
    assert bad.status_code == 400


def test_a_generated_sentence_made_handwritten_keeps_its_figures(login, report, chair):
    section = report.sections.get(kind="self")
    block = section.blocks.get(source="members.membership")
    text = editor.generated_text(report, "members.membership")
    assert "{members.union_members}" in text
    response = login(chair).post(reverse("reports:section_edit", args=[section.pk]), {
        "title": section.title, "show_heading": "on", f"text-{block.pk}": text.replace("现有", "目前有"),
    })
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.kind == ReportBlock.Kind.SENTENCE and "目前有在职会员{members.union_members}" in block.text


def test_a_text_the_request_did_not_send_is_left_alone(login, report, chair):
    section = report.sections.get(kind="shortcomings")
    block = section.blocks.first()
    before = block.text
    assert login(chair).post(reverse("reports:section_edit", args=[section.pk]), {"title": "不足"}).status_code == 302
    assert login(chair).post(reverse("reports:section_edit", args=[section.pk]), {}).status_code == 302
    block.refresh_from_db()
    assert block.text == before


def test_the_editor_page_answers_within_its_query_budget(login, report, chair, django_assert_max_num_queries):
    section = report.sections.get(kind="welfare")
    client = login(chair)
    # Session and user (2), roles for the permission checks (≈4), the section with its report, the
    # blocks, the section list for nothing else: the catalogue, previews and picker run on the stored
    # figures and make no query.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:section_edit", args=[section.pk])).status_code == 200
