"""The text of a parsed page, read in one pass in C: its lines, the body votes, the text of any element.

The extractor asks the same things of every page: the lines of an element (its text split at
block tags and <br>) with the share of link text in each, the text each block holds itself (its
votes for the body), and the texts of the elements that may be the headline.  A page of ~100 KB
has ~1,000 elements, and Python code run for each of them cost more than parsing the page.  So
C walks the tree (:func:`pipeline.extract.marked.marked_text`) and writes the page's text with a
two-character marker where each element starts and where it ends, and one more pass in C reads
the markers back into tables (:mod:`pipeline.extract.pagetables`): where each element's text
starts and ends, which block holds each run of text, which text is inside a link, each element's
parent.  Python then runs only for the few elements it is asked about.
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from lxml import etree

from pipeline.extract.marked import _LINE_LETTERS, MARK, OTHER_MARKS, marked_text
from pipeline.extract.pagetables import BREAK, CLIMBS, HEADING, WS_RE, Tables, parents_with_numpy, read_tables

# Blocks whose text votes for the block around them (a <p> votes for its <div>).
CLIMB_TAGS = frozenset("p font span b strong h4 h5 h6 center".split())


def clean_text(text: str) -> str:
    """Collapse whitespace (including full-width and no-break spaces) and trim.

    >>> clean_text("\\u3000\\u3000联镇村促发展，\\n 联企业促增长\\xa0")
    '联镇村促发展， 联企业促增长'
    """
    return WS_RE.sub(" ", text).strip()


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
        self._t: Tables = read_tables(marked, mark)
        self.size, self.collapsed = self._t.size, self._t.collapsed
        if self._elements is None and self.size <= LIST_UP_TO:
            self._elements = list(root.iter(etree.Element))  # cheaper than finding them on a small page
        self._tree: tuple | None = None
        self._scores: dict | None = None
        self._climbs: list[bool] | None = None

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
            t = self._t
            if t.parent is None or t.child is None:
                t.parent, t.child = parents_with_numpy(t.level)
            by_parent = t.parent.argsort(kind="stable")  # by parent, then number
            self._tree = (t.parent.tolist(), t.child.tolist(), by_parent, t.parent[by_parent])
        return self._tree

    def _marked(self, k: int) -> str:
        """The marked text of element ``k``, its own markers included."""
        t = self._t
        return self.marked[t.at[t.open[k]]:t.at[t.close[k]] + 2]

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
        t = self._t
        return self.collapsed[t.collapsed_open[t.open[k]]:t.collapsed_close[t.close[k]]]

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
        t = self._t
        heading = (t.kinds & HEADING).nonzero()[0]
        opened, closed = t.open[heading], t.close[heading]
        size = t.text_at[closed] - t.text_at[opened]
        nonspace = t.nonspace_at[closed] - t.nonspace_at[opened]
        maybe = (size >= shortest) & (nonspace <= longest)
        return heading[maybe], nonspace[maybe], t.letters[heading[maybe]]

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

    def _score(self) -> dict:
        scores: dict = defaultdict(float)
        raw, link, han, nonspace, punctuation, first_text, cleaned = self._t.totals
        # Fragments and link lists do not vote.  Cleaning removes no hanzi and only shortens the
        # text, to at least its characters that are not white space.
        voting = ((raw >= 10) & (2 * link <= raw) & (han >= 10)).nonzero()[0]
        voting = voting[first_text[voting].argsort(kind="stable")]  # in the order of the blocks' first text
        for k, links, letters, length, hanzi, marks in zip(
                voting.tolist(), link[voting].tolist(), nonspace[voting].tolist(), cleaned[voting].tolist(),
                han[voting].tolist(), punctuation[voting].tolist()):
            if 2 * links > letters and 2 * links > length:
                continue
            scores[self._holder(k)] += hanzi + 3 * marks
        return scores

    def _holder(self, k: int):
        """The element block ``k``'s votes go to: a <p>'s text votes for the block that holds it;
        text directly in a div/td votes for it."""
        if self._elements is None:  # climb by numbers first: only the holder is then found
            parent = self._parents()[0]
            if self._climbs is None:  # whether each element is one of CLIMB_TAGS
                self._climbs = ((self._t.kinds & CLIMBS) != 0).tolist()
            climbs = self._climbs
            while climbs[k] and parent[k] >= 0:
                k = parent[k]
        holder = self.element(k)
        while holder.tag in CLIMB_TAGS and holder.getparent() is not None:
            holder = holder.getparent()
        return holder
