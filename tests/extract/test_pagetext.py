"""PageText (the page's text read from libxslt's marked text with numpy) against a plain walk over
the tree written for these tests, on generated markup: every element's lines, link shares and text,
the headline candidates and the body votes, in order."""
from __future__ import annotations

import threading
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.extract import marked, pagetables, pagetext
from pipeline.extract.body import parse_page, strip_tags
from pipeline.extract.marked import BLOCK_TAGS, HEADING_TAGS
from pipeline.extract.pagetext import BREAK, CLIMB_TAGS, PageText, clean_text
from pipeline.text import count_han


class Reference:
    """The text of a tree by a recursive walk: text pieces with their <a> depth and the block that
    holds them, BREAKs where blocks start and end and at <br>, and each element's pieces."""

    def __init__(self, root):
        self.pieces: list[tuple[str, int, object]] = []  # (text or BREAK, <a> depth, holding block)
        self.spans: dict = {}
        self._walk(root, 0, None)

    def _walk(self, node, depth: int, block) -> None:
        start, around = len(self.pieces), depth
        if node.tag in BLOCK_TAGS:
            self.pieces.append((BREAK, 0, None))
            block = node
        elif node.tag == "br":
            self.pieces.append((BREAK, 0, None))
        elif node.tag == "a":
            depth += 1
        if node.text:
            self.pieces.append((node.text, depth, block))
        for child in node:
            if isinstance(child.tag, str):
                self._walk(child, depth, block)
            if child.tail:
                self.pieces.append((child.tail, depth, block))
        if node.tag in BLOCK_TAGS:
            self.pieces.append((BREAK, 0, None))
        self.spans[node] = (start, len(self.pieces), around)

    def lines(self, el) -> list[tuple[str, float]]:
        start, end, around = self.spans[el]
        texts = "".join(text for text, _, _ in self.pieces[start:end]).split(BREAK)
        link = defaultdict(int)
        line = 0
        for text, depth, _ in self.pieces[start:end]:
            if text == BREAK:
                line += 1
            elif depth > around:
                link[line] += len(clean_text(text))
        return [(clean_text(t), min(1.0, link[i] / max(1, len(clean_text(t))))) for i, t in enumerate(texts)
                if clean_text(t)]

    def text_content(self, el) -> str:
        start, end, _ = self.spans[el]
        return "".join(text for text, _, _ in self.pieces[start:end] if text != BREAK)

    def scores(self) -> dict:
        held: dict = {}
        for text, depth, block in self.pieces:
            if text != BREAK and block is not None:
                held.setdefault(block, []).append((text, depth))
        scores: dict = defaultdict(float)
        for block, pieces in held.items():  # in the order of their first text
            raw = "".join(text for text, _ in pieces)
            link = sum(len(text) for text, depth in pieces if depth)
            if len(raw) < 10 or link > 0.5 * len(raw) or count_han(raw) < 10:
                continue
            text = clean_text(raw)
            if link > 0.5 * len(text):
                continue
            holder = block
            while holder.tag in CLIMB_TAGS and holder.getparent() is not None:
                holder = holder.getparent()
            scores[holder] += count_han(raw) + 3 * (text.count("，") + text.count("。") + text.count(","))
        return dict(scores)


TAGS = ["div", "p", "td", "tr", "table", "li", "ul", "h1", "h2", "center", "span", "font", "b", "em", "a", "a",
        "br", "strong", "section", "form"]
PIECES = ["联镇村促发展", "联", "增长", "，", "。", ",", "项目总投资12.5亿元", " ", "\n", "\u3000", "\xa0", "\u200b", "&nbsp;",
          "abc", "\x80", "&#128;", "\ufdd0"]
texts = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


def _element(children: list[str], tag: str, closed: bool, attribute: str) -> str:
    return f"<{tag}{attribute}>" + "".join(children) + (f"</{tag}>" if closed else "")


markup = st.recursive(
    texts,
    lambda inner: st.builds(_element, st.lists(inner, max_size=5), st.sampled_from(TAGS), st.booleans(),
                            st.sampled_from(["", ' class="title"', ' style="display:none"', " hidden", ' href="x"'])),
    max_leaves=40,
)


