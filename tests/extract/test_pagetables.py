"""The tables of a marked text read in C (pipeline/extract/_tables.c) are those numpy reads
(pipeline/extract/pagetables.py), on every bundled and development page, on generated markup and
with each of the markers; PageText answers the same with either; the C reader refuses a text
that is not well marked."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.extract import pagetables
from pipeline.extract.body import parse_page, strip_tags
from pipeline.extract.marked import MARK, OTHER_MARKS, marked_text
from pipeline.extract.pagetext import PageText, clean_text
from tests.extract.built import built_extension
from tests.extract.test_marked_in_c import _trees
from tests.extract.test_pagetext import _check, markup

PER_MARKER = ("at bits rank text_at nonspace_at han_at punctuation_at link_at lines_before collapsed_open "
              "collapsed_close").split()
PER_ELEMENT = "open close kinds letters level parent child".split()


@pytest.fixture(scope="module")
def in_c():
    return built_extension("_tables")


@pytest.fixture
def with_c(in_c, monkeypatch):
    monkeypatch.setattr(pagetables, "IN_C", in_c)
    return in_c


def by_numpy(marked: str, mark: str) -> pagetables.Tables:
    t = pagetables.read_with_numpy(marked, mark)
    t.parent, t.child = pagetables.parents_with_numpy(t.level)
    return t


def assert_same_tables(marked: str, mark: str) -> None:
    c, p = pagetables.read_tables(marked, mark), by_numpy(marked, mark)
    assert c.size == p.size and c.collapsed == p.collapsed
    for name in PER_MARKER + PER_ELEMENT:
        got, expected = getattr(c, name), getattr(p, name)
        assert got.shape == expected.shape and (got == expected).all(), name
    assert len(c.totals) == len(p.totals) == 7
    for got, expected in zip(c.totals, p.totals):
        assert (got == expected).all()


def assert_cleaned_lengths(root) -> None:
    """The cleaned length of the text each block holds (its runs of text between block markers,
    joined) is that of the text, cleaned."""
    page = PageText(root)
    t = page._t
    starts, ends, owner = pagetables.owned_runs(t)
    at = list(t.at) + [len(page.marked)]
    raw, cleaned = t.totals[0], t.totals[6]
    assert (cleaned[raw == 0] == 0).all()
    for k in (raw > 0).nonzero()[0].tolist():
        held = "".join(page.marked[at[a] + 2:at[b]] for a, b in zip(starts[owner == k], ends[owner == k]))
        assert cleaned[k] == len(clean_text(page._marker_re.sub("", held)))


@pytest.fixture(scope="module")
def trees() -> list:
    return _trees()


def test_the_c_reader_gives_the_tables_numpy_gives_on_every_bundled_and_development_page(with_c, trees):
    assert len(trees) >= 100  # the bundled pages alone give 150 (raw and stripped)
    for root in trees:
        assert_same_tables(marked_text(root, MARK), MARK)
        assert_cleaned_lengths(root)


def test_numpy_counts_the_cleaned_lengths_of_the_blocks_text_too(monkeypatch, trees):
    monkeypatch.setattr(pagetables, "IN_C", None)
    for root in trees[:40]:
        assert_cleaned_lengths(root)


def test_the_c_reader_reads_the_other_markers(with_c, trees):
    for root in trees[:20]:
        for mark in OTHER_MARKS:  # one of them outside the BMP
            assert_same_tables(marked_text(root, mark), mark)


def test_page_text_answers_the_same_with_either_reader(in_c, monkeypatch, trees):
    def answers() -> list:
        out = []
        for root in trees[:60]:
            page = PageText(root)
            out.append((list(page.scores.items()), page.heading_texts(4, 100),
                        [page.lines(el) for el in root.iter("div", "td", "body")],
                        [page.index(el) for el in root.iter("p", "td")]))
        return out

    monkeypatch.setattr(pagetables, "IN_C", None)
    by_numpy_answers = answers()
    monkeypatch.setattr(pagetables, "IN_C", in_c)
    assert answers() == by_numpy_answers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(markup)
def test_with_the_c_reader_page_text_reads_generated_markup_as_a_plain_walk_does(with_c, html):
    _check(html)
    doc = parse_page("<html><body>" + html + "</body></html>")
    strip_tags(doc)
    page = PageText(doc)  # with another marker when the text holds MARK
    assert_same_tables(page.marked, page.mark)
    assert_cleaned_lengths(doc)


def _read(in_c, marked: str, markers: int | None = None) -> str:
    markers = marked.count(MARK) if markers is None else markers
    by_marker = np.empty((len(in_c.MARKER_FIELDS), markers + 1), dtype=np.int64)
    by_element = np.empty((len(in_c.ELEMENT_FIELDS), markers // 2), dtype=np.int64)
    return in_c.read(marked, ord(MARK), pagetables._LETTER_BITS.tobytes(), pagetables._CHAR_KINDS, by_marker,
                     by_element)


@pytest.mark.parametrize("marked, why", [
    (f"{MARK}B联镇村{MARK}", "has no letter"),
    (f"{MARK}B联镇村{MARK}联", "followed by no letter"),
    (f"{MARK}B联镇村{MARK}b{MARK}b", "closes no element"),
    (f"{MARK}B{MARK}P联镇村{MARK}b", "opens more elements"),
])
def test_the_c_reader_refuses_a_text_that_is_not_well_marked(in_c, marked, why):
    with pytest.raises(ValueError, match=why):
        _read(in_c, marked)


def test_the_c_reader_refuses_tables_of_the_wrong_size(in_c):
    marked = f"{MARK}B{MARK}P联镇村{MARK}b{MARK}b"
    assert _read(in_c, marked) == "\x00\x00联镇村\x00\x00"
    with pytest.raises(ValueError, match="more (markers|elements) than the tables given"):
        _read(in_c, marked, 2)
    with pytest.raises(ValueError, match="markers of whole elements"):
        _read(in_c, marked, 6)
    with pytest.raises(ValueError, match="not of the sizes"):
        in_c.read(marked, ord(MARK), b"\0" * 127, pagetables._CHAR_KINDS, np.empty((11, 5), dtype=np.int64),
                  np.empty((14, 2), dtype=np.int64))
