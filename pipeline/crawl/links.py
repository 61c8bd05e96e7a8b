"""Links on HTML pages the crawler fetched: article links, the pages of a channel (list) and the
following pages of a multi-page article.

Pure functions over decoded HTML; nothing here opens a file or a socket.  HTML goes through bs4
(the project's HTML toolkit).  Page-name helpers know the numbering of the usual Chinese CMSs:
TRS/WCM lists ``index.shtml``, ``index_1.shtml`` ...; articles ``0086.shtml``, ``0086_2.shtml``
...; and people.cn's ``c1004-40189999-2.html``.
"""
from __future__ import annotations

import posixpath
import re
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from pipeline.urls import absolute_http_url, unique_urls

MAX_ARTICLE_PAGES = 50  # gaps in an article's page bar are filled only up to this page


# --------------------------------------------------------------------------- page names

# Page names: a stem, optionally "_N" or "-N" (N = 1..9999, no leading zero), and an extension.
_PAGE_NAME = re.compile(r"^(?P<stem>.+?)(?:(?P<sep>[_-])(?P<n>[1-9]\d{0,3}))?\.(?P<ext>s?html?|php|aspx?|jsp)$", re.I)
_NAME = re.compile(r"^(?P<name>.+)\.(?P<ext>s?html?|php|aspx?|jsp)$", re.I)


def split_page_url(url: str) -> tuple[str, str, str] | None:
    """``(directory URL, file name without extension, extension)`` of a page URL, or None.

    A URL ending in ``/`` is its directory's ``index`` page.

    >>> split_page_url("http://x.cn/a/0086_2.shtml?x=1")
    ('http://x.cn/a/', '0086_2', 'shtml')
    >>> split_page_url("http://x.cn/xwzx/")
    ('http://x.cn/xwzx/', 'index', '')
    >>> split_page_url("http://x.cn/a/list.do") is None
    True
    """
    parts = urlsplit(url)
    directory, name = posixpath.split(parts.path or "/")
    directory = directory.rstrip("/") + "/"
    head = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), directory, "", ""))
    if not name:
        return head, "index", ""
    match = _NAME.match(name)
    if not match:
        return None
    return head, match.group("name"), match.group("ext").lower()


def page_number_readings(name: str) -> list[tuple[str, int]]:
    """The ways a file name can be read as (article/list stem, page number), page 1 first.

    ``0086_2`` is page 2 of ``0086``, but it could also be page 1 of an article
    whose id is ``0086_2``; both readings are returned and callers use the
    links on the page to decide.

    >>> page_number_readings("0086_2")
    [('0086_2', 1), ('0086', 2)]
    >>> page_number_readings("t20240305_5847563")
    [('t20240305_5847563', 1)]
    >>> page_number_readings("c1004-40189999-3")
    [('c1004-40189999-3', 1), ('c1004-40189999', 3)]
    """
    readings = [(name, 1)]
    match = _PAGE_NAME.match(name + ".html")
    if match and match.group("n"):
        readings.append((match.group("stem"), int(match.group("n"))))
    return readings


def _page_of(url: str, directory: str, stem: str, ext: str, query: str = "") -> int | None:
    """Page number of ``url`` if it is ``stem`` or ``stem_N`` / ``stem-N`` in ``directory``.

    The query must be the current page's (``list.aspx?page=1`` is not a numbered sibling).
    """
    split = split_page_url(url)
    if split is None or split[0] != directory or (ext and split[2] != ext) or urlsplit(url).query != query:
        return None
    name = split[1]
    if name == stem and (split[2] or not ext):
        return 1
    if name.startswith(stem) and len(name) > len(stem) + 1 and name[len(stem)] in "_-":
        number = name[len(stem) + 1:]
        if number.isdigit() and not number.startswith("0") and len(number) <= 4:
            return int(number)
    return None


def is_same_article_page(url_a: str, url_b: str) -> bool:
    """Whether two URLs can be pages of one multi-page article (by name only).

    >>> is_same_article_page("http://x.cn/a/0086.shtml", "http://x.cn/a/0086_2.shtml")
    True
    >>> is_same_article_page("http://x.cn/a/0086_3.shtml", "http://x.cn/a/0086_2.shtml")
    True
    >>> is_same_article_page("http://x.cn/a/0086.shtml", "http://x.cn/a/0087_2.shtml")
    False
    >>> is_same_article_page("http://x.cn/a/0086.shtml", "http://x.cn/b/0086_2.shtml")
    False
    >>> is_same_article_page("http://x.cn/a/t2024_5847563.shtml", "http://x.cn/a/t2024_5847564.shtml")
    False
    """
    a, b = split_page_url(url_a), split_page_url(url_b)
    if a is None or b is None or a[0] != b[0] or a[2] != b[2]:
        return False
    stems_a = {stem for stem, _ in page_number_readings(a[1])}
    stems_b = {stem for stem, _ in page_number_readings(b[1])}
    return bool(stems_a & stems_b)


