"""Links on HTML pages the crawler fetched: article links and the pages of a channel (list).

Pure functions over decoded HTML; nothing here opens a file or a socket.  HTML goes through bs4
(the project's HTML toolkit).  The following pages of a multi-page article are read from its page
bar by :mod:`pipeline.read.pagebar` (shared with batch runs, which join them too; its names are
also reachable from here), page names by :mod:`pipeline.urls` (TRS/WCM lists ``index.shtml``,
``index_1.shtml`` ...; articles ``0086.shtml``, ``0086_2.shtml`` ...; people.cn's
``c1004-40189999-2.html``).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipeline.read.pagebar import (  # noqa: F401  (article_continuations, following_pages, is_pager_text: re-exported)
    anchors,
    article_continuations,
    base_of,
    drop_fragment,
    following_pages,
    html_soup,
    is_next_text,
    is_pager_text,
    link_label,
)
from pipeline.urls import (  # noqa: F401  (is_same_article_page: re-exported)
    absolute_http_url,
    is_same_article_page,
    page_number_readings,
    page_of,
    split_page_url,
    unique_urls,
)


# --------------------------------------------------------------------------- links on a page

# TRS/WCM channel pages draw their pager from a script: createPageHTML(countPage, currentPage, "index", "shtml").
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")


def page_links(html: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the ``<a href>`` on a page, without fragments, unique, in order.

    >>> page_links('<a href="a.html#x">A</a><a href="javascript:go(2)">2</a><a href="a.html">A</a>'
    ...            '<a href="mailto:x@x.cn">m</a><a href="/b.shtml">B</a>', "http://x.cn/news/index.shtml")
    ['http://x.cn/news/a.html', 'http://x.cn/b.shtml']
    """
    return unique_urls(url for url, _ in anchors(html_soup(html), base_url))


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
    soup = html_soup(html)
    current = drop_fragment(base_url)
    base = base_of(soup, base_url)
    nexts: list[str | None] = []
    for tag in soup.find_all(["a", "link"], href=True):
        rel = [r.lower() for r in (tag.get("rel") or [])]
        if "next" in rel or (tag.name == "a" and is_next_text(link_label(tag))):
            nexts.append(absolute_http_url(tag["href"], base))
    nexts.extend(_script_pager_next(soup, base))
    split = split_page_url(current)
    siblings: list[str] = []
    if split is not None:
        directory, name, ext = split
        stems = page_number_readings(name)
        query = urlsplit(current).query
        for url, _tag in anchors(soup, base_url):
            if any(page_of(url, directory, stem, ext, query) for stem, _ in stems):
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
