"""The tables of a page's marked text: where each element's markers are, how much text of each kind
comes before each marker, the lines with white space collapsed, each element's parent, and the text
each block holds itself.

:class:`pipeline.extract.pagetext.PageText` answers the extractor's questions from these tables.
They are read in one pass in C (``_tables.c``, built with the compiled HTML stage:
pipeline/compiled.py) or, when that is not built, with numpy (:func:`read_with_numpy`); both give
the same tables (tests/extract/test_pagetables.py).
"""
from __future__ import annotations

import importlib
import re
from typing import Any

import numpy as np

from pipeline.extract.marked import _CLOSING, _LINE_LETTERS, _OPENING
from pipeline.text import HAN_RUN_RE

WS_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
# Stands for a line break in the text of an element (lxml text never holds a NUL).
BREAK = "\x00"

# What a character counts as, per code point: (not white space, Han, punctuation a paragraph's
# vote counts).  White space is what WS_RE matches (all in the BMP), Han is pipeline.text.HAN;
# the last entry stands for every later code point.
_CHAR_COUNTS = np.zeros((0x31351, 3), dtype=np.uint8)
_CHAR_COUNTS[:, 0] = 1
_ALL = "".join(map(chr, range(len(_CHAR_COUNTS) - 1)))
for _pattern, _column, _value in ((WS_RE, 0, 0), (HAN_RUN_RE, 1, 1), (re.compile("[，。,]+"), 2, 1)):
    for _run in _pattern.finditer(_ALL):
        _CHAR_COUNTS[_run.start():_run.end(), _column] = _value
del _ALL
_IS_SPACE = np.ascontiguousarray(_CHAR_COUNTS[:, 0] == 0)
# The same, one byte per code point (bit 0, 1, 2: the three columns), for the C reader.
_CHAR_KINDS = (_CHAR_COUNTS[:, 0] | (_CHAR_COUNTS[:, 1] << 1) | (_CHAR_COUNTS[:, 2] << 2)).astype(np.uint8).tobytes()

# What a marker's letter says, as bits (_tables.c reads the same values).
OPENS, LINE, BLOCK, HEADING, CLIMBS, LINK_OPENS, LINK_CLOSES = 1, 2, 4, 8, 16, 32, 64
_LETTER_BITS = np.zeros(128, dtype=np.uint8)
for _letters, _bit in ((_OPENING, OPENS), (_LINE_LETTERS, LINE), ("BHTUPCb", BLOCK), ("HTUPJ", HEADING),
                       ("PCJ", CLIMBS), ("A", LINK_OPENS), ("a", LINK_CLOSES)):
    _LETTER_BITS[[ord(c) for c in _letters]] |= _bit
_LETTER_BITS_BYTES = _LETTER_BITS.tobytes()  # as the C reader takes them
# What a marker adds to four running counts: the elements opened, the elements open, the <a> open
# and the line breaks.
_LETTER_STEPS = np.zeros((128, 4), dtype=np.int64)
_LETTER_STEPS[[ord(c) for c in _OPENING], 0] = 1
_LETTER_STEPS[[ord(c) for c in _OPENING], 1] = 1
_LETTER_STEPS[[ord(c) for c in _CLOSING], 1] = -1
_LETTER_STEPS[ord("A"), 2], _LETTER_STEPS[ord("a"), 2] = 1, -1
_LETTER_STEPS[[ord(c) for c in _LINE_LETTERS], 3] = 1

# The three counts of a character packed in one integer, 21 bits each: one running sum for all three.
_PACKED_COUNTS = (_CHAR_COUNTS[:, 0].astype(np.int64) | (_CHAR_COUNTS[:, 1].astype(np.int64) << 21)
                  | (_CHAR_COUNTS[:, 2].astype(np.int64) << 42))
_FIELD = (1 << 21) - 1


def _reader_in_c() -> Any:
    """``pipeline.extract._tables`` when it was built with the compiled HTML stage, else None."""
    try:
        return importlib.import_module("pipeline.extract._tables")
    except ImportError:
        return None


IN_C: Any = _reader_in_c()