# --------------------------------------------------------------------------- links on a page

# Link texts that mean "next page".  Arrows only count alone; words may be decorated ("[下一页]", "下一页>>").
_NEXT_ARROWS = {">", "»", "›", "＞", "→"}
_NEXT_WORDS = {"下一页", "下页", "后页", "下一頁", "下頁", "next", "nextpage"}
_DECORATION = "[]【】()（）<>《》«»‹›＜＞→←·. "
# Texts of a page-number bar (first, previous, numbered, next, last).
_PAGER_WORDS = {"首页", "上一页", "上页", "前页", "尾页", "末页", "最后一页", "prev", "previous", "first", "last"}
_PAGE_TEXT = re.compile(r"^(?:第)?(\d{1,4})(?:页)?$")
# TRS/WCM channel pages draw their pager from a script: createPageHTML(countPage, currentPage, "index", "shtml").
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")


def _compact(text: str) -> str:
    return "".join(text.split()).lower()


def is_next_text(text: str) -> bool:
    """Whether a link text means "next page".

    >>> [is_next_text(t) for t in ("下一页", " [下一页] ", "下一页>>", "»", ">", "Next ›", "下一篇", "尾页")]
    [True, True, True, True, True, True, False, False]
    """
    compact = _compact(text)
    if compact in _NEXT_ARROWS:
        return True
    return compact.strip(_DECORATION) in _NEXT_WORDS


def is_pager_text(text: str) -> bool:
    """Whether a link text belongs to a page-number bar ("1", "第2页", "上一页", "尾页", "下一页").

    >>> [is_pager_text(t) for t in ("2", "[3]", "第2页", "尾页", "下一页", "相关新闻", "2024")]
    [True, True, True, True, True, False, True]
    """
    compact = _compact(text).strip(_DECORATION)
    return is_next_text(text) or compact in _PAGER_WORDS or bool(_PAGE_TEXT.match(compact))


def _soup(html: str):
    from bs4 import BeautifulSoup  # bs4 (0.1 s) loads when the crawler first reads a page's links

    return BeautifulSoup(html, "lxml")


def _base(soup, base_url: str) -> str:
    tag = soup.find("base", href=True)
    if tag is not None:
        resolved = absolute_http_url(tag["href"], base_url)
        if resolved:
            return resolved
    return base_url


def _anchors(soup, base_url: str) -> Iterator[tuple[str, object]]:
    """(absolute URL, tag) of every usable <a href>, in document order."""
    base = _base(soup, base_url)
    for tag in soup.find_all("a", href=True):
        url = absolute_http_url(tag["href"], base)
        if url:
            yield url, tag


def _label(tag) -> str:
    """What a link says: its text, else its title or the alt of its image (arrow icons)."""
    text = tag.get_text(" ", strip=True)
    if text:
        return text
    img = tag.find("img", alt=True)
    return tag.get("title") or (img["alt"] if img is not None else "")


def _drop_fragment(url: str) -> str:
    return absolute_http_url(url, url) or url


