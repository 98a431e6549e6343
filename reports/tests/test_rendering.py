"""The shared HTML → PDF renderer: GB/T layout, embedded CJK fonts, a fetcher that reads nothing foreign."""

import io

import pytest
from pypdf import PdfReader

from union_portal.lib.pdf import html_to_pdf, resolve_local, url_fetcher


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


def test_pdf_embeds_cjk_fonts_and_text_is_extractable():
    html = (
        "<html lang='zh-CN'><body><h1>凝心聚力 助推发展</h1><h2>一、民主管理</h2><h3>（一）教代会</h3>"
        "<p>全年走访慰问教职工131人次。</p>" + "<p>工会工作。</p>" * 40 + "</body></html>"
    )
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "全年走访慰问教职工131人次" in text
    assert "— 1 —" in text and "— 2 —" in text
    fonts = _fonts(reader)
    assert any("Serif-CJK" in f for f in fonts), fonts  # body 仿宋 fallback
    assert any("Sans-CJK" in f for f in fonts), fonts  # 一、 黑体
    assert all("DejaVu" not in f for f in fonts), fonts  # never a Latin font standing in for 仿宋
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://portal.invalid/static/../../../etc/passwd",
        "https://portal.invalid/media/../../etc/passwd",
        "https://other.host/static/css/portal.css",
        "ftp://example.com/x",
    ],
)
def test_fetcher_refuses_foreign_urls(url):
    assert resolve_local(url) is None


def test_fetcher_serves_project_static_files():
    path = resolve_local("https://portal.invalid/static/portal/gbt9704.css")
    assert path is not None and path.name == "gbt9704.css"
    same_host = resolve_local("http://127.0.0.1:8104/static/css/portal.css", base_url="http://127.0.0.1:8104/")
    assert same_host is not None


def test_markup_cannot_read_local_files_or_network():
    fetcher = url_fetcher()
    html = (
        "<p>x</p><img src='file:///etc/passwd'><img src='http://127.0.0.1:9/x.png'>"
        "<link rel='stylesheet' href='file:///etc/passwd'><iframe src='file:///etc/hostname'></iframe>"
    )
    pdf = html_to_pdf(html, fetcher=fetcher)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "root:" not in text
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://127.0.0.1:9/x.png" in fetcher.refused
