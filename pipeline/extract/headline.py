"""The article's headline: the visible heading that matches <title>, else the heading over the body.

``<title>`` is only a hint: it may be the site's name or slogan, carry site prefixes and
suffixes, or be empty, while the page shows the headline in an ``<h1>``, a ``<td class=title>``,
a ``<font size=5><b>`` or a large styled ``<p>`` just above the body.
"""
from __future__ import annotations

import re

import numpy as np

from pipeline.extract import body as hb

HEADLINE_HINT = re.compile(r"(title|headline|biaoti|bt|tit|hd)", re.I)
FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem)?", re.I)
# Lines above the body that are no headline: info lines, dates, bylines, breadcrumbs.
NOT_HEADLINE = re.compile(r"(来源|稿源|作者|编辑|发布|时间|日期|浏览|点击|记者|当前位置|您的位置|首页\s*[>＞]|[。！？]$)")


def index_of_line(lines: list[str], norm: str) -> int | None:
    """Index of the first (cleaned) line that is ``norm`` once white space is removed.

    >>> index_of_line(["首页", "鄞州 项目开工", "鄞州项目开工"], "鄞州项目开工")
    1
    """
    if not norm:
        return None
    for i, line in enumerate(lines):
        # a cleaned line starts with its first non-space character and only loses characters
        if line[0] == norm[0] and len(line) >= len(norm) and hb.norm_clean(line) == norm:
            return i
    return None


def styled_as_heading(el) -> bool:
    """Whether an element is dressed as a headline: a heading tag, a title class, big or bold type.

    >>> doc = hb.parse_page('<p style="font-size:24px">甲</p><font size=5>乙</font><p>丙</p><b>丁</b>')
    >>> [styled_as_heading(el) for el in doc.iter("p", "font", "b")]
    [True, True, False, True]
    """
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("h1", "h2", "h3", "b", "strong"):
        return True
    if HEADLINE_HINT.search((el.get("class") or "") + " " + (el.get("id") or "")):
        return True
    size = el.get("size")
    if tag == "font" and size and size.strip().lstrip("+").isdigit():
        return int(size.strip().lstrip("+")) >= 5 or size.strip().startswith("+")
    m = FONT_SIZE.search(el.get("style") or "")
    if m:
        value, unit = float(m.group(1)), (m.group(2) or "px").lower()
        return value >= {"px": 18, "pt": 14, "em": 1.3, "rem": 1.3}[unit]
    return False


def find_headline(doc, page: hb.PageText, line_texts: list[str], title_text: str, og_title: str | None,
                  body_start: int | None, site_names: tuple[str, ...] = ()) -> tuple[str, int | None]:
    """The headline and its index in the page lines.

    A visible heading whose text is the <title>'s headline (or og:title) wins, then any <h1>,
    then a heading-styled line just above the body (``body_start`` is the index of the body's
    first line), then the <title>'s headline itself.  ``site_names`` (the site segments of <title>
    and og:site_name) are never the headline.

    The candidates are the elements of :data:`pipeline.extract.marked.HEADING_TAGS` with 4 to
    100 characters of text, in document order.  A page has hundreds (menus, lists); the text of
    a candidate is built only when its length without white space can match a wanted text or a
    line above the body, or when it is an <h1>.
    """
    sites = {hb.no_space(name) for name in site_names if name}
    wanted = [hb.no_space(t) for t in (title_text, og_title) if t]
    numbers, lengths, letters = page.heading_candidates(4, 100)
    # min(len(norm), len(w)) >= 0.6 * max(len(norm), len(w)): what a match with a wanted text needs
    near = np.zeros(len(numbers), dtype=np.bool_)
    for w in wanted:
        near |= np.minimum(lengths, len(w)) >= 0.6 * np.maximum(lengths, len(w))
    best: tuple[int, str] | None = None
    for k, letter in zip(numbers[near | (letters == ord("T"))].tolist(), letters[near | (letters == ord("T"))].tolist()):
        text = page.clean_text(k)
        if not 4 <= len(text) <= 100:
            continue
        norm = hb.norm_clean(text)
        rank = None
        for w in wanted:
            if norm == w:
                rank = 0
            elif w and (w.startswith(norm) or norm.startswith(w)) and min(len(norm), len(w)) >= 0.6 * max(len(norm), len(w)):
                rank = 1 if rank is None else rank
        if rank is None and letter == ord("T") and norm not in sites:
            rank = 2  # any <h1> but the site's logo
        elif rank is not None and letter not in (ord("T"), ord("U")) and not HEADLINE_HINT.search(
            (page.element(k).get("class") or "") + (page.element(k).get("id") or "")
        ):
            rank += 1  # a heading tag (<h1>, <h2>, <h3>) or a title class makes a match more certain
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, text)
    if best is not None:
        title = best[1]
    else:
        title = _heading_above_body(page, numbers, lengths, line_texts, body_start) or title_text
    return title, index_of_line(line_texts, hb.no_space(title))


def _heading_above_body(page: hb.PageText, numbers: np.ndarray, lengths: np.ndarray, line_texts: list[str],
                        body_start: int | None) -> str | None:
    """The heading-styled line closest above the body, among the few lines before it (``numbers``
    and ``lengths``: the headline candidates of :func:`find_headline`)."""
    if not body_start:
        return None
    above = {hb.no_space(line): i for i, line in enumerate(line_texts[max(0, body_start - 6):body_start])}
    sizes = [len(norm) for norm in above if 6 <= len(norm) <= 60]
    best: tuple[int, str] | None = None
    for k in numbers[np.logical_or.reduce([lengths == size for size in sizes] or [lengths < 0])].tolist():
        text = page.clean_text(k)
        if not 4 <= len(text) <= 100:
            continue
        norm = hb.norm_clean(text)
        i = above.get(norm)
        if i is None or len(norm) < 6 or len(norm) > 60 or NOT_HEADLINE.search(text) or not styled_as_heading(
                page.element(k)):
            continue
        if best is None or i > best[0]:
            best = (i, text)
    return best[1] if best else None
