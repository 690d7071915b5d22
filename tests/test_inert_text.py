"""Text from the data is inert everywhere it is shown (issue 10, section 5).

Links in Markdown, ``javascript:`` and ``data:`` URLs and raw HTML attributes
placed in the data must come out of every notebook, page, handout and figure
as text, never as a live link or attribute.
"""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pandas as pd
import pytest

from aseanai.display import md, table
from conftest import REPO, find_row, set_cell

POISON = {
    "md_link": "[click](javascript:alert(1))",
    "md_image": "![pic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "autolink": "<javascript:alert(1)>",
    "html_link": '<a href="data:text/html,alert(1)">here</a>',
    "attribute": '" onmouseover="alert(1)" data-x="',
    "img_attr": "<img src=x onerror=alert(1)>",
}


class _Tags(HTMLParser):
    """Every tag and attribute of a page (or SVG), to look for live links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.links: list[str] = []
        self._in_a = False

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
        self._in_a = tag == "a" or self._in_a

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_a = False

    def handle_data(self, data):
        if self._in_a:
            self.links.append(data)


def _dangerous(text: str) -> list[str]:
    p = _Tags()
    p.feed(text)
    bad = []
    for tag, k, v in p.attrs:
        low = v.strip().lower()
        if low.startswith("javascript:") or "alert(" in low or low.startswith("data:text/html"):
            bad.append(f"<{tag} {k}={v[:60]!r}>")
        if k in ("onmouseover", "onerror") and tag != "script":
            bad.append(f"<{tag} {k}=...>")
    bad += [f"link text {t!r}" for t in p.links if t.strip() in ("click", "pic", "here")]
    return bad


@pytest.mark.parametrize("name", sorted(POISON))
def test_md_cannot_carry_a_link_or_markup(name):
    text = POISON[name]
    rendered = _nbconvert_markdown(md(f"The evidence: {text}").data)
    assert _dangerous(rendered) == [], rendered
    assert "<a" not in rendered and "<img" not in rendered
    assert text in _text_of(rendered), rendered  # shown as written


def test_the_detector_finds_live_links():
    # control for the checks above and below: what a bug would produce is caught
    assert _dangerous(_nbconvert_markdown(POISON["md_link"]))  # nbconvert's renderer keeps javascript: links
    assert _dangerous(POISON["html_link"]) and _dangerous(POISON["img_attr"])
    assert _dangerous(f'<td title="{POISON["attribute"]}">')


def _nbconvert_markdown(text: str) -> str:
    """Markdown to HTML as nbconvert renders a notebook's Markdown output for pages and handouts."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def _text_of(html: str) -> str:
    chunks = []

    class T(HTMLParser):
        def handle_data(self, data):
            chunks.append(data)

    T(convert_charrefs=True).feed(html)
    return "".join(chunks)


@pytest.mark.parametrize("name", sorted(POISON))
def test_reader_tables_show_data_text_as_text(name):
    t = table(pd.DataFrame({"evidence": [POISON[name]]}))
    html = t._repr_html_()
    assert _dangerous(html) == [], html
    assert POISON[name] in _text_of(html)


def test_every_page_handout_and_figure_keeps_data_text_inert(data_copy, tmp_path):
    from aseanai.build import build

    claims = data_copy / "claims.csv"
    shown = find_row(claims, verdict="contradicted")  # in Table 0.2 of the overview
    set_cell(claims, "evidence", " ".join(POISON[k] for k in ("md_link", "md_image", "autolink")), row=shown)
    set_cell(claims, "quote", " ".join(POISON[k] for k in ("html_link", "attribute", "img_attr")), row=shown)
    set_cell(data_copy / "agreements.csv", "short_name", POISON["md_link"], row=6)  # the ASEAN-China MoU
    out = tmp_path / "build"
    build(out, data_dir=data_copy, notebooks=[REPO / "notebooks" / "00_overview.ipynb",
                                              REPO / "notebooks" / "01_partner_diversity.ipynb"],
          jobs=2, stream=io.StringIO())
    outputs = [p for p in out.rglob("*") if p.suffix in (".html", ".svg")]
    assert any(p.suffix == ".svg" for p in outputs) and any(p.parent.name == "handouts" for p in outputs)
    seen = 0
    for page in outputs:
        text = page.read_text(encoding="utf-8")
        assert _dangerous(text) == [], f"{page.relative_to(out)}: {_dangerous(text)[:3]}"
        seen += sum(_text_of(text).count(POISON[k]) for k in ("md_link", "attribute"))
    assert seen >= 2  # the text is there, as text
