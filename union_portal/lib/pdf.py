"""HTML → PDF for the whole portal: WeasyPrint, GB/T 9704 layout, a locked-down URL fetcher.

Every PDF the portal makes (the annual work report, the congress's 提案汇编, any other printable
document) goes through :func:`html_to_pdf`, so they all share one layout and one security rule.

How other apps use it
---------------------
Render a template to a string, then convert it::

    from django.template.loader import render_to_string
    from union_portal.lib.pdf import html_to_pdf

    html = render_to_string("congress/proposal_book.html", {"proposals": proposals})
    pdf_bytes = html_to_pdf(html)
    response = HttpResponse(pdf_bytes, content_type="application/pdf")

The template may extend ``gbt9704_base.html`` (blocks ``title`` and ``body``), or be any
HTML document. The GB/T 9704 stylesheet (``union_portal/lib/static/portal/gbt9704.css``) is always applied
first, so plain markup comes out right; the document's own ``<style>`` or linked stylesheets can
add to it. The classes and elements the stylesheet styles:

- ``<h1>`` or ``.doc-title``: the 22 pt 小标宋 title, centred; ``.doc-subtitle`` (——XX学校工会…),
  ``.doc-meta``/``.doc-date``/``.doc-speaker`` (楷体, centred); wrap them in ``.doc-head``.
- ``<p>``: body text, 16 pt 仿宋, two-character first-line indent, 28.9 pt lines.
  ``.salutation`` (no indent, e.g. "各位代表、同志们：") and ``.signature`` (right-aligned).
- ``<h2>`` = 一、 level (黑体); ``<h3>`` = （一） level (楷体); ``<h4>``/``<h5>`` = 1. and （1） (仿宋).
  The numbering is part of the heading text: write ``<h2>一、民主管理</h2>``.
- ``<table>`` (with ``<thead>``, repeated on every page; rows never split), ``td.num`` right-aligned,
  ``td.text`` left-aligned; ``<figure>`` with an inline ``<svg>`` and ``<figcaption>`` stays whole.
- ``.cover`` (a cover page without a page number) and ``.toc`` (a table of contents whose
  ``<a href="#id">`` links get dotted leaders and page numbers).
- ``.no-print`` elements are hidden.

Page numbers "— 1 —" (14 pt) sit under the text block, odd pages right, even pages left.

Fonts: the commercial 仿宋_GB2312 / 方正小标宋 / 黑体 / 楷体_GB2312 are used when installed; otherwise
FandolFang (a free 仿宋, GPL, from CTeX's Fandol family) for body text when fontconfig knows it, then
Noto Serif CJK SC (仿宋, 小标宋 bold), Noto Sans CJK SC (黑体) and AR PL UKai CN or LXGW WenKai (楷体).
FandolFang is not installed by ``make deps``: Debian ships it only in ``texlive-lang-chinese``, which
pulls 22 packages and about 265 MB (Installed-Size of the TeX Live base, binaries and CJK fonts) for a
7 MB font, and TeX Live's fonts are not registered with fontconfig anyway. To use it without TeX Live::

    apt-get download texlive-lang-chinese          # 49 MB .deb, not installed
    dpkg-deb -x texlive-lang-chinese_*.deb /tmp/tl
    install -D -m 644 /tmp/tl/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf \
        /usr/local/share/fonts/fandol/FandolFang-Regular.otf && fc-cache

and restart the workers (the font list is read once per process).
WeasyPrint embeds (subsets) every font it uses. ``reports.checks`` warns when no CJK font is found.

Security
--------
The HTML may contain text users typed. Escape it in the template as usual (Django autoescaping);
on top of that, :class:`PortalURLFetcher` refuses every URL except the project's own static files
(``STATIC_URL``) and media files (``MEDIA_URL``), which it reads straight from disk, plus inline
``data:`` URIs. ``file://`` anywhere else, ``http(s)://`` to any host, and path traversal are refused,
so no markup can make WeasyPrint read a local file or touch the network. Relative URLs resolve
against ``base_url`` (default: a placeholder origin that never reaches the network).

Performance: the stylesheet and WeasyPrint's font configuration are parsed once per process
(per thread) and reused, so a warm Celery worker renders faster than a cold one.
"""

from __future__ import annotations

import functools
import mimetypes
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

#: Origin used for relative URLs when the caller gives no base_url. Never contacted.
DEFAULT_BASE_URL = "https://portal.invalid/"
GBT9704_CSS = Path(__file__).resolve().parent / "static" / "portal" / "gbt9704.css"

_local = threading.local()


def _url_prefix(setting: str) -> str:
    value = getattr(settings, setting, "") or ""
    path = urlsplit(value).path if "://" in value else value
    return "/" + path.strip("/") + "/"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] if getattr(settings, "STATIC_ROOT", None) else []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, (tuple, list)) else entry))
    from django.apps import apps

    for config in apps.get_app_configs():
        roots.append(Path(config.path) / "static")
    return roots


