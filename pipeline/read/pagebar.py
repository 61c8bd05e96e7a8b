"""The page bar of a multi-page article: which following pages a page links to.

Shared by the crawler (which fetches the following pages, ``pipeline.crawl.crawler``) and the
batch reader (which finds them among the saved pages and WARC records of a run,
``pipeline.read.multipage``), so that both join the same pages into one article.  Pure functions
over HTML; HTML goes through bs4 (the project's HTML toolkit); page names are read by
:func:`pipeline.urls.page_number_readings` (``0086.shtml`` continues in ``0086_2.shtml`` ...,
people.cn's ``c1004-40189999.html`` in ``c1004-40189999-2.html``).
"""
from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlsplit

from pipeline.urls import absolute_http_url, page_number_readings, page_of, split_page_url

MAX_ARTICLE_PAGES = 50  # gaps in an article's page bar are filled only up to this page
MAX_FOLLOWING_PAGES = 20  # following pages joined to one article (crawl and batch runs alike)

# Link texts that mean "next page".  Arrows only count alone; words may be decorated ("[下一页]", "下一页>>").
_NEXT_ARROWS = {">", "»", "›", "＞", "→"}
_NEXT_WORDS = {"下一页", "下页", "后页", "下一頁", "下頁", "next", "nextpage"}
_DECORATION = "[]【】()（）<>《》«»‹›＜＞→←·. "
# Texts of a page-number bar (first, previous, numbered, next, last).
_PAGER_WORDS = {"首页", "上一页", "上页", "前页", "尾页", "末页", "最后一页", "prev", "previous", "first", "last"}
_PAGE_TEXT = re.compile(r"^(?:第)?(\d{1,4})(?:页)?$")


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


def html_soup(html: str):
    from bs4 import BeautifulSoup  # bs4 (0.1 s) loads when the links of a page are first read

    return BeautifulSoup(html, "lxml")


def base_of(soup, base_url: str) -> str:
    """The URL relative links resolve against: the page's ``<base href>``, else ``base_url``."""
    tag = soup.find("base", href=True)
    if tag is not None:
        resolved = absolute_http_url(tag["href"], base_url)
        if resolved:
            return resolved
    return base_url


def anchors(soup, base_url: str) -> Iterator[tuple[str, object]]:
    """(absolute URL, tag) of every usable <a href>, in document order."""
    base = base_of(soup, base_url)
    for tag in soup.find_all("a", href=True):
        url = absolute_http_url(tag["href"], base)
        if url:
            yield url, tag


def link_label(tag) -> str:
    """What a link says: its text, else its title or the alt of its image (arrow icons)."""
    text = tag.get_text(" ", strip=True)
    if text:
        return text
    img = tag.find("img", alt=True)
    return tag.get("title") or (img["alt"] if img is not None else "")


def drop_fragment(url: str) -> str:
    return absolute_http_url(url, url) or url


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
    current_url = drop_fragment(base_url)
    split = split_page_url(current_url)
    if split is None or not split[2]:
        return []
    query = urlsplit(current_url).query
    directory, name, ext = split
    links = list(anchors(html_soup(html), base_url))
    for stem, current in page_number_readings(name):
        # Reading "this is page 1 of <name>" is unambiguous by structure; reading "this is page N
        # of a shorter stem" could also match neighbouring article ids, so it needs page-bar text.
        needs_pager_text = current > 1
        numbers: dict[int, str] = {}
        for url, tag in links:
            page = page_of(url, directory, stem, ext, query)
            if page is None or (needs_pager_text and not is_pager_text(link_label(tag))):
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


def following_pages(body: bytes, url: str) -> list[str]:
    """The following pages of the article on a fetched or saved page (its bytes and its URL), at
    most ``MAX_FOLLOWING_PAGES``: what the crawler fetches and a batch run joins.

    Only the links are read here, so the bytes are decoded as UTF-8 with replacement whatever the
    page's charset (hrefs and page numbers are ASCII); the extractor decodes the text properly.

    >>> following_pages(b'<a href="0086_2.shtml">2</a><a href="0086_3.shtml">3</a>', "http://x.cn/a/0086.shtml")
    ['http://x.cn/a/0086_2.shtml', 'http://x.cn/a/0086_3.shtml']
    """
    return article_continuations(body.decode("utf-8", "replace"), url)[:MAX_FOLLOWING_PAGES]


def may_link_following_pages(body: bytes, url: str) -> bool:
    """A quick test before :func:`following_pages` (which parses the whole page): False when no
    numbered sibling of the name of ``url`` (``0086_2``, ``0086-3`` for ``0086.shtml``) is written
    anywhere in the bytes, so they link no following page (short of a name broken by whitespace
    or written with character references, which no CMS does).

    >>> page = b'<div class="page"><a href="0086.shtml">1</a> <a href="0086_2.shtml">2</a></div>'
    >>> may_link_following_pages(page, "http://x.cn/a/0086.shtml"), may_link_following_pages(page, "http://x.cn/a/0087.shtml")
    (True, False)
    >>> may_link_following_pages(b"", "http://x.cn/a/")  # an index page is no article page
    False
    """
    split = split_page_url(drop_fragment(url))
    if split is None or not split[2]:
        return False
    for stem, _ in page_number_readings(split[1]):
        if not stem.isascii() or "%" in stem:
            return True  # written in the page in another form than in the URL: parse it
        if _stem_numbered(body, stem.encode("ascii")):
            return True
    return False


# what follows a page's name stem where the name of one of its following pages is written
_NUMBER_AFTER_STEM = re.compile(rb"\s*[_-]\s*[1-9]")


def _stem_numbered(body: bytes, stem: bytes) -> bool:
    """Whether ``stem`` is written somewhere in ``body`` followed by a page number (``0086_2``,
    ``0086 - 3``): every place the stem is found is tried.  A pattern made of the stem would be
    compiled anew for every page (each has a name of its own), which costs more than the search.

    >>> _stem_numbered(b"0086.shtml 0086_2.shtml", b"0086"), _stem_numbered(b"0086.shtml 0086_0", b"0086")
    (True, False)
    >>> _stem_numbered(b"aaa_2", b"aa")  # the stem found again inside its first finding
    True
    """
    at = body.find(stem)
    while at >= 0:
        if _NUMBER_AFTER_STEM.match(body, at + len(stem)):
            return True
        at = body.find(stem, at + 1)
    return False
