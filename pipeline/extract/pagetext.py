"""The text of a parsed page, read in one pass in C: its lines, the body votes, the text of any element.

The extractor asks the same things of every page: the lines of an element (its text split at
block tags and <br>) with the share of link text in each, the text each block holds itself (its
votes for the body), and the texts of the elements that may be the headline.  A page of ~100 KB
has ~1,000 elements, and Python code run for each of them cost more than parsing the page.  So
C walks the tree (:func:`pipeline.extract.marked.marked_text`) and writes the page's text with a
two-character marker where each element starts and where it ends, and numpy reads the markers
back into tables (:class:`PageText`): where each element's text starts and ends, which block
holds each run of text, which text is inside a link.  Python then runs only for the few elements it is asked about.
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from lxml import etree

from pipeline.extract.marked import _CLOSING, _LINE_LETTERS, _OPENING, MARK, OTHER_MARKS, marked_text
from pipeline.text import HAN_RUN_RE

# Blocks whose text votes for the block around them (a <p> votes for its <div>).
CLIMB_TAGS = frozenset("p font span b strong h4 h5 h6 center".split())
WS_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
# Stands for a line break in the text of an element (lxml text never holds a NUL).
BREAK = "\x00"


def clean_text(text: str) -> str:
    """Collapse whitespace (including full-width and no-break spaces) and trim.

    >>> clean_text("\\u3000\\u3000联镇村促发展，\\n 联企业促增长\\xa0")
    '联镇村促发展， 联企业促增长'
    """
    return WS_RE.sub(" ", text).strip()


# --- tables ---------------------------------------------------------------------------------------
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

# What a marker's letter says, as bits.
_OPENS, _LINE, _BLOCK, _HEADING, _CLIMBS = 1, 2, 4, 8, 16
_LETTER_BITS = np.zeros(128, dtype=np.uint8)
for _letters, _bit in ((_OPENING, _OPENS), (_LINE_LETTERS, _LINE), ("BHTUPCb", _BLOCK), ("HTUPJ", _HEADING),
                       ("PCJ", _CLIMBS)):
    _LETTER_BITS[[ord(c) for c in _letters]] |= _bit
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


def _decode(codes: np.ndarray) -> str:
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le")


def _collapse(codes: np.ndarray) -> tuple[str, np.ndarray]:
    """The text of ``codes`` with each run of white space made one space (the first character of
    the run, as :func:`clean_text` does), and for each offset of ``codes`` the offset in it.

    A slice of it, stripped, is :func:`clean_text` of the same slice of the text: a run of white
    space cut by the slice's ends only makes white space at its ends.
    """
    space = _IS_SPACE.take(codes, mode="clip")
    kept = np.ones(len(space), dtype=np.bool_)
    kept[1:] = ~(space[1:] & space[:-1])
    return _decode(np.where(space, np.uint32(ord(" ")), codes)[kept]), _before(kept)


# Up to this many elements, a page's elements are listed at once rather than found when asked for.
LIST_UP_TO = 300


class PageText:
    """The text of a parsed page (``root``: its root element), for the questions the extractor asks.

    :meth:`lines`, :meth:`line_texts` and :meth:`text_content` answer for any element of the
    tree, :attr:`scores` gives the body votes, :meth:`heading_texts` the short texts of the
    elements that may be the headline.

    The marked text is read once into a string and the offsets of every element in it:
    ``collapsed``, the text with a :data:`BREAK` where a block starts or ends and at each <br>,
    each run of white space made one space as :func:`clean_text` does (no run crosses a BREAK).
    """

    def __init__(self, root, source: str | None = None):
        """``source``: the text ``root`` was parsed from by :func:`pipeline.extract.body.parse_page`,
        if at hand.  When it does not hold :data:`MARK`, the tree's text cannot (the parser reads
        &#128; as the euro sign, as browsers do, and makes no comment nodes), so the elements need
        not be counted first: they are found when asked for, from the root down."""
        self.root = root
        self._elements: list | None = None  # the elements in document order, when listed
        self._found: dict[int, object] = {0: root}  # element number -> element
        self._numbers: dict = {root: 0}  # element -> element number
        mark = MARK
        marked = marked_text(root, mark)
        if source is None or mark in source:
            # The elements in document order: the k-th opening marker is that of elements[k].
            self._elements = list(root.iter(etree.Element))
            if marked.count(mark) != 2 * len(self._elements):  # the page's own text holds the marker
                mark = next(m for m in OTHER_MARKS if m not in marked)
                marked = marked_text(root, mark)
        self.marked, self.mark = marked, mark
        self._marker_re = re.compile(re.escape(mark) + "(.)", re.S)
        self._read(np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32))
        if self._elements is None and self.size <= LIST_UP_TO:
            self._elements = list(root.iter(etree.Element))  # cheaper than finding them on a small page
        self._tree: tuple | None = None
        self._scores: dict | None = None

    def _read(self, codes: np.ndarray) -> None:
        """The tables.  Markers are numbered in order; counts of text (characters that are no
        marker) are kept for the text before each marker, so that an element's text or a run of
        text between two markers is a difference of two entries."""
        is_mark = codes == ord(self.mark)
        at = is_mark.nonzero()[0]  # where each marker starts
        letters = codes[at + 1]
        bits = _LETTER_BITS[letters]
        opening = (bits & _OPENS) != 0
        opened, depth, links, lines = _LETTER_STEPS[letters].cumsum(axis=0).T  # after each marker
        # An element's closing marker is the next marker after its opening one at the same depth.
        order = (depth - opening).argsort(kind="stable")
        rank = opened - 1  # element number of each opening marker
        self.size = n = int(opened[-1])  # elements
        self._open = np.empty(n, dtype=np.int64)
        self._close = np.empty(n, dtype=np.int64)
        self._open[rank[order[0::2]]] = order[0::2]
        self._close[rank[order[0::2]]] = order[1::2]
        self.kinds, self.letters = bits[opening], letters[opening]
        self._level = (depth - 1)[opening]  # elements around each element
        self._at, self._bits, self._rank = at, bits, rank
        # The text: the characters that are no marker; the text before marker j.
        is_text = ~is_mark
        is_text[at + 1] = False
        text = codes[is_text]
        self._text_at = text_at = np.empty(len(at) + 1, dtype=np.int64)
        text_at[:-1] = at - 2 * np.arange(len(at))
        text_at[-1] = len(text)
        self._nonspace_at, self._han_at, self._punctuation_at = _counts_at(text, text_at)
        # Link text before each marker: the text after a marker is in a link when more <a> are
        # open than closed.
        self._link_at = _before((text_at[1:] - text_at[:-1]) * (links > 0))
        # The lines: a BREAK for each line marker, white space collapsed.
        self._lines_before = np.zeros(len(at) + 1, dtype=np.int64)
        self._lines_before[1:] = lines
        breaks = at[(bits & _LINE) != 0]
        is_text[breaks] = True
        codes = codes.copy()
        codes[breaks] = ord(BREAK)
        self.collapsed, self._collapsed_before = _collapse(codes[is_text])

    def element(self, k: int):
        """Element number ``k`` (in document order)."""
        if self._elements is not None:
            return self._elements[k]
        found = self._found.get(k)
        if found is None:
            parent, child, _, _ = self._parents()
            path = [k]  # up to an element already found (the root is)
            while parent[path[-1]] not in self._found:
                path.append(parent[path[-1]])
            found = self._found[parent[path[-1]]]
            for number in reversed(path):
                found = found[child[number]]  # type: ignore[index]
                self._found[number] = found
                self._numbers[found] = number
        return found

    def index(self, el) -> int:
        """The number of ``el`` among the elements, in document order."""
        if self._elements is not None:
            return self._elements.index(el)
        k = self._numbers.get(el)
        if k is None:
            path = [el]  # up to an element whose number is known (the root's is)
            while path[-1].getparent() not in self._numbers:
                path.append(path[-1].getparent())
            _, _, by_parent, grouped = self._parents()
            k = self._numbers[path[-1].getparent()]
            for found in path[::-1]:
                parent = found.getparent()
                # the parent's children, in order, are a run of by_parent
                k = int(by_parent[grouped.searchsorted(k) + parent.index(found)])
                self._found[k] = found
                self._numbers[found] = k
        return k

    def _parents(self) -> tuple[list[int], list[int], np.ndarray, np.ndarray]:
        """For each element: its parent's number (-1 for the root) and its place among its
        parent's children; and the element numbers ordered by parent, with their parents."""
        if self._tree is None:
            n, level = self.size, self._level
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
            self._tree = (parent.tolist(), child.tolist(), by_parent, grouped)
        return self._tree

    def _marked(self, k: int) -> str:
        """The marked text of element ``k``, its own markers included."""
        return self.marked[self._at[self._open[k]]:self._at[self._close[k]] + 2]

    def text_content(self, el) -> str:
        """All the text in ``el`` (like :func:`pipeline.extract.body.text_content`)."""
        return self._marker_re.sub("", self._marked(self.index(el)))

    def clean_text(self, k: int) -> str:
        """``clean_text(text_content(el))`` of element number ``k``."""
        text = self._collapsed(k).replace(BREAK, "")
        # white space on both sides of a line break is one run in the text without the break
        return (WS_RE.sub(" ", text) if "  " in text else text).strip()

    def _collapsed(self, k: int) -> str:
        """The collapsed text of element ``k``, from its opening marker to its closing one."""
        opened, closed = self._open[k], self._close[k]
        start = self._text_at[opened] + self._lines_before[opened]
        stop = self._text_at[closed] + self._lines_before[closed + 1]
        return self.collapsed[self._collapsed_before[start]:self._collapsed_before[stop]]

    def _numbered_lines(self, k: int) -> list[tuple[int, str]]:
        """``clean_text`` of the non-empty lines of element ``k``, numbered among all its lines.
        (In the collapsed text a line of white space only is "" or " ".)"""
        return [(i, line.strip()) for i, line in enumerate(self._collapsed(k).split(BREAK)) if line and line != " "]

    def line_texts(self, el) -> list[str]:
        """The non-empty lines of ``el``: its text split at block tags and <br>, cleaned."""
        return [line.strip() for line in self._collapsed(self.index(el)).split(BREAK) if line and line != " "]

    def lines(self, el) -> list[tuple[str, float]]:
        """The non-empty lines of ``el`` with the share of link text in each: the cleaned text of
        the links inside ``el`` over the length of the line."""
        k = self.index(el)
        marked = self._marked(k)
        link_chars = self._link_chars(marked) if self.mark + "A" in marked else {}
        return [(line, min(1.0, link_chars.get(i, 0) / max(1, len(line)))) for i, line in self._numbered_lines(k)]

    def _link_chars(self, marked: str) -> dict[int, int]:
        """Cleaned length of the link text per line (numbered from 0) of a marked text: each text
        node of a link cleaned on its own."""
        chars: dict[int, int] = {}
        line = depth = 0
        parts = self._marker_re.split(marked)  # text, letter, text, letter, ...
        for i in range(1, len(parts), 2):
            letter, text = parts[i], parts[i + 1]
            if letter in _LINE_LETTERS:
                line += 1
            elif letter == "A":
                depth += 1
            elif letter == "a":
                depth -= 1
            if text and depth > 0:
                chars[line] = chars.get(line, 0) + len(clean_text(text))
        return chars

    def heading_candidates(self, shortest: int, longest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The elements of :data:`pipeline.extract.marked.HEADING_TAGS` whose cleaned text may have
        shortest..longest characters, in document order: their numbers, their count of characters that are not
        white space (the length of the text without white space) and their opening letters
        (``T`` for <h1>, ``U`` for <h2> and <h3>).  :meth:`clean_text` tells the exact length.

        Cleaning keeps every character that is not white space and adds none, so the counts of
        text and of non-space characters rule most elements out without building their text.
        """
        heading = (self.kinds & _HEADING).nonzero()[0]
        opened, closed = self._open[heading], self._close[heading]
        size = self._text_at[closed] - self._text_at[opened]
        nonspace = self._nonspace_at[closed] - self._nonspace_at[opened]
        maybe = (size >= shortest) & (nonspace <= longest)
        return heading[maybe], nonspace[maybe], self.letters[heading[maybe]]

    def heading_texts(self, shortest: int, longest: int) -> list[tuple[object, str]]:
        """``(el, clean_text(text_content(el)))`` for the elements of
        :data:`pipeline.extract.marked.HEADING_TAGS` whose cleaned text has shortest..longest
        characters, in document order."""
        out = []
        for k in self.heading_candidates(shortest, longest)[0].tolist():
            text = self.clean_text(k)
            if shortest <= len(text) <= longest:
                out.append((self.element(k), text))
        return out

    @property
    def scores(self) -> dict:
        """Votes per holder element: paragraph text length, with links and fragments not counted."""
        if self._scores is None:
            self._scores = self._score()
        return self._scores

    def _owned_runs(self):
        """The runs of text between block markers, each with the block that holds it (the
        innermost open one): (the marker each run follows, the marker that ends it, the owner's
        element number, -1 for none)."""
        blocks = (self._bits & _BLOCK).nonzero()[0]
        opening = (self._bits[blocks] & _OPENS) != 0
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
        block_element = self._rank[blocks]
        owner = np.where(owner_marker >= 0, block_element[np.maximum(owner_marker, 0)], -1)
        ends = np.empty(n, dtype=np.int64)
        ends[:-1], ends[-1:] = blocks[1:], len(self._at)
        return blocks, ends, owner

    def _score(self) -> dict:
        scores: dict = defaultdict(float)
        starts, ends, owner = self._owned_runs()
        held = owner >= 0
        starts, ends, owner = starts[held], ends[held], owner[held]
        text_starts, text_ends = self._text_at[starts], self._text_at[ends]
        n = self.size

        def total(counts: np.ndarray) -> np.ndarray:  # per block: the count over the text it holds
            return np.bincount(owner, weights=counts, minlength=n)

        raw = total(text_ends - text_starts)
        link = total(self._link_at[ends] - self._link_at[starts])
        han = total(self._han_at[ends] - self._han_at[starts])
        nonspace = total(self._nonspace_at[ends] - self._nonspace_at[starts])
        # Fragments and link lists do not vote.  Cleaning removes no hanzi and only shortens the
        # text, to at least its characters that are not white space.
        voting = ((raw >= 10) & (link <= 0.5 * raw) & (han >= 10)).nonzero()[0]
        # in the order of the blocks' first text
        with_text = owner[text_ends > text_starts]
        first_text = np.full(n, len(owner), dtype=np.int64)
        np.minimum.at(first_text, with_text, np.arange(len(with_text)))
        punctuation = total(self._punctuation_at[ends] - self._punctuation_at[starts])
        for k in voting[first_text[voting].argsort(kind="stable")].tolist():
            if link[k] > 0.5 * nonspace[k] and link[k] > 0.5 * len(clean_text(self._owned_text(k, starts, ends, owner))):
                continue
            scores[self._holder(k)] += int(han[k]) + 3 * int(punctuation[k])
        return scores

    def _holder(self, k: int):
        """The element block ``k``'s votes go to: a <p>'s text votes for the block that holds it;
        text directly in a div/td votes for it."""
        if self._elements is None:  # climb by numbers first: only the holder is then found
            parent, climbs = self._parents()[0], self.kinds & _CLIMBS  # the element is one of CLIMB_TAGS
            while climbs[k] and parent[k] >= 0:
                k = parent[k]
        holder = self.element(k)
        while holder.tag in CLIMB_TAGS and holder.getparent() is not None:
            holder = holder.getparent()
        return holder

    def _owned_text(self, k: int, starts: np.ndarray, ends: np.ndarray, owner: np.ndarray) -> str:
        """The text block ``k`` holds itself (runs from the markers ``starts`` to ``ends``)."""
        at = np.append(self._at, len(self.marked))
        return "".join(self._marker_re.sub("", self.marked[at[a] + 2:at[b]])
                       for a, b in zip(starts[owner == k].tolist(), ends[owner == k].tolist()))
