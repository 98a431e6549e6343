"""PDF layout rules of the GB/T stylesheet: a table's caption never sits alone at a page foot."""

import io

from pypdf import PdfReader

from union_portal.lib.pdf import html_to_pdf

ROWS = "".join(f"<tr><td class='text'>行{i}</td><td class='num'>{i}</td></tr>" for i in range(12))


def _pages(paragraphs: int) -> list[str]:
    body = "".join(f"<p>第{i}段正文正文正文正文正文正文正文正文正文正文正文正文。</p>" for i in range(paragraphs))
    html = (f"<html><body>{body}<table class='data'><caption>表题甲</caption><thead><tr><th>项目</th><th>数值</th>"
            f"</tr></thead><tbody>{ROWS}</tbody></table></body></html>")  # fmt: skip
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(html_to_pdf(html))).pages]


def test_caption_stays_with_the_first_rows_of_its_table():
    # Walk the table's start down the first page so that, for one of these lengths, only the
    # caption would fit at the foot of page 1 (10 paragraphs with the free fonts).
    for paragraphs in range(8, 13):
        pages = _pages(paragraphs)
        captioned = [i for i, text in enumerate(pages) if "表题甲" in text]
        first_row = [i for i, text in enumerate(pages) if "行0" in text]
        assert captioned == first_row[:1], (paragraphs, captioned, first_row)