def page_links(html: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the ``<a href>`` on a page, without fragments, unique, in order.

    >>> page_links('<a href="a.html#x">A</a><a href="javascript:go(2)">2</a><a href="a.html">A</a>'
    ...            '<a href="mailto:x@x.cn">m</a><a href="/b.shtml">B</a>', "http://x.cn/news/index.shtml")
    ['http://x.cn/news/a.html', 'http://x.cn/b.shtml']
    """
    return unique_urls(url for url, _ in _anchors(_soup(html), base_url))


def next_pages(html: str, base_url: str) -> list[str]:
    """Pagination links of a channel or list page, the "next" links first.

    "Next" is a link whose text (or title, or image alt) is 下一页, 下页, 后页,
    ``>``, ``»`` or Next, a ``rel="next"`` link, or the page after the current
    one in a TRS ``createPageHTML(...)`` pager.  Then come the numbered
    siblings linked from the page: for ``index.shtml`` the links to
    ``index_1.shtml``, ``index_2.shtml`` ...; for ``list.htm`` ``list_2.htm`` ...

    >>> next_pages('<a href="index_1.shtml">2</a><a href="index_5.shtml">尾页</a><a href="index_1.shtml">下一页</a>'
    ...            '<a href="t2024_123.shtml">新闻</a>', "http://x.gov.cn/xwzx/index.shtml")
    ['http://x.gov.cn/xwzx/index_1.shtml', 'http://x.gov.cn/xwzx/index_5.shtml']
    """
    soup = _soup(html)
    current = _drop_fragment(base_url)
    base = _base(soup, base_url)
    nexts: list[str | None] = []
    for tag in soup.find_all(["a", "link"], href=True):
        rel = [r.lower() for r in (tag.get("rel") or [])]
        if "next" in rel or (tag.name == "a" and is_next_text(_label(tag))):
            nexts.append(absolute_http_url(tag["href"], base))
    nexts.extend(_script_pager_next(soup, base))
    split = split_page_url(current)
    siblings: list[str] = []
    if split is not None:
        directory, name, ext = split
        stems = page_number_readings(name)
        query = urlsplit(current).query
        for url, _tag in _anchors(soup, base_url):
            if any(_page_of(url, directory, stem, ext, query) for stem, _ in stems):
                siblings.append(url)
    return [url for url in unique_urls([*nexts, *siblings]) if url != current]


def _script_pager_next(soup, base: str) -> list[str]:
    for script in soup.find_all("script"):
        match = _CREATE_PAGE.search(script.get_text())
        if match:
            count, current, prefix, suffix = int(match[1]), int(match[2]), match[3], match[4]
            if current + 1 < count:
                url = absolute_http_url(f"{prefix}_{current + 1}.{suffix}", base)
                return [url] if url else []
    return []


def article_continuations(html: str, base_url: str) -> list[str]:
    """The following pages of the same multi-page article, in page order; [] for a one-page article.

    Pages are found through the links of the article's page bar (numbers,
    下一页): ``0086.shtml`` continues in ``0086_2.shtml``, ``0086_3.shtml``
    ... (or ``-2`` for people.cn).  Gaps in a long bar ("1 2 3 ... 9") are
    filled up to ``MAX_ARTICLE_PAGES``.  A link to a *different* article with
    a similar name (``t2024_587.shtml`` from ``t2024_586.shtml``) is not taken
    unless its text is page-bar text, so related-article lists are ignored.

    >>> bar = '<div class="page"><a href="0086.shtml">1</a><a href="0086_2.shtml">2</a><a href="0086_3.shtml">3</a></div>'
    >>> article_continuations(bar, "http://x.cn/a/0086.shtml")
    ['http://x.cn/a/0086_2.shtml', 'http://x.cn/a/0086_3.shtml']
    >>> article_continuations(bar, "http://x.cn/a/0086_2.shtml")
    ['http://x.cn/a/0086_3.shtml']
    >>> article_continuations('<a href="0087.shtml">相关新闻</a>', "http://x.cn/a/0086.shtml")
    []
    """
    current_url = _drop_fragment(base_url)
    split = split_page_url(current_url)
    if split is None or not split[2]:
        return []
    query = urlsplit(current_url).query
    directory, name, ext = split
    anchors = list(_anchors(_soup(html), base_url))
    for stem, current in page_number_readings(name):
        # Reading "this is page 1 of <name>" is unambiguous by structure; reading "this is page N
        # of a shorter stem" could also match neighbouring article ids, so it needs page-bar text.
        needs_pager_text = current > 1
        numbers: dict[int, str] = {}
        for url, tag in anchors:
            page = _page_of(url, directory, stem, ext, query)
            if page is None or (needs_pager_text and not is_pager_text(_label(tag))):
                continue
            numbers.setdefault(page, url)
        later = sorted(n for n in numbers if n > current)
        if not later and not (set(numbers) - {current}):
            continue  # no page bar under this reading
        if later and later[-1] <= MAX_ARTICLE_PAGES:
            sep = _separator(numbers, stem) or "_"
            for n in range(current + 1, later[-1]):
                numbers.setdefault(n, f"{directory}{stem}{sep}{n}.{ext}")
            later = sorted(n for n in numbers if n > current)
        return [numbers[n] for n in later]
    return []


def _separator(numbers: dict[int, str], stem: str) -> str | None:
    for n, url in numbers.items():
        if n > 1:
            name = split_page_url(url)[1]  # type: ignore[index]
            return name[len(stem)]
    return None
