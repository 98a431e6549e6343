"""In English, the 15 most used pages show no Chinese that is not data (issue 17).

The pages are rendered as the chair (and the representative for the proposal pages) in the two-school world of
the permission matrix, with English chosen through the language switch. Every text node and every
human-readable attribute (placeholder, title, aria-label, alt, label, button values) is collected; what
is data is then taken out, and no CJK character may remain:

* data are the values stored in the database: every text column of every row in the world (names,
  titles, organisations, occasions, categories, notes people typed), longest first. Generated sentences
  stored beside codes (``AuditEntry.summary``, ``ProposalTransition.note`` with a code) are *not* data:
  they must be rendered from their codes;
* an element marked with a Chinese ``lang`` attribute (``lang="zh-hans"``: the language switch's
  "简体中文", a quotation of an official document) is Chinese on purpose;
* scripts and styles are not text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import override_settings
from django.urls import reverse

from union_portal.tests.matrix_world import build_world
from union_portal.tests.test_i18n import compiled_catalog  # noqa: F401 (compiles the .mo if needed)

pytestmark = pytest.mark.xdist_group("i18n")

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "label", "aria-description", "data-confirm"}
NOT_DATA = {("members", "auditentry"): {"summary"}, ("congress", "proposaltransition"): {"note"}}

# (url name, world object for the pk or None, role)
PAGES = [
    ("home", None, "chair"),
    ("members:list", None, "chair"),
    ("members:detail", "member", "chair"),
    ("members:edit", "member", "chair"),
    ("welfare:index", None, "chair"),
    ("welfare:ledger", None, "chair"),
    ("welfare:visit_create", None, "chair"),
    ("welfare:visit_detail", "visit", "chair"),
    ("welfare:distributions", None, "chair"),
    ("congress:proposal_list", None, "chair"),
    ("congress:proposal_detail", "assigned", "chair"),
    ("congress:proposal_list", None, "rep"),
    ("congress:proposal_detail", "replied", "rep"),
    ("congress:proposal_detail", "draft", "rep"),
    ("congress:proposal_create", None, "rep"),
    ("activities:index", None, "chair"),
    ("activities:detail", "activity", "chair"),
    ("reports:index", None, "chair"),
]


class _Text(HTMLParser):
    """Text nodes and readable attributes, outside scripts, styles and elements with a Chinese ``lang``."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content skipped?

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = self._skipping() or tag in ("script", "style") or (attrs.get("lang") or "").startswith("zh")
        if not skip:
            for name, value in attrs.items():
                if value and (name in ATTRIBUTES or (name == "value" and attrs.get("type") in ("submit", "button"))):
                    self.parts.append(value)
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def _data_values() -> list[str]:
    """Every stored text value with a CJK character, longest first (so a name inside a title goes with it)."""
    values: set[str] = set()
    for model in apps.get_models():
        skip = NOT_DATA.get((model._meta.app_label, model._meta.model_name), set())
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and f.name not in skip]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value and CJK.search(value):
                    values.add(value.strip())
                    values.update(line.strip() for line in value.splitlines() if line.strip())
    if ("congress", "proposaltransition") in NOT_DATA:  # a person's own words in a note are data
        from congress.models import ProposalTransition

        values.update(ProposalTransition.objects.filter(note_code="").exclude(note="").values_list("note", flat=True))
    return sorted(values, key=len, reverse=True)


def chinese_outside_data(html: str, data: list[str]) -> list[str]:
    """The CJK runs left in ``html``'s text once data and ``lang="zh…"`` elements are taken out."""
    parser = _Text()
    parser.feed(html)
    left = []
    for original in parser.parts:
        text = original
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        if CJK.search(text):
            left.append(text if text == original else f"{text.strip()} (in: {original[:80]})")
    return left


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("i18n-media")
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        with transaction.atomic():
            a, _b, users = build_world()
            yield {"a": a, "users": users, "media": media, "data": _data_values()}
            transaction.set_rollback(True)


def test_the_checker_sees_chinese_ui_text_and_lets_data_through():
    html = ('<p title="提示">Visit: <b>张三</b></p><input placeholder="请输入"><span lang="zh-hans">简体中文</span>'
            "<script>var a='中文'</script>")
    assert chinese_outside_data(html, ["张三"]) == ["提示", "请输入"]


def test_the_most_used_pages_show_no_chinese_but_data_in_english(client, world, settings, db):
    settings.MEDIA_ROOT = world["media"]
    found = {}
    for name, obj, role in PAGES:
        client.force_login(world["users"][role], backend="django.contrib.auth.backends.ModelBackend")
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        url = reverse(name, args=[world["a"].obj[obj].pk] if obj else [])
        response = client.get(url)
        assert response.status_code == 200, (name, role, response.status_code)
        assert response["Content-Language"] == "en"
        left = chinese_outside_data(response.content.decode(), world["data"])
        if left:
            found[f"{role} {name}[{obj or ''}]"] = sorted(set(left))
    report = "\n".join(f"{page}: {texts}" for page, texts in found.items())
    assert not found, "Chinese UI text on English pages:\n" + report