def _check(html: str) -> None:
    source = "<html><body>" + html + "</body></html>"
    doc = parse_page(source)
    strip_tags(doc)
    ref = Reference(doc)
    headings = [(el, clean_text(ref.text_content(el))) for el in doc.iter(*HEADING_TAGS)]
    # with the elements listed first, and found when asked for (the source does not hold the marker
    # and the page has more elements than are listed at once)
    listed = pagetext.LIST_UP_TO
    try:
        pagetext.LIST_UP_TO = -1
        pages = (PageText(doc), PageText(doc, source))
    finally:
        pagetext.LIST_UP_TO = listed
    for page in pages:
        assert list(page.scores.items()) == list(ref.scores().items())
        assert page.heading_texts(4, 100) == [(el, t) for el, t in headings if 4 <= len(t) <= 100]
        for number, el in enumerate(doc.iter(etree.Element)):
            assert page.lines(el) == ref.lines(el)
            assert page.line_texts(el) == [text for text, _ in ref.lines(el)]
            assert page.text_content(el) == ref.text_content(el)
            assert page.element(number) is el and page.index(el) == number


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup)
def test_page_text_reads_the_tree_as_a_plain_walk_does(html):
    _check(html)


def test_a_block_that_is_mostly_link_text_once_its_spaces_are_collapsed_does_not_vote():
    # 11 characters of link text in 30 (at most half), but in 19 once cleaned (more than half)
    html = "<div><a href=x>联镇村促发展增长联镇村</a>   联   镇   村   促   </div>"
    _check(html)
    doc = parse_page(html)
    strip_tags(doc)
    assert PageText(doc).scores == {}


def test_a_page_whose_text_holds_the_marker_is_read_with_another():
    html = "<div><p>联镇村\x80B促发展，项目总投资12.5亿元。\x80b</p><p>" + "全市经济增长。" * 3 + "</p></div>"
    _check(html)
    doc = parse_page(html)
    assert PageText(doc).mark != pagetext.MARK


def test_the_python_walk_writes_what_the_stylesheet_writes():
    html = ("<div>甲<p>乙<a href=x>丙<b>丁</b>戊</a><br>己</p>庚<span>辛<font>壬</font></span>"
            "<table><tr><td>癸</td></tr></table></div>")
    doc = parse_page(html)
    assert marked._marked_by_walk(doc, marked.MARK) == str(marked._stylesheet(marked.MARK)(doc))


def test_a_deep_tree_is_read_in_a_thread_with_a_small_stack():
    # libxslt recurses per level: 1,500 levels need more than 512 KB of stack (the parser keeps
    # up to 2,047); in a thread other than the main one the depth is checked and the tree walked in Python.
    html = "<div>" * 1500 + "<p>联镇村促发展，联企业促增长。</p>" + "</div>" * 1500
    doc = parse_page(html)
    found = []
    size = threading.stack_size(512 * 1024)
    try:
        thread = threading.Thread(target=lambda: found.append(PageText(doc).line_texts(doc)))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(size)
    assert found == [PageText(doc).line_texts(doc)] == [["联镇村促发展，联企业促增长。"]]


def test_the_counts_before_an_offset_are_the_same_packed_and_for_texts_too_long_to_pack():
    """The three counts (no white space, Han, vote punctuation) are summed packed in one integer
    when no count can reach the next field, column by column otherwise."""
    import numpy as np

    rng = np.random.default_rng(7)
    alphabet = np.array([ord(c) for c in "联镇村 促发展，。,\u3000\xa0ab1%（）\n𠀀"], dtype=np.uint32)
    han = np.array([ord(c) for c in "联镇村促发展"], dtype=np.uint32)  # every character counts twice
    for size, letters in ((0, alphabet), (1, alphabet), (50, alphabet), (pagetables._FIELD + 3, han)):
        text = letters[rng.integers(0, len(letters), size)]
        offsets = np.unique(np.concatenate(([0, size], rng.integers(0, size + 1, 40))))
        by_column = pagetables._CHAR_COUNTS.take(text, axis=0, mode="clip").astype(np.int64)
        expected = np.vstack([np.zeros((1, 3), dtype=np.int64), by_column.cumsum(axis=0)])[offsets]
        got = np.stack(pagetables._counts_at(text, offsets), axis=1)
        assert (got == expected).all(), size
