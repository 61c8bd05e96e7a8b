"""Find the article body in a parsed page.

Generic, with no per-site rules: every run of paragraph text votes for the
block that holds it (a ``<div>`` of ``<p>``, or a 2005-style ``<td>`` of
``<br>``-separated lines), links and short fragments do not vote, and the
block with the most votes is the body; a one-paragraph block climbs to the rows or
tables that hold the other paragraphs.  :mod:`pipeline.extract.chrome` then keeps the
article's lines among the block's lines.

For speed, a page is parsed into plain lxml elements (:func:`parse_page`) and its text is read
once (:class:`pipeline.extract.pagetext.PageText`): its lines, the body votes and the text of any
element come from that reading.
"""
from __future__ import annotations

import re

from lxml import etree

# PageText and clean_text are used through this module by the extractor (hb.PageText, hb.clean_text).
from pipeline.extract.pagetext import WS_RE, PageText, clean_text
from pipeline.text import count_han

# Never text of the article (a <marquee> scrolls other headlines or a ticker).
DROP_TAGS = frozenset("script style noscript iframe select option textarea button svg object embed head marquee".split())
# A <form> is a comment or search box, except on ASP-era sites that wrap the whole page in one:
# a form with this much text stays (unwrapped), a smaller one goes.
FORM_KEEPS_HAN = 200


# The page parser: plain lxml elements.  lxml.html's element classes are looked up by a Python
# callback for every element proxy, which costs about as much as the parse itself.
# huge_tree: text nested deeper than libxml2's default limit (about 255 levels) is kept, not dropped
# silently; pathological_markup refuses the pages that would make the parser slow.  Comments and
# processing instructions are never made (the text around them is kept, in one piece), nor the
# table of id attributes, which nothing looks up.
_PAGE_PARSER = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False)
# The same parser for the page's text encoded as UTF-8: libxml2 reads UTF-8 natively, while a str
# reaches it as UCS-4 and is converted first (the encoding costs less than the conversion; the
# trees are the same, checked on every bundled, development and benchmark page).
_UTF8_PAGE_PARSER = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False,
                                     encoding="utf-8")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parseable(text: str) -> str:
    # lxml refuses str input that carries an XML encoding declaration.
    # (the same object when nothing was taken out, as parse_page relies on)
    stripped, taken = _XML_DECLARATION.subn("", text)
    if taken:
        text = stripped
    return text if text.strip() else "<html></html>"


# A tag this long is looked at closely (a data: URI image can make a legit tag long) ...
LONG_TAG_CHARS = 65536
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{LONG_TAG_CHARS}}}[^<>]*")
_LONG_TAG_MIN = 2 + LONG_TAG_CHARS  # the shortest text it matches: a page shorter than that has no such tag
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
    if len(text) < _LONG_TAG_MIN:
        return None  # (most pages: the regex would try every tag of the page for nothing)
    for m in _LONG_TAG.finditer(text):
        n = len(_ATTRIBUTE.findall(m.group(0)))
        if n > MAX_ATTRIBUTES:
            return f"an element with {n} attributes"
    return None


def parse_page(text: str, utf8: bytes | None = None):
    """The lxml document of a decoded page (never bytes: the codec is chosen before), with plain
    ``lxml.etree`` elements, which are much cheaper to walk than lxml.html's; use
    :func:`body_of` and :func:`text_content` on it.  ``utf8``: ``text.encode("utf-8")`` when the
    caller has it (the page's own bytes, :attr:`pipeline.extract.decode.Decoded.utf8`).

    >>> doc = parse_page("<p>联镇村<!-- 注释 -->促发展</p>")
    >>> text_content(body_of(doc))
    '联镇村促发展'
    """
    parseable = _parseable(text)
    try:
        # (the bytes stand for the text only where _parseable changed nothing)
        data = utf8 if utf8 is not None and parseable is text else parseable.encode("utf-8")
        doc = etree.fromstring(data, _UTF8_PAGE_PARSER)
    except UnicodeEncodeError:  # a lone surrogate (text given as str, never decoded bytes)
        doc = etree.fromstring(parseable, _PAGE_PARSER)
    if doc is None:
        raise etree.ParserError("Document is empty")
    return doc


def body_of(doc):
    """The <body> element of a parsed page, or None (lxml.html's ``doc.body``)."""
    return next(doc.getroottree().iter("body", "{http://www.w3.org/1999/xhtml}body"), None)


_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def text_content(el) -> str:
    """All the text in ``el`` (lxml.html's ``text_content`` for plain elements)."""
    return _STRING_VALUE(el)


# What lxml keeps in the text it parses (&#11;, a raw \x0b, &#xfffe;) but refuses to set as a text or tail.
_TREE_REFUSES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # escapes read by re


def _settable(text: str) -> str:
    """``text`` as lxml lets it be set: a refused character that is white space (\\v, \\f,
    \\x1c-\\x1f) becomes a space, which the text's white space collapsing reads it as anyway
    (:data:`WS_RE`); any other is dropped, as the tree cannot hold it.

    >>> _settable("甲\\x0b乙\\x01丙\\ufffe")
    '甲 乙丙'
    """
    if _TREE_REFUSES.search(text) is None:
        return text
    return _TREE_REFUSES.sub(lambda m: " " if WS_RE.match(m.group()) else "", text)


def drop_tree(el) -> None:
    """Remove ``el`` and its children; its tail text stays (lxml.html's ``drop_tree``).

    >>> doc = parse_page("<p>联镇村<b hidden>x</b>&#11;促发展</p>"); drop_tree(doc.find(".//b"))
    >>> text_content(body_of(doc))
    '联镇村 促发展'
    """
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = _settable((parent.text or "") + el.tail)
        else:
            previous.tail = _settable((previous.tail or "") + el.tail)
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
    for form in forms[::-1]:  # innermost first: a small form inside a page-wide one goes
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
