"""A page parsed from its own UTF-8 bytes (``parse_page(text, utf8)``, issue 15 point 2) gives the
tree its text gives, and an XML declaration taken out of the text keeps the bytes out."""
from __future__ import annotations

from lxml import etree

from pipeline.errors import Skip
from pipeline.extract.body import parse_page
from pipeline.extract.decode import decode_html
from pipeline.read.files import iter_raw_pages
from tests.extract.built import REPO


def test_the_page_bytes_give_the_tree_of_the_text():
    compared = 0
    for raw in iter_raw_pages([REPO / "corpora"], 50_000_000):
        if isinstance(raw, Skip):
            continue
        d = decode_html(raw.body, raw.content_type)
        if d.utf8 is None:
            continue
        assert etree.tostring(parse_page(d.text, d.utf8)) == etree.tostring(parse_page(d.text)), raw.location
        compared += 1
    assert compared >= 10


def test_bytes_are_not_used_where_the_text_was_changed_before_parsing():
    # lxml would read the declaration in the bytes and take them for GBK
    text = '<?xml version="1.0" encoding="gbk"?><html><body><p>联镇村促发展</p></body></html>'
    doc = parse_page(text, text.encode("utf-8"))
    assert doc.findtext(".//p") == "联镇村促发展"
    assert parse_page("  ", b"  ") is not None  # (an empty page is parsed as <html></html>)