class Tables:
    """The tables of a marked text (``np.ndarray`` of int64 unless said otherwise).

    Per marker j (numbered in order; the arrays named ``_at``/``_before`` have one more entry, for
    the end of the text): ``at`` where it starts; ``bits`` its letter's bits; ``rank`` the number
    of the last element opened up to it; ``text_at`` the characters of text (no marker) before it,
    and of them ``nonspace_at`` not white space, ``han_at`` Han, ``punctuation_at`` punctuation
    that votes, ``link_at`` inside a link; ``lines_before`` the line markers before it;
    ``collapsed_open`` and ``collapsed_close`` the characters of ``collapsed`` before it and after
    its line break, if it makes one.

    Per element k (numbered in document order): ``open`` and ``close`` its markers; ``kinds``
    its opening letter's bits; ``letters`` that letter's code; ``level`` the elements around it.
    ``totals``: the text each block holds itself (see :func:`block_totals_with_numpy`).
    ``parent`` and ``child`` (the element around it, -1 for none, and its place among its
    parent's children) are None until computed, unless the C reader gave them.

    ``collapsed``: the text with a :data:`BREAK` where a block starts or ends and at each <br>,
    each run of white space made one space (the first character of the run, as
    :func:`pipeline.extract.pagetext.clean_text` does); no run crosses a BREAK.
    """

    def __init__(self, size: int, collapsed: str):
        self.size = size  # elements
        self.collapsed = collapsed
        empty = np.zeros(0, dtype=np.int64)
        self.at = self.bits = self.rank = self.text_at = self.nonspace_at = self.han_at = empty
        self.punctuation_at = self.link_at = self.lines_before = self.collapsed_open = empty
        self.collapsed_close = self.open = self.close = self.kinds = self.letters = self.level = empty
        self.parent: np.ndarray | None = None
        self.child: np.ndarray | None = None
        self.totals: tuple[np.ndarray, ...] = ()


def read_tables(marked: str, mark: str) -> Tables:
    """The tables of ``marked``, a marked text whose markers are ``mark``: in C when built."""
    if IN_C is None:
        return read_with_numpy(marked, mark)
    markers = marked.count(mark)
    n = markers // 2
    by_marker = np.empty((len(IN_C.MARKER_FIELDS), markers + 1), dtype=np.int64)
    by_element = np.empty((len(IN_C.ELEMENT_FIELDS), n), dtype=np.int64)
    collapsed = IN_C.read(marked, ord(mark), _LETTER_BITS_BYTES, _CHAR_KINDS, by_marker, by_element)
    t = Tables(n, collapsed)
    rows = dict(zip(IN_C.MARKER_FIELDS, by_marker))
    t.at, t.bits, t.rank = rows["at"][:-1], rows["bits"][:-1], rows["rank"][:-1]
    t.text_at, t.nonspace_at, t.han_at = rows["text_at"], rows["nonspace_at"], rows["han_at"]
    t.punctuation_at, t.link_at, t.lines_before = rows["punctuation_at"], rows["link_at"], rows["lines_before"]
    t.collapsed_open, t.collapsed_close = rows["collapsed_open"][:-1], rows["collapsed_close"][:-1]
    rows = dict(zip(IN_C.ELEMENT_FIELDS, by_element))
    t.open, t.close, t.kinds, t.letters = rows["open"], rows["close"], rows["kinds"], rows["letters"]
    t.level, t.parent, t.child = rows["level"], rows["parent"], rows["child"]
    t.totals = (rows["raw"], rows["link"], rows["han"], rows["nonspace"], rows["punctuation"], rows["first_text"],
                rows["cleaned"])
    return t


