"""The Content-Security-Policy: every HTML page carries it, strict, and nothing on a page needs it loosened.

The pages are those of the permission matrix (every URL, with the matrix's world objects), requested
with GET as three roles that between them reach every page (the chair, a plain member, the district
chair) and anonymously. Every HTML answer must carry a ``Content-Security-Policy`` header that allows
scripts and styles only from this site (no ``'unsafe-inline'``, no ``'unsafe-eval'``), and its markup
must need nothing more: no ``<script>`` with a body (``json_script`` data islands excepted), no
``on*=`` handler, no ``<style>`` block, no ``style=""`` attribute and no ``javascript:`` URL. A
template that breaks this would be blocked in the browser; this test says which page and which tag.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .matrix_runner import ServerError, request, role_clients
from .test_permission_matrix import _rows, _url, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.xdist_group("permission_matrix")

ROOT = Path(__file__).resolve().parents[2]
ASKED_AS = ("anon", "member", "chair", "district")


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block in one HTML page (tag and attribute, as found)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_open = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.found.append(f"<{tag} style=…>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style> block")
        self._script_open = tag == "script" and "src" not in names and names.get("type") != "application/json"

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_open = False

    def handle_data(self, data):
        if self._script_open and data.strip():
            self.found.append("<script> with a body")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def test_the_finder_sees_every_kind_of_inline_part():
    html = (
        '<a href="javascript:alert(1)">x</a><div style="color:red" onclick="f()"></div><style>p{}</style>'
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script id="d" type="application/json">{"a": 1}</script>'
    )
    assert inline_parts(html) == [
        "<a href=javascript:…>", "<div style=…>", "<div onclick=…>", "<style> block", "<script> with a body",
    ]
    assert inline_parts("<p>onclick=&quot;x&quot; style=&lt;b&gt;</p>") == []  # text, not markup


@pytest.mark.django_db
def test_every_html_page_has_a_strict_csp_and_needs_nothing_inline(world):  # noqa: F811
    clients = role_clients({role: world["users"][role] for role in ASKED_AS if role != "anon"})
    school = world["a"]
    pages, problems = 0, []
    for key, route in _rows():
        url = _url(key, route, school)
        for role in ASKED_AS:
            response = request(clients[role], "GET", url)
            if isinstance(response, ServerError) or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            rules = policy(response)
            if not rules:
                problems.append(f"{key} as {role}: no Content-Security-Policy header ({url})")
                continue
            for directive in ("script-src", "style-src"):
                sources = rules.get(directive) or rules.get("default-src", [])
                loose = [s for s in sources if s in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:")]
                if loose or not sources:
                    problems.append(f"{key} as {role}: {directive} {' '.join(sources)} ({url})")
            if response.status_code == 200:
                problems += [f"{key} as {role}: {part} ({url})"
                             for part in sorted(set(inline_parts(response.body.decode("utf-8", "replace"))))]
    assert pages > 150, f"only {pages} HTML pages were checked: is the world empty?"
    assert not problems, "\n".join(problems[:40])


def test_no_template_served_to_a_browser_has_inline_script_or_style():
    """The templates themselves (also pages the matrix cannot reach, e.g. the 500 page).

    ``congress/compilation.html`` is exempt: it is rendered only for WeasyPrint (the PDF of the
    提案汇编), never sent to a browser, and may carry its print CSS.
    """
    pdf_only = {"congress/compilation.html"}
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name in pdf_only:
            continue
        # Template tags inside attribute values confuse no HTML parser, but {% %} inside a tag does: drop them.
        text = re.sub(r"\{%.*?%\}", "", path.read_text(encoding="utf-8"))
        problems += [f"{name}: {part}" for part in sorted(set(inline_parts(text)))]
    assert not problems, "\n".join(problems)
