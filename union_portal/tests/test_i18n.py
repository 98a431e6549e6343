"""English UI: the catalog is complete and the pages render in English once the user picks it.

The msgids are Chinese (LANGUAGE_CODE is zh-hans); ``locale/en/LC_MESSAGES/django.po`` holds the English.
``make test`` compiles the .mo first; these tests compile it themselves when it is missing or older than the .po.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|\{[^{}]*\}")

# Every test of this module runs in one xdist worker, so only one process compiles the catalog.
pytestmark = pytest.mark.xdist_group("i18n")


def _reset_translation_caches():
    """Drop Django's loaded catalogs so a freshly compiled .mo is read (what the autoreloader does)."""
    import gettext

    from asgiref.local import Local
    from django.utils.translation import trans_real

    gettext._translations = {}
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        call_command(
            "compilemessages",
            locale=["en"],
            ignore_patterns=[".venv", "out", "staticfiles", "node_modules"],
            verbosity=0,
        )
        _reset_translation_caches()
    assert MO.exists(), "compilemessages did not produce locale/en/LC_MESSAGES/django.mo"


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """A small PO reader: entries with msgctxt/msgid/msgid_plural/msgstr/msgstr[n] and flags."""
    entries, cur, field = [], None, None

    def flush():
        if cur is not None and "msgid" in cur:
            entries.append(cur)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            cur, field = None, None
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not used
        if cur is None:
            cur = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            cur["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if m:
            keyword, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                cur["msgstr"][field[1]] = value
            else:
                field = (keyword, None)
                cur[keyword] = value
            continue
        assert line.startswith('"'), f"unexpected line in {path.name}: {raw!r}"
        if field[0] == "msgstr":
            cur["msgstr"][field[1]] += _unquote(line)
        else:
            cur[field[0]] += _unquote(line)
    flush()
    return entries


def test_po_file_translates_every_message():
    entries = [e for e in parse_po(PO) if e["msgid"]]
    assert len(entries) > 500, "the English catalog looks truncated"
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"].values()) or not e["msgstr"]]
    assert untranslated == [], f"untranslated msgids: {untranslated[:20]}"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == [], f"fuzzy (unchecked) translations: {fuzzy[:20]}"
    plural_forms = [e["msgid"] for e in entries if "msgid_plural" in e and sorted(e["msgstr"]) != [0, 1]]
    assert plural_forms == [], f"plural entries without both English forms: {plural_forms}"


def test_po_file_keeps_every_placeholder():
    wrong = []
    for e in parse_po(PO):
        if not e["msgid"]:
            continue
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for s in e["msgstr"].values():
            if sorted(PLACEHOLDER.findall(s)) != wanted:
                wrong.append((e["msgid"], s))
    assert wrong == []


def test_gettext_returns_english():
    with translation.override("en"):
        assert translation.gettext("工作台") == "Dashboard"
        assert translation.gettext("会员名册") == "Member roster"
        assert translation.ngettext("共 %(n)s 人", "共 %(n)s 人", 1) % {"n": 1} == "1 staff member"
        assert translation.ngettext("共 %(n)s 人", "共 %(n)s 人", 3) % {"n": 3} == "3 staff members"
    with translation.override("zh-hans"):
        assert translation.gettext("工作台") == "工作台"


def test_login_page_renders_in_english(client, db):
    # English is chosen with the login page's switch (its cookie); the browser's Accept-Language alone
    # no longer decides (issue 17: a Chinese teacher with an English browser gets the site's language).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "School Union Portal" in html
    assert "Password" in html
    assert "Log in" in html
    assert "学校工会工作平台" not in html
    assert "密码" not in html


def test_home_page_renders_in_english_after_choosing_it_in_the_navbar(client, chair):
    client.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")
    # The navbar's language form posts to set_language.
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    for label in ("Dashboard", "Member roster", "Welfare outreach", "Staff congress", "Log out", "Language"):
        assert label in html, label
    for label in ("工作台", "会员名册", "送温暖", "退出登录"):
        assert label not in html, label
    # And back to Chinese.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert "工作台" in html and "退出登录" in html