def _counts_at(text: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of ``offsets`` into ``text`` (code points), how many of the characters before it
    are no white space, Han, and punctuation a vote counts (:data:`_CHAR_COUNTS`)."""
    if len(text) <= _FIELD:  # no count can carry into the next one
        running = np.zeros(len(text) + 1, dtype=np.int64)
        _PACKED_COUNTS.take(text, mode="clip").cumsum(out=running[1:])
        at = running[offsets]
        return at & _FIELD, (at >> 21) & _FIELD, at >> 42
    counts = np.zeros((len(text) + 1, 3), dtype=np.int64)
    _CHAR_COUNTS.take(text, axis=0, mode="clip").cumsum(axis=0, out=counts[1:])
    return counts[offsets, 0], counts[offsets, 1], counts[offsets, 2]


def _before(flags: np.ndarray) -> np.ndarray:
    """For each offset 0..len(flags), how many of the flags before it are set."""
    out = np.zeros(len(flags) + 1, dtype=np.int64)
    flags.cumsum(out=out[1:])
    return out


def _collapse(codes: np.ndarray) -> tuple[str, np.ndarray]:
    """The text of ``codes`` with each run of white space made one space (the first character of
    the run), and for each offset of ``codes`` the offset in it.

    A slice of it, stripped, is ``clean_text`` of the same slice of the text: a run of white
    space cut by the slice's ends only makes white space at its ends.
    """
    space = _IS_SPACE.take(codes, mode="clip")
    kept = np.ones(len(space), dtype=np.bool_)
    kept[1:] = ~(space[1:] & space[:-1])
    text = np.where(space, np.uint32(ord(" ")), codes)[kept].astype(np.uint32, copy=False)
    return text.tobytes().decode("utf-32-le"), _before(kept)


def read_with_numpy(marked: str, mark: str) -> Tables:
    """:func:`read_tables` with numpy: some forty passes over arrays as long as the text, where
    the C reader makes one."""
    codes = np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32)
    is_mark = codes == ord(mark)
    at = is_mark.nonzero()[0]  # where each marker starts
    letters = codes[at + 1]
    bits = _LETTER_BITS[letters]
    opening = (bits & OPENS) != 0
    opened, depth, links, lines = _LETTER_STEPS[letters].cumsum(axis=0).T  # after each marker
    # An element's closing marker is the next marker after its opening one at the same depth.
    order = (depth - opening).argsort(kind="stable")
    rank = opened - 1  # element number of each opening marker
    n = int(opened[-1])
    # The text: the characters that are no marker; the text before marker j.
    is_text = ~is_mark
    is_text[at + 1] = False
    text = codes[is_text]
    text_at = np.empty(len(at) + 1, dtype=np.int64)
    text_at[:-1] = at - 2 * np.arange(len(at))
    text_at[-1] = len(text)
    # The lines: a BREAK for each line marker, white space collapsed.
    lines_before = np.zeros(len(at) + 1, dtype=np.int64)
    lines_before[1:] = lines
    breaks = at[(bits & LINE) != 0]
    is_text[breaks] = True
    codes = codes.copy()
    codes[breaks] = ord(BREAK)
    collapsed, collapsed_before = _collapse(codes[is_text])
    t = Tables(n, collapsed)
    t.at, t.bits, t.rank = at.astype(np.int64), bits.astype(np.int64), rank
    t.open, t.close = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    t.open[rank[order[0::2]]] = order[0::2]
    t.close[rank[order[0::2]]] = order[1::2]
    t.kinds, t.letters = bits[opening].astype(np.int64), letters[opening].astype(np.int64)
    t.level = (depth - 1)[opening]  # elements around each element
    t.text_at, t.lines_before = text_at, lines_before
    t.nonspace_at, t.han_at, t.punctuation_at = _counts_at(text, text_at)
    # Link text before each marker: the text after a marker is in a link when more <a> are
    # open than closed.
    t.link_at = _before((text_at[1:] - text_at[:-1]) * (links > 0))
    t.collapsed_open = collapsed_before[text_at[:-1] + lines_before[:-1]]
    t.collapsed_close = collapsed_before[text_at[:-1] + lines_before[1:]]
    t.totals = block_totals_with_numpy(t, _IS_SPACE.take(text, mode="clip"))
    return t


def parents_with_numpy(level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element (``level``: the elements around each, in document order): its parent's
    number (-1 for none) and its place among its parent's children."""
    n = len(level)
    numbers = np.arange(n)
    # The parent of k is the last element before k one level up.
    big = n + 1
    ordered = level * big + numbers
    ordered.sort()
    parent = np.full(n, -1, dtype=np.int64)
    inner = level > 0
    up = (level[inner] - 1) * big
    parent[inner] = ordered[ordered.searchsorted(up + numbers[inner]) - 1] - up
    by_parent = parent.argsort(kind="stable")  # by parent, then number
    grouped = parent[by_parent]
    new_group = np.ones(n, dtype=np.bool_)
    new_group[1:] = grouped[1:] != grouped[:-1]
    starts = new_group.nonzero()[0]
    child = np.empty(n, dtype=np.int64)
    child[by_parent] = numbers - starts.repeat(np.diff(starts, append=n))
    return parent, child


def owned_runs(t: Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The runs of text between block markers, each with the block that holds it (the innermost
    open one): (the marker each run follows, the marker that ends it, the owner's element number,
    -1 for none)."""
    blocks = (t.bits & BLOCK).nonzero()[0]
    opening = (t.bits[blocks] & OPENS) != 0
    depth = np.where(opening, 1, -1).cumsum()  # open blocks after each block marker
    # The block holding the run after marker j: the last block opened at or before j at
    # the depth after j (blocks opened later at that depth were closed before j).
    n = len(blocks)
    order = depth.argsort(kind="stable")
    big = n + 1
    key = np.where(opening[order], depth[order] * big + order, -1)
    last = np.maximum.accumulate(key) if n else key
    held = last >= depth[order] * big
    owner_marker = np.full(n, -1, dtype=np.int64)
    owner_marker[order[held]] = (last - depth[order] * big)[held]
    block_element = t.rank[blocks]
    owner = np.where(owner_marker >= 0, block_element[np.maximum(owner_marker, 0)], -1)
    ends = np.empty(n, dtype=np.int64)
    ends[:-1], ends[-1:] = blocks[1:], len(t.at)
    return blocks, ends, owner


def block_totals_with_numpy(t: Tables, space: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per element, over the text it holds itself as the innermost block around it: characters,
    of them inside a link, Han, not white space, punctuation that votes; the number of its first
    run of text among the runs with text (the largest int64 for none); and the length of that
    text, its runs joined, once cleaned (``clean_text``).  ``space``: whether each character of
    the text (markers left out) is white space."""
    starts, ends, owner = owned_runs(t)
    # The block holding each character of the text (the runs follow each other to the end).
    char_owner = np.full(len(space), -1, dtype=np.int64)
    if len(starts):
        char_owner[t.text_at[starts[0]]:] = owner.repeat(t.text_at[ends] - t.text_at[starts])
    held = owner >= 0
    starts, ends, owner = starts[held], ends[held], owner[held]
    text_starts, text_ends = t.text_at[starts], t.text_at[ends]

    def total(counts: np.ndarray) -> np.ndarray:
        return np.bincount(owner, weights=counts, minlength=t.size).astype(np.int64)

    with_text = owner[text_ends > text_starts]
    first_text = np.full(t.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_text, with_text, np.arange(len(with_text)))
    return (total(text_ends - text_starts), total(t.link_at[ends] - t.link_at[starts]),
            total(t.han_at[ends] - t.han_at[starts]), total(t.nonspace_at[ends] - t.nonspace_at[starts]),
            total(t.punctuation_at[ends] - t.punctuation_at[starts]), first_text,
            _cleaned_lengths(char_owner, space, t.size))


def _cleaned_lengths(char_owner: np.ndarray, space: np.ndarray, size: int) -> np.ndarray:
    """Per element, the length of the text it holds (the characters it owns, in order) once
    cleaned: its characters that are no white space, and one space for each run of white space
    with such characters on both sides."""
    mine = char_owner >= 0
    order = char_owner[mine].argsort(kind="stable")  # each block's characters together, in order
    owners, spaces = char_owner[mine][order], space[mine][order]
    letters = ~spaces
    first = np.ones(len(owners), dtype=np.bool_)  # the first character of its block's text
    first[1:] = owners[1:] != owners[:-1]
    before = letters.cumsum() - letters  # letters before each character, all blocks
    block_start = np.maximum.accumulate(np.where(first, np.arange(len(owners)), 0))
    after_letter = before - before[block_start] > 0  # a letter of its block comes earlier
    after_space = np.zeros(len(owners), dtype=np.bool_)
    after_space[1:] = spaces[:-1]
    kept_space = letters & after_space & ~first & after_letter  # a letter that ends an inner run of space
    return np.bincount(owners, weights=letters.astype(np.int64) + kept_space, minlength=size).astype(np.int64)
