"""The quick test before a page's links are parsed for its following pages: the stem of the
page's name found in the bytes, followed by a page number.  It answers as the search with a
pattern made of the stem (as it was written before) on any bytes."""
from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.read.pagebar import _stem_numbered, may_link_following_pages

# a small alphabet, so that stems, separators and digits meet often
BYTES = st.binary(max_size=40).map(lambda b: bytes(b"a0_- \t\n2"[x % 8] for x in b))
STEMS = st.binary(min_size=1, max_size=4).map(lambda b: bytes(b"a0_"[x % 3] for x in b))


def by_pattern(body: bytes, stem: bytes) -> bool:
    return re.search(re.escape(stem) + rb"\s*[_-]\s*[1-9]", body) is not None


@settings(max_examples=2000, deadline=None)
@given(BYTES, STEMS)
@example(b"aaa_2", b"aa")  # the stem found again inside its first finding
@example(b"0_0_0-\t3", b"0_")
def test_the_stem_search_answers_as_a_pattern_of_the_stem(body, stem):
    assert _stem_numbered(body, stem) == by_pattern(body, stem)


def test_a_page_that_names_its_second_page_may_link_it_and_another_does_not():
    page = b'<div class="pages"><a href="bench0000012.shtml">1</a> <a href="bench0000012_2.shtml">2</a></div>'
    assert may_link_following_pages(page, "http://x.cn/a/bench0000012.shtml")
    assert not may_link_following_pages(page, "http://x.cn/a/bench0000013.shtml")
    assert not may_link_following_pages(page.replace(b"_2", b"_0"), "http://x.cn/a/bench0000012.shtml")
