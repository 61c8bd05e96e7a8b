"""The marked text of a parsed page: its text with a marker where each element starts and ends.

:class:`pipeline.extract.pagetext.PageText` reads a page from this one string.  It is written in C:
by ``_marked.c``, a walk of libxml2's tree built with the compiled HTML stage
(pipeline/compiled.py) and used with the lxml it was built for, else by libxslt (a stylesheet
with an apply-templates per element); a tree too deep for libxslt off the main thread is walked in
Python.  All three write the same string (tests/extract/test_marked_in_c.py, test_pagetext.py).
"""
from __future__ import annotations

import importlib
import resource
import threading
from functools import lru_cache
from typing import Any

from lxml import etree

# Block-level tags: text on either side of them is on separate lines.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
# Elements whose text may be the headline (:mod:`pipeline.extract.headline`).
HEADING_TAGS = ("h1", "h2", "h3", "div", "td", "span", "font", "strong", "b", "p")


# Each element is written as MARK + an opening letter, its text and children, MARK + a closing
# letter; its tail follows.  Opening letters: a block (B), a block that may be the headline: <h1>
# (T), <h2> or <h3> (U), <p> (P), another (H); a block whose votes climb (C: <h4>-<h6>, <center>);
# an <a> (A), a <br> (R), an element that may be the headline and is no block (J: their votes
# climb too), any other element (I).  Closing: a block (b), an <a> (a), any other (i).
MARK = "\x80"  # a C1 control character: pages do not hold it (checked on every page, see marked_text)
OTHER_MARKS = ("\ufdd0", "\U000f0000", "\U00100000")  # noncharacter, private use planes 15 and 16
_OPENING, _CLOSING, _LINE_LETTERS = "BHTUPCAJIR", "bai", "BHTUPCbR"
_HEADING_BLOCKS = frozenset(HEADING_TAGS) & BLOCK_TAGS
_OWN_LETTERS = {"h1": "T", "h2": "U", "h3": "U", "p": "P", "h4": "C", "h5": "C", "h6": "C", "center": "C",
                "a": "A", "br": "R"}
_LETTERED = BLOCK_TAGS | set(HEADING_TAGS) | set(_OWN_LETTERS)  # the tags with letters of their own


def _opening(tag) -> str:
    if tag in _OWN_LETTERS:
        return _OWN_LETTERS[tag]
    if tag in BLOCK_TAGS:
        return "H" if tag in _HEADING_BLOCKS else "B"
    return "J" if tag in HEADING_TAGS else "I"


def _closing(tag) -> str:
    return "b" if tag in BLOCK_TAGS else "a" if tag == "a" else "i"


@lru_cache(maxsize=4)
def _stylesheet(mark: str) -> etree.XSLT:
    """The XSLT that writes the marked text of a tree (an apply-templates per element, in C)."""
    def template(match: str, opening: str, closing: str) -> str:
        def text(s: str) -> str:
            return "".join(f"&#{ord(c)};" for c in s)
        return (f'<xsl:template match="{match}"><xsl:text>{text(mark + opening)}</xsl:text>'
                f'<xsl:apply-templates/><xsl:text>{text(mark + closing)}</xsl:text></xsl:template>')
    letters: dict[str, list[str]] = {}
    for tag in sorted(_LETTERED):
        letters.setdefault(_opening(tag), []).append(tag)
    return etree.XSLT(etree.XML(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:output method="text" encoding="UTF-8"/>'
        + "".join(template("|".join(tags), letter, _closing(tags[0])) for letter, tags in letters.items())
        + template("*", "I", "i") + "</xsl:stylesheet>"))


def _marked_by_walk(root, mark: str) -> str:
    """What :func:`_stylesheet` writes, by a walk in Python (for trees too deep for libxslt's
    recursion on a small stack)."""
    out: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        element = isinstance(el.tag, str)
        if event == "start":
            if element:
                out.append(mark + _opening(el.tag))
                if el.text:
                    out.append(el.text)
            continue
        if element:
            out.append(mark + _closing(el.tag))
        if el.tail and el is not root:
            out.append(el.tail)  # a comment's tail too: its text is that of the parent
    return "".join(out)


# libxslt recurses once per level of the tree, ~1 KB of C stack each, and libxml2 builds trees up
# to 2,047 levels deep (huge_tree): on the main thread's stack (8 MB) that is safe; in another
# thread the depth is checked first, and a deeper tree is walked in Python.
SAFE_DEPTH = 200
_DEEPER_THAN_SAFE = etree.XPath("boolean(" + "/*" * (SAFE_DEPTH + 1) + ")")
_MAIN_STACK = resource.getrlimit(resource.RLIMIT_STACK)[0]
_AMPLE_MAIN_STACK = _MAIN_STACK == resource.RLIM_INFINITY or _MAIN_STACK >= 8 * 2**20


def _walker_in_c() -> Any:
    """``pipeline.extract._marked`` (the same walk in C, over libxml2's nodes) when it was built with
    the compiled HTML stage (pipeline/compiled.py) against the lxml that runs; else None."""
    try:
        module = importlib.import_module("pipeline.extract._marked")
    except ImportError:
        return None
    return module if getattr(module, "LXML_VERSION", None) == etree.__version__ else None


_IN_C: Any = _walker_in_c()
# Each tag's opening and closing letters, as the C walk reads them (any other tag: "Ii").
_C_LETTERS = {tag.encode(): (_opening(tag) + _closing(tag)).encode() for tag in _LETTERED}


def marked_text(root, mark: str = MARK) -> str:
    """The text of the tree under ``root`` with a marker where each element starts and ends.

    >>> marked_text(etree.HTML("<p>联镇村<a href=x>促<b>发</b>展</a><br>x</p>")).replace(MARK, "|")
    '|B|B|P联镇村|A促|J发|i展|a|R|ix|b|b|b'
    """
    if _IN_C is not None:  # about 2.5x faster than libxslt, at any depth
        marked = _IN_C.marked_text(root, etree._Element, mark.encode("utf-8"), _C_LETTERS)
        if marked is not None:
            return marked
    if (threading.current_thread() is threading.main_thread() and _AMPLE_MAIN_STACK) or not _DEEPER_THAN_SAFE(root):
        return str(_stylesheet(mark)(root))
    return _marked_by_walk(root, mark)