def resolve_local(url: str, *, base_url: str = DEFAULT_BASE_URL) -> Path | None:
    """Map a URL to a file among the project's static or media files, or None if not allowed."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    path_text = unquote(parts.path)
    if "\x00" in path_text:
        return None
    if scheme == "file":
        candidate = Path(path_text)
        allowed = [*_static_roots(), Path(settings.MEDIA_ROOT)]
        if candidate.is_file() and any(_inside(candidate, root) for root in allowed):
            return candidate.resolve()
        return None
    if scheme in ("http", "https"):
        base = urlsplit(base_url)
        if (scheme, parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
            return None
        static_prefix, media_prefix = _url_prefix("STATIC_URL"), _url_prefix("MEDIA_URL")
        if path_text.startswith(static_prefix):
            relative = path_text[len(static_prefix) :]
            if ".." in Path(relative).parts:
                return None
            found = finders.find(relative)
            if not found:
                root = Path(settings.STATIC_ROOT) / relative
                found = str(root) if root.is_file() else None
            if found and any(_inside(Path(found), r) for r in _static_roots()):
                return Path(found).resolve()
            return None
        if path_text.startswith(media_prefix):
            root = Path(settings.MEDIA_ROOT)
            candidate = root / path_text[len(media_prefix) :]
            if candidate.is_file() and _inside(candidate, root):
                return candidate.resolve()
        return None
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        """Serves only the project's static and media files (and data: URIs); refuses the rest."""

        def __init__(self, base_url: str = DEFAULT_BASE_URL, **kwargs):
            super().__init__(allowed_protocols=("data", "file", "http", "https"), **kwargs)
            self.base_url = base_url
            self.refused: list[str] = []

        def fetch(self, url, headers=None):  # noqa: ARG002 (signature fixed by WeasyPrint)
            if url.lower().startswith("data:"):
                return super().fetch(url)
            path = resolve_local(url, base_url=self.base_url)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"refused by the portal URL fetcher: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return PortalURLFetcher


def url_fetcher(base_url: str = DEFAULT_BASE_URL):
    """A fresh restricted fetcher (its ``refused`` list records what it turned down)."""
    return _fetcher_class()(base_url=base_url)


GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit"}


@functools.cache
def installed_font_families() -> frozenset[str] | None:
    """Family names fontconfig knows (lower-cased), or None when fc-list is unavailable."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    try:
        out = subprocess.run(  # noqa: S603 (fixed arguments)
            [fc_list, "--format", "%{family}\\n"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip().lower() for line in out.splitlines() for name in line.split(",") if name.strip())


def cjk_fonts_available() -> list[str]:
    """The free or commercial CJK families the stylesheet can use that are installed."""
    families = installed_font_families() or frozenset()
    wanted = ["Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "LXGW WenKai", "FandolFang", "FangSong",
              "仿宋_GB2312", "SimHei", "KaiTi"]
    return [name for name in wanted if name.lower() in families]


def usable_stylesheet(css_text: str) -> str:
    """Drop font families that are not installed from every ``font-family`` list.

    fontconfig answers an unknown family (仿宋_GB2312 on a Debian server) with DejaVu Sans, which
    would win over the CJK fallback further down the list; keeping only installed names makes the
    first installed font of each stack the one actually used.
    """
    families = installed_font_families()
    if families is None:
        return css_text

    def keep(match: re.Match) -> str:
        names = [n.strip() for n in match.group(2).split(",")]
        kept = [n for n in names if n.strip("\"'").lower() in families or n.strip("\"'").lower() in GENERIC_FAMILIES]
        return f"{match.group(1)}{', '.join(kept or names)}"

    return re.sub(r"(font-family:\s*)([^;}]+)", keep, css_text)


def _shared():
    """Per-thread FontConfiguration and parsed GB/T stylesheet (kept warm across renders)."""
    if getattr(_local, "css", None) is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
        _local.css = CSS(
            string=usable_stylesheet(GBT9704_CSS.read_text(encoding="utf-8")),
            font_config=_local.fonts,
            url_fetcher=url_fetcher(),
        )
    return _local.fonts, _local.css


def html_to_pdf(html: str, *, base_url: str | None = None, gbt9704: bool = True, fetcher=None) -> bytes:
    """Render an HTML document to PDF bytes with the GB/T 9704 layout.

    ``base_url`` resolves relative URLs (give ``request.build_absolute_uri("/")`` when the HTML was
    rendered for a request, so absolute links to this site's static files also resolve locally).
    ``gbt9704=False`` skips the shared stylesheet. ``fetcher`` lets a test inspect refused URLs.
    Control and bidi-override characters are removed first (``text.export_text``): stored text
    must never change how an official document reads.
    """
    from weasyprint import HTML

    from .text import export_text

    html = export_text(html)

    base = base_url or DEFAULT_BASE_URL
    fonts, css = _shared()
    document = HTML(string=html, base_url=base, url_fetcher=fetcher or url_fetcher(base))
    return document.write_pdf(stylesheets=[css] if gbt9704 else [], font_config=fonts)
