"""Favicon at the site root and gzip for pages (union_portal.middleware.TextGZipMiddleware)."""

import gzip
import re

import pytest
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse

from union_portal.middleware import TextGZipMiddleware

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_favicon_ico_is_served_at_the_site_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert _body(response)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_pages_link_the_svg_icon_and_it_is_served(client):
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/favicon.ico"' in html
    href = static("favicon.svg")
    assert f'rel="icon" href="{href}" type="image/svg+xml"' in html
    response = client.get(href)
    assert response.status_code == 200 and _body(response).startswith(b"<svg")


def test_a_large_page_is_gzipped_when_the_browser_accepts_it(login, chair):
    client = login(chair)
    plain = client.get(reverse("members:list"))
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    packed = client.get(reverse("members:list"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    html = gzip.decompress(packed.content)
    assert b"</html>" in html and len(packed.content) < len(html) / 2


def test_the_csrf_token_differs_in_every_compressed_page(client):
    tokens = {
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"',
                  gzip.decompress(client.get(reverse("login"), HTTP_ACCEPT_ENCODING="gzip").content)).group(1)
        for _ in range(2)
    }
    assert len(tokens) == 2  # masked per response (BREACH)


def test_already_compressed_downloads_are_passed_through():
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    middleware = TextGZipMiddleware(lambda request: HttpResponse(b"PK" + b"\x00" * 5000, content_type=xlsx))
    response = middleware(RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip"))
    assert "Content-Encoding" not in response and len(response.content) == 5002
    middleware = TextGZipMiddleware(lambda request: HttpResponse("x" * 5000, content_type="application/json"))
    assert middleware(RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip"))["Content-Encoding"] == "gzip"
