"""The marked text written in C (pipeline/extract/_marked.c, built with the compiled HTML stage)
is the string libxslt writes, on every bundled page and on the trees that are hard for a walk.

The suite runs the Python modules (tests/conftest.py), so the extension is loaded here from the
build of the current sources (built first when ``make install`` has not)."""
from __future__ import annotations

import sys
import types

import pytest
from lxml import etree

from pipeline.extract import marked as PT
from pipeline.extract.body import parse_page, strip_tags
from tests.extract.built import built_extension, page_texts


@pytest.fixture(scope="module")
def in_c():
    module = built_extension("_marked")
    assert module.LXML_VERSION == etree.__version__
    return lambda root, mark=PT.MARK: module.marked_text(root, etree._Element, mark.encode("utf-8"), PT._C_LETTERS)


def by_libxslt(root, mark: str) -> str:
    return str(PT._stylesheet(mark)(root))


def _trees() -> list:
    trees = []
    for text in page_texts():
        trees.append(parse_page(text))
        stripped = parse_page(text)
        strip_tags(stripped)
        trees.append(stripped)
    return trees


def test_the_walk_in_c_writes_what_libxslt_writes_on_every_bundled_page(in_c):
    trees = _trees()
    assert len(trees) >= 2 * 60
    for root in trees:
        for mark in (PT.MARK, *PT.OTHER_MARKS):
            assert in_c(root, mark) == by_libxslt(root, mark)
        body = root.find(".//body")
        if body is not None:  # an element inside the tree: its subtree, without its tail
            assert in_c(body) == by_libxslt(body, PT.MARK)


@pytest.mark.parametrize("html", [
    "<p>联镇村<a href=x>促<b>发</b>展</a><br>x</p>尾",
    "<p>甲<!-- 注释 -->乙<?php echo 1 ?>丙</p>",
    "<p>欧元\x80与&#128;</p>",  # the marker character in the page's own text
    "<DIV><P>大写</P><svg:g>命名空间</svg:g><h1></h1><td></td></DIV>",
    "<html></html>",
    "<table><tr><td>一<td>二</table><center>居中</center><font>字</font>",
    "<div>" * 2500 + "深" + "</div>" * 2500,  # deeper than libxslt's safe depth off the main thread
])
def test_the_walk_in_c_writes_what_libxslt_writes_on_hard_trees(in_c, html):
    root = parse_page(html)
    for mark in (PT.MARK, *PT.OTHER_MARKS):
        assert in_c(root, mark) == PT._marked_by_walk(root, mark)
        if "<div>" * 2500 not in html:
            assert in_c(root, mark) == by_libxslt(root, mark)


def test_the_walk_in_c_refuses_what_is_no_lxml_element(in_c):
    with pytest.raises(TypeError, match="not an lxml element"):
        in_c("<p>文字</p>")


def test_the_walk_in_c_is_not_used_with_another_lxml_than_it_was_built_for(monkeypatch):
    other = types.ModuleType("pipeline.extract._marked")
    other.LXML_VERSION = "0.0.1"  # built against another lxml: its element struct may differ
    monkeypatch.setitem(sys.modules, "pipeline.extract._marked", other)
    assert PT._walker_in_c() is None
    other.LXML_VERSION = etree.__version__
    assert PT._walker_in_c() is other
