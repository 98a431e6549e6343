"""Enumerating the project's URLs and requesting them as each role (helpers of test_permission_matrix.py)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Routes left out of the matrix, each with the reason.
EXCLUDED_NAMESPACES = {
    "admin": "Django's own admin: staff-only (is_staff), guarded by django.contrib.admin, not by portal roles.",
    "djdt": "django-debug-toolbar: only mounted with DEBUG_TOOLBAR=on in development.",
}
EXCLUDED_NAMES = {
    "set_language": "django.conf.urls.i18n: switches the interface language, open to everyone by design.",
    "password_reset_confirm": "Django's reset link: open to everyone by design, guarded by the signed one-use token "
    "in the URL (members/tests/test_accounts.py covers valid and invalid links).",
}
EXCLUDED_PREFIXES = {
    "static/": "static files are served by WhiteNoise, not by URL patterns.",
    "media/": "uploads are never served directly: every file goes through a permission-checked view.",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" (or "name" at the root)
    pattern: str  # the route as written, e.g. "members/<int:pk>/edit/"
    params: tuple[str, ...]  # the URL keyword arguments


def walk(resolver=None, prefix="", namespace=None):
    """Every named URL pattern under ``resolver`` (recursively), as ``Route``; excluded ones skipped."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            full_ns = ":".join(p for p in (namespace, ns) if p) or None
            yield from walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            if entry.name in EXCLUDED_NAMES or any(prefix.startswith(p) for p in EXCLUDED_PREFIXES):
                continue
            route = prefix + str(entry.pattern)
            if entry.name is None:
                raise AssertionError(f"URL pattern {route!r} has no name: give it one so the matrix can cover it.")
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, route, tuple(re.findall(r"<(?:\w+:)?(\w+)>", route)))


def all_routes() -> list[Route]:
    return sorted(set(walk()), key=lambda r: r.name)


def role_clients(users: dict) -> dict[str, Client]:
    clients = {"anon": Client()}
    for role, user in users.items():
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients[role] = c
    return clients


def request(client: Client, method: str, url: str, data: dict | None = None):
    """One request inside a savepoint that is rolled back, so the world stays as built.

    The client's cookies are restored too (a logout or a login must not change who asks next).
    """
    saved = SimpleCookie()
    saved.load(client.cookies.output(header="", sep=";"))
    try:
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data or {})
            response.body = (b"".join(response.streaming_content) if response.streaming
                             else response.content)
            transaction.set_rollback(True)
    except Exception as exc:  # the test client re-raises a view's exception: that is a 500
        response = ServerError(f"{method} {url}: {type(exc).__name__}: {exc}")
    client.cookies = saved
    return response


@dataclass
class ServerError:
    """A request that raised (would answer 500), with what it raised."""

    detail: str
    status_code: int = 500


def outcome(response) -> str:
    """The answer as one token: "200", "403", "404", "405", "L" (302 to login), "R" (another redirect)."""
    code = response.status_code
    if code in (301, 302, 303):
        return "L" if response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL) else "R"
    return str(code)


def text_of(response) -> str:
    """The readable text of a response: HTML/JSON as is, the cells of an xlsx, the text of a PDF."""
    body = getattr(response, "body", b"")
    kind = response.get("Content-Type", "") if hasattr(response, "get") else ""
    if "spreadsheetml" in kind or body[:2] == b"PK" and "xlsx" in response.get("Content-Disposition", ""):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    if body[:5] == b"%PDF-" and len(body) > 1000:  # (the world's attachment is a 13-byte stand-in)
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")
