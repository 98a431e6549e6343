"""Audit summaries: a message code and parameters are stored and shown in the reader's language (issue 17)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from members.models import AuditEntry
from union_portal.lib.audit import audit, audit_sensitive_list
from union_portal.lib.messages import message, render
from union_portal.tests.test_i18n import compiled_catalog  # noqa: F401

pytestmark = pytest.mark.django_db

TEST_MESSAGE = message("tests.renamed", gettext_noop("立案，编号 %(number)s"))


def test_a_message_summary_stores_code_params_and_chinese(rf, chair):
    request = rf.get("/")
    request.user = chair
    entry = audit(request, AuditEntry.Action.UPDATE, summary=TEST_MESSAGE.bind(number="2026-001"))
    entry.refresh_from_db()
    assert (entry.summary, entry.summary_code, entry.summary_params) == (
        "立案，编号 2026-001", "tests.renamed", {"number": "2026-001"}
    )
    with translation.override("en"):
        assert entry.summary_display == "Accepted as No. 2026-001"


def test_a_list_summary_translates_the_list_name_and_count(rf, chair, school):
    request = rf.get("/")
    request.user = chair
    entry = audit_sensitive_list(request, count=3, summary="查看困难职工名单", organization=school)
    assert entry.summary == "查看困难职工名单（3 条敏感记录）"
    with translation.override("en"):
        assert entry.summary_display == "Viewed the hardship list (3 sensitive records)"


def test_plain_text_rows_old_and_new_fall_back_to_their_text(rf, chair):
    request = rf.get("/")
    request.user = chair
    fixed = audit(request, AuditEntry.Action.LOGIN, summary="登录成功")
    free = audit(request, AuditEntry.Action.UPDATE, summary="修改 张三 的电话")
    with translation.override("en"):
        assert fixed.summary_display == "Logged in"  # a fixed sentence is a msgid
        assert free.summary_display == "修改 张三 的电话"  # written before codes: shown as stored
        assert render("no.such.code", {"x": 1}, fallback="旧文本") == "旧文本"


def test_a_code_cannot_be_redeclared_with_another_text():
    with pytest.raises(ValueError):
        message("tests.renamed", "别的句子")
