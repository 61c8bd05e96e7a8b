"""Find the article body in a parsed page.

Generic, with no per-site rules: every run of paragraph text votes for the
block that holds it (a ``<div>`` of ``<p>``, or a 2005-style ``<td>`` of
``<br>``-separated lines), links and short fragments do not vote, and the
block with the most votes is the body; a one-paragraph block climbs to the rows or
tables that hold the other paragraphs.  :mod:`pipeline.extract.chrome` then keeps the
article's lines among the block's lines.

For speed, a page is parsed into plain lxml elements (:func:`parse_page`) and walked once
(:class:`PageText`): its lines, the body votes and the text of any element come from that walk.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from itertools import accumulate, chain

import numpy as np
from lxml import etree

from pipeline.text import count_han

# Block-level tags: text on either side of them is on separate lines.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
# Never text of the article (a <marquee> scrolls other headlines or a ticker).
DROP_TAGS = frozenset("script style noscript iframe select option textarea button svg object embed head marquee".split())
# A <form> is a comment or search box, except on ASP-era sites that wrap the whole page in one:
# a form with this much text stays (unwrapped), a smaller one goes.
FORM_KEEPS_HAN = 200
# Blocks whose text votes for the block around them (a <p> votes for its <div>).
CLIMB_TAGS = frozenset("p font span b strong h4 h5 h6 center".split())
WS_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")



def clean_text(text: str) -> str:
    """Collapse whitespace (including full-width and no-break spaces) and trim.

    >>> clean_text("\\u3000\\u3000联镇村促发展，\\n 联企业促增长\\xa0")
    '联镇村促发展， 联企业促增长'
    """
    return WS_RE.sub(" ", text).strip()


# The page parser: plain lxml elements.  lxml.html's element classes are looked up by a Python
# callback for every element proxy, which costs about as much as the parse itself.
# huge_tree: text nested deeper than libxml2's default limit (about 255 levels) is kept, not dropped
# silently; pathological_markup refuses the pages that would make the parser slow.
_PAGE_PARSER = etree.HTMLParser(huge_tree=True)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parseable(text: str) -> str:
    # lxml refuses str input that carries an XML encoding declaration.
    text = _XML_DECLARATION.sub("", text)
    return text if text.strip() else "<html></html>"


# A tag this long is looked at closely (a data: URI image can make a legit tag long) ...
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{65536}[^<>]*")
_ATTRIBUTE = re.compile(r"\s[^\s=<>\"']+\s*=")
# ... and refused with more attributes than this: libxml2 checks duplicate attributes pairwise, so
# 80,000 attributes on one element cost a minute of parsing.
MAX_ATTRIBUTES = 1000


def pathological_markup(text: str) -> str | None:
    """Why a page's markup would take the parser minutes, or None for a page that parses normally.

    >>> pathological_markup("<div " + " ".join(f'a{i}="x"' for i in range(20000)) + ">文字</div>")
    'an element with 20000 attributes'
    >>> pathological_markup('<img src="data:image/png;base64,' + "A" * 70000 + '"><p>文字</p>') is None
    True
    """
    for m in _LONG_TAG.finditer(text):
        n = len(_ATTRIBUTE.findall(m.group(0)))
        if n > MAX_ATTRIBUTES:
            return f"an element with {n} attributes"
    return None


def parse_page(text: str):
    """The lxml document of a decoded page (never bytes: the codec is chosen before), with plain
    ``lxml.etree`` elements, which are much cheaper to walk than lxml.html's; use
    :func:`body_of` and :func:`text_content` on it.

    >>> doc = parse_page("<p>联镇村<!-- 注释 -->促发展</p>")
    >>> text_content(body_of(doc))
    '联镇村促发展'
    """
    doc = etree.fromstring(_parseable(text), _PAGE_PARSER)
    if doc is None:
        raise etree.ParserError("Document is empty")
    _drop_comments(doc)
    return doc


def _drop_comments(doc) -> None:
    # Removing the nodes keeps the text around them (text after a comment survives).
    etree.strip_tags(doc, etree.Comment, etree.ProcessingInstruction)


def body_of(doc):
    """The <body> element of a parsed page, or None (lxml.html's ``doc.body``)."""
    return next(doc.getroottree().iter("body", "{http://www.w3.org/1999/xhtml}body"), None)


_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def text_content(el) -> str:
    """All the text in ``el`` (lxml.html's ``text_content`` for plain elements)."""
    return _STRING_VALUE(el)


def drop_tree(el) -> None:
    """Remove ``el`` and its children; its tail text stays (lxml.html's ``drop_tree``)."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def strip_tags(doc, keep_hidden: bool = False) -> None:
    """Remove elements that are never article text (scripts, comment forms, hidden blocks unless
    ``keep_hidden``).

    >>> doc = parse_page("<form action=a.aspx><p>" + "联镇村促发展。" * 40 + "</p><form><p>用户名</p></form></form>")
    >>> strip_tags(doc); [el.tag for el in body_of(doc).iter()]
    ['body', 'p']
    """
    # C-level removal; the tails of the removed elements stay in place.
    etree.strip_elements(doc, *DROP_TAGS, with_tail=False)
    forms = list(doc.iter("form"))
    for form in reversed(forms):  # innermost first: a small form inside a page-wide one goes
        if count_han(text_content(form)) < FORM_KEEPS_HAN:
            drop_tree(form)
    if any(form.getparent() is not None for form in forms):
        etree.strip_tags(doc, "form")
    if keep_hidden:
        return
    for el in hidden_elements(doc):
        if el.getparent() is not None:
            drop_tree(el)


# Finding the attributes is much cheaper than testing every element in XPath.
_HIDING_ATTRIBUTES = etree.XPath("//@hidden | //@style")


def hidden_elements(doc) -> list:
    """Elements with a ``hidden`` attribute or an inline ``display: none``, in document order.

    >>> [el.get("id") for el in hidden_elements(parse_page(
    ...     '<p id=a hidden>x</p><p id=b style="color:red">y</p><p id=c style="display: none">z</p>'))]
    ['a', 'c']
    """
    found: list = []
    for attribute in _HIDING_ATTRIBUTES(doc):
        el = attribute.getparent()
        if found and found[-1] is el:
            continue  # it has both attributes
        if el.get("hidden") is not None or "display:none" in (el.get("style") or "").replace(" ", ""):
            found.append(el)
    return found


# 1 for the characters WS_RE matches (all in the BMP) and for BREAK; the last entry stands for
# astral characters.
_IS_SPACE = np.zeros(0x10001, dtype=np.uint8)
for _run in WS_RE.finditer("".join(map(chr, range(0x10000)))):
    _IS_SPACE[_run.start():_run.end()] = 1
_IS_SPACE[0] = 1  # BREAK: not text either

# How the walk treats a tag (comments and the like have a function as their tag).
_INLINE, _BLOCK, _BREAK, _LINK, _NOT_ELEMENT = 0, 1, 2, 3, 4
_TAG_KIND = {
    **dict.fromkeys(BLOCK_TAGS, _BLOCK), "br": _BREAK, "a": _LINK,
    **dict.fromkeys((etree.Comment, etree.ProcessingInstruction, etree.Entity), _NOT_ELEMENT),
}
# Stands for a line break among the text pieces (lxml text never holds a NUL).
BREAK = "\x00"


class PageText:
    """The text of a parsed page, from a single walk over the tree.

    The walk records every piece of text (element text and tails) in document order, with a
    :data:`BREAK` piece wherever a block tag or <br> starts a new line, the <a> elements around
    each piece, the pieces each element spans and the text each block owns.  :meth:`lines`,
    :attr:`scores` and :meth:`text_content` then answer for any element without walking again.
    """

    def __init__(self, root):
        self.root = root
        self.pieces: list[str] = []
        self._link_depth: dict[int, int] = {}  # piece index -> <a> elements around it, if any
        self._spans: dict = {}  # element -> (first piece, end piece, <a> elements around it)
        self._units: list = []  # (block element, indexes of the pieces it owns), in tree order
        self._walk(root)
        self._linked = list(self._link_depth)  # indexes of link pieces, ascending
        self._joined: str | None = None
        self._offsets: list[int] | None = None
        self._nonspace_before = None
        self._scores: dict | None = None

    def _walk(self, root) -> None:
        # root.iter() is much cheaper than iterwalk's start/end events; an element ends where
        # the next element in document order is not its child, so a stack of open elements
        # tells where the tails and the closing line breaks go.
        pieces, link_depth, spans, units = self.pieces, self._link_depth, self._spans, self._units
        kinds = _TAG_KIND
        opened: list = []  # (element, kind, first piece, <a> around) of the open elements
        owners: list = []  # piece lists of the open blocks, innermost last: it owns the text
        in_link = 0
        for node in chain(root.iter(), (None,)):  # None closes everything at the end
            parent = node.getparent() if node is not None else None
            while opened and opened[-1][0] is not parent:
                done, kind, first, around = opened.pop()
                if kind == _BLOCK:
                    pieces.append(BREAK)
                    owners.pop()
                elif kind == _LINK:
                    in_link -= 1
                spans[done] = (first, len(pieces), around)
                text = done.tail  # text of the parent, after this element
                if text and done is not root:
                    if in_link:
                        link_depth[len(pieces)] = in_link
                    if owners:
                        owners[-1].append(len(pieces))
                    pieces.append(text)
            if node is None:
                break
            kind = kinds.get(node.tag, _INLINE)
            opened.append((node, kind, len(pieces), in_link))
            if kind == _BLOCK:
                pieces.append(BREAK)
                owned: list[int] = []
                owners.append(owned)
                units.append((node, owned))
            elif kind == _BREAK:
                pieces.append(BREAK)
            elif kind == _LINK:
                in_link += 1
            elif kind == _NOT_ELEMENT:
                continue  # a comment's text is no text
            text = node.text
            if text:
                if in_link:
                    link_depth[len(pieces)] = in_link
                if owners:
                    owners[-1].append(len(pieces))
                pieces.append(text)

    def lines(self, el) -> list[tuple[str, float]]:
        """``block_lines(el)`` for an element of the walked tree."""
        first, end, around = self._spans[el]
        link_chars = self._link_chars(first, end, around)
        lines: list[tuple[str, float]] = []
        for k, text in self._numbered_lines(first, end):
            lines.append((text, min(1.0, link_chars.get(k, 0) / max(1, len(text)))))
        return lines

    def line_texts(self, el) -> list[str]:
        """The texts of ``lines(el)``, without working out the link shares."""
        first, end, _ = self._spans[el]
        return [line for line in self._all_lines(first, end) if line]

    def _numbered_lines(self, first: int, end: int) -> list[tuple[int, str]]:
        """The non-empty lines of the pieces first..end, numbered among all their lines."""
        return [(k, line) for k, line in enumerate(self._all_lines(first, end)) if line]

    def _all_lines(self, first: int, end: int):
        """``clean_text`` of every line of the pieces first..end, empty ones included."""
        # One substitution for all the lines: no run of white space crosses a BREAK.
        collapsed = WS_RE.sub(" ", self.joined[self.offsets[first]:self.offsets[end]])
        return map(str.strip, collapsed.split(BREAK))

    def _link_chars(self, first: int, end: int, around: int) -> dict[int, int]:
        """Cleaned link text length per line (numbered from 0) of the pieces first..end, counting
        only the links inside the element (more <a> than the ``around`` ones)."""
        chars: dict[int, int] = {}
        pieces, depth = self.pieces, self._link_depth
        line, counted_to = 0, first
        for i in self._linked[bisect_left(self._linked, first):bisect_left(self._linked, end)]:
            if depth[i] > around:
                line += pieces[counted_to:i].count(BREAK)
                counted_to = i
                chars[line] = chars.get(line, 0) + len(clean_text(pieces[i]))
        return chars

    def text_content(self, el) -> str:
        """All the text in ``el``, like :func:`text_content`."""
        first, end, _ = self._spans[el]
        return self.joined[self.offsets[first]:self.offsets[end]].replace(BREAK, "")

    def short_clean_texts(self, elements: list, shortest: int, longest: int) -> list[tuple[object, str]]:
        """``(el, clean_text(text_content(el)))`` for the elements whose cleaned text has
        shortest..longest characters, in the order given.

        Cheap for the big blocks: cleaning never adds characters and keeps every one that is
        not white space, so the raw length and the count of non-space characters rule them out
        without building their text.
        """
        offsets, spans = self.offsets, self._spans
        starts = [offsets[spans[el][0]] for el in elements]
        stops = [offsets[spans[el][1]] for el in elements]
        sizes = np.array(stops, dtype=np.int64) - starts  # BREAKs included: at least the raw length
        nonspace = self.nonspace_before[stops] - self.nonspace_before[starts]
        maybe = (sizes >= shortest) & (nonspace <= longest)
        out = []
        for i in np.flatnonzero(maybe).tolist():
            text = clean_text(self.joined[starts[i]:stops[i]].replace(BREAK, ""))
            if shortest <= len(text) <= longest:
                out.append((elements[i], text))
        return out

    @property
    def joined(self) -> str:
        """All the pieces in one string (BREAKs included)."""
        if self._joined is None:
            self._joined = "".join(self.pieces)
        return self._joined

    @property
    def offsets(self) -> list[int]:
        """Where each piece starts in :attr:`joined` (one more entry for the end)."""
        if self._offsets is None:
            self._offsets = [0, *accumulate(map(len, self.pieces))]
        return self._offsets

    @property
    def nonspace_before(self) -> np.ndarray:
        """For every offset in :attr:`joined`, how many characters before it are text that is
        not white space (BREAKs are not text)."""
        if self._nonspace_before is None:
            codes = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            nonspace = 1 - _IS_SPACE.take(codes, mode="clip")  # astral characters are no space
            self._nonspace_before = np.concatenate(([0], np.cumsum(nonspace, dtype=np.int64)))
        return self._nonspace_before

    @property
    def scores(self) -> dict:
        """Votes per holder element: paragraph text length, with links and fragments not counted."""
        if self._scores is None:
            self._scores = self._score()
        return self._scores

    def _score(self) -> dict:
        scores: dict = defaultdict(float)
        pieces, depth = self.pieces, self._link_depth
        # Blocks in the order of their first piece of text.
        units = sorted((owned[0], unit, owned) for unit, owned in self._units if owned)
        for _, unit, owned in units:
            # Fragments and link lists do not vote.  Cleaning removes no hanzi and only shortens
            # the text, so the raw text rules most blocks out before it is cleaned.
            raw = "".join(map(pieces.__getitem__, owned))
            if len(raw) < 10:
                continue
            link = sum(len(pieces[i]) for i in owned if i in depth)
            if link > 0.5 * len(raw):
                continue
            han = count_han(raw)
            if han < 10:
                continue
            text = clean_text(raw)
            if link > 0.5 * len(text):
                continue
            # A <p>'s text votes for the block that holds it; text directly in a div/td votes for it.
            holder = unit
            while _tag(holder) in CLIMB_TAGS and holder.getparent() is not None:
                holder = holder.getparent()
            punctuation = text.count("，") + text.count("。") + text.count(",")
            scores[holder] += han + 3 * punctuation
        return scores


def _tag(el) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def find_body(doc, page: PageText | None = None):
    """The element holding the article body, or None when the page has no paragraph text.

    The block with the most paragraph votes wins.  When that block holds a single paragraph and
    blocks near it hold others (a CMS that puts every paragraph in its own <div>, a 2005 portal
    that gives each paragraph its own table row or table), the nearest ancestor holding them all
    is the body: at most :data:`CLIMB_LEVELS` levels up, counting only votes at most that deep
    under it, so a sidebar in another column of the page never joins.  ``page`` is the
    :class:`PageText` of ``doc`` if already made.
    """
    page = page if page is not None else PageText(doc)
    scores = page.scores
    if not scores:
        return None
    best = max(scores.items(), key=lambda kv: kv[1])[0]
    if len([t for t in page.line_texts(best) if len(t) >= 10]) > 1:
        return best
    ancestor = best
    for _ in range(CLIMB_LEVELS):
        ancestor = ancestor.getparent()
        if ancestor is None:
            break
        if sum(1 for el in scores if _is_within(el, ancestor, CLIMB_LEVELS)) >= 2:
            return ancestor
    return best


# How far the body climbs from a one-paragraph block to the blocks of its other paragraphs.
CLIMB_LEVELS = 3


def _is_within(el, ancestor, levels: int) -> bool:
    """Whether ``ancestor`` is ``el`` or one of its ``levels`` nearest ancestors."""
    for _ in range(levels + 1):
        if el is ancestor:
            return True
        el = el.getparent()
        if el is None:
            return False
    return False


def block_lines(el) -> list[tuple[str, float]]:
    """Lines of text in ``el`` split at block tags and <br>, with the share of link text in each.

    >>> block_lines(parse_page("<div>联镇村<br>促发展<p><a href=x>链接</a>文字</p></div>"))
    [('联镇村', 0.0), ('促发展', 0.0), ('链接文字', 0.5)]
    """
    return PageText(el).lines(el)


def no_space(text: str) -> str:
    """``text`` without any white space (how lines are compared with the headline).

    >>> no_space("\u3000联镇村 促发展\xa0")
    '联镇村促发展'
    """
    return WS_RE.sub("", text)


def norm_clean(text: str) -> str:
    """``no_space`` of a text that went through :func:`clean_text` (its only spaces are " ").

    >>> norm_clean(clean_text("\u3000联镇村 促发展\xa0")) == no_space("\u3000联镇村 促发展\xa0")
    True
    """
    return text.replace(" ", "")
