"""Multi-page articles in batch runs: the following pages of an article (``0086_2.shtml``,
``0086_3.shtml`` after ``0086.shtml``) found among the pages of the same input are joined to its
first page, as the crawler joins the pages it fetches.

:func:`iter_articles` turns the inputs of a run into *articles*: a list of RawPages (the first
page, then its following pages in page order) for :func:`pipeline.page.process_pages`, plus the
Skips of the reader in their place and one :class:`Joined` record per following page (counted
by the run; it is no article of its own).  Both engines run :func:`join_pages`, the local one over
the whole input, the Dask one per partition with the pages around it (:func:`needs_context`).

**Where following pages are looked for.**  Only among the pages of one *run*: the saved pages of
one folder listed one after the other (a subfolder holding pages, a WARC or an input that cannot
be listed ends the run), or the records of one WARC/ARC file.  A page's URL is its WARC target
URI or browser ``saved from`` URL, else (saved pages) its ``rel=canonical`` / ``og:url``; a saved
page with neither is known by its path (``sub/0086_2.shtml``), and a first page's following pages
are then also looked for by file name next to it.  The page bar is read by
:func:`pipeline.read.pagebar.following_pages`, as in the crawler.

**The window.**  A following page is looked for at most ``JOIN_WINDOW`` (20) positions (pages or
skipped records of the run) before or after its first page: sorted file names keep the pages of
an article together (``0086.shtml``, ``0086_10.shtml`` ... ``0086_2.shtml``; people.cn's
``-2`` pages sort *before* their first page) and a crawl writes them right after it.  Every
decision about a position depends only on the pages within ``REACH`` = 2 x ``JOIN_WINDOW``
positions of it, so a page is handed on once ``REACH`` more pages of its run have been read: at
most ``4 x JOIN_WINDOW + 1`` positions (81) are kept, with the bytes of at most
``3 x JOIN_WINDOW + 1`` pages (61), whatever the size of the input; and a Dask partition decides
exactly as the local run with ``REACH`` pages of context on either side.

**The rules** (a page *claims* another when one of its following pages is that page's URL, within
the window):

* a page that no page claims is a *first page*; with its following pages it is one article;
* a claimed page belongs to the claimer with the lowest page number (then the nearest, then the
  one before it), if that claimer is a first page and the page is the nearest copy of that URL
  to it (then the one after it); it is then a following page, joined;
* any other page (a page 2 whose first page is not in the input, a second copy) is an article of
  its own, as are pages a first page names but the run does not hold (the article is the pages
  found).
"""
from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from pipeline.errors import Skip
from pipeline.read.files import input_files, read_file
from pipeline.read.pagebar import following_pages, may_link_following_pages
from pipeline.records import RawPage
from pipeline.urls import canonical_url, identity_url, page_number_readings, split_page_url

JOIN_WINDOW = 20  # positions between a first page and a following page (the crawler joins up to 20)
REACH = 2 * JOIN_WINDOW  # positions on either side that a decision looks at
SAVED_BASE = "http://saved-page.invalid/"  # the URL of a saved page known by its path only
HEAD_BYTES = 256 * 1024  # where a canonical link is looked for when </head> is not found first

Scope = tuple  # ("folder", absolute directory) or ("archive", unit index)
Pages = list  # list[RawPage]: an article's first page and its following pages, in page order


@dataclass(frozen=True, slots=True)
class Joined:
    """A following page of a multi-page article, joined into the article of its first page."""

    location: str
    into: str  # location of the first page (the article's location)
    key: str = ""  # the page's RawPage.key: an earlier run may have stored it under this key

    def __str__(self) -> str:
        return f"JOIN location={self.location} into={self.into}"


@dataclass(slots=True)
class Slot:
    """One position of a run: a page or a skip, with what the joining rules read of it."""

    unit: int  # index of the input file it comes from (a Dask partition hands on its own units only)
    item: RawPage | Skip | None  # None once handed on
    key: str | None = None  # identity of the page's URL (or path); None: a skip, or no URL
    wants: tuple[frozenset[str], ...] = ()  # its following pages in page order, each as the keys it may have
    rank: int = 0  # its page number in its page bar (a page with following pages)
    numbered: bool = False  # its name is that of a page 2, 3 ... (only such a page can be claimed)


# --------------------------------------------------------------------------- what a page says


_HEAD_END = re.compile(rb"</head\s*>", re.I)
_TAG = re.compile(rb"<(link|meta)\b([^>]*)>", re.I)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def head_url(body: bytes) -> str | None:
    """The page URL a saved page states: ``<link rel="canonical">``, else ``<meta property="og:url">``
    (http(s) only, as the extractor takes them).

    >>> head_url(b'<head><meta property="og:url" content="http://x.cn/b.html"><link href="http://x.cn/a.html" rel="canonical"></head>')
    'http://x.cn/a.html'
    >>> head_url(b'<head><link rel="canonical" href="/a.html"></head><body><link rel="canonical" href="http://x.cn/c.html">') is None
    True
    """
    end = _HEAD_END.search(body, 0, HEAD_BYTES)
    head = body[:end.start() if end else HEAD_BYTES]
    found: dict[str, str] = {}
    for match in _TAG.finditer(head):
        attrs = {}
        for name, *values in _ATTR.findall(match.group(2)):
            value = next((v for v in values if v), b"")
            attrs.setdefault(name.lower(), html.unescape(value.decode("utf-8", "replace")).strip())
        if match.group(1).lower() == b"link":
            if "canonical" in attrs.get(b"rel", "").lower().split() and attrs.get(b"href"):
                found.setdefault("canonical", attrs[b"href"])
        else:
            key = (attrs.get(b"property") or attrs.get(b"name") or attrs.get(b"itemprop") or "").lower()
            if key == "og:url" and attrs.get(b"content"):
                found.setdefault("og_url", attrs[b"content"])
    for candidate in (found.get("canonical"), found.get("og_url")):
        if candidate and canonical_url(candidate):
            return candidate
    return None


def saved_url(location: str) -> str:
    """The URL a saved page without one is known by: its path under ``SAVED_BASE``.

    >>> saved_url("sub/0086_2.shtml")
    'http://saved-page.invalid/sub/0086_2.shtml'
    """
    return SAVED_BASE + quote(location, safe="/")


def page_slot(unit: int, item: RawPage | Skip, saved: bool) -> Slot:
    """What the joining rules need of one page (``saved``: a saved file, not a WARC record)."""
    if isinstance(item, Skip):
        return Slot(unit, item)
    path_url = saved_url(item.location) if saved else None
    url = item.url or (head_url(item.body) if saved else None)
    base = url or path_url
    key = identity_url(base)
    if key is None:
        return Slot(unit, item)
    split = split_page_url(key)
    numbered = split is not None and len(page_number_readings(split[1])) > 1
    wants: list[frozenset[str]] = []
    rank = 0
    if may_link_following_pages(item.body, base):
        pages = following_pages(item.body, base)
        for page in pages:
            forms = {identity_url(page)}
            if path_url:  # a following page saved without its URL is found by its file name next to this one
                forms.add(identity_url(urljoin(path_url, posixpath.basename(urlsplit(page).path))))
            wants.append(frozenset(f for f in forms if f))
        if pages:
            rank = page_number_readings(split_page_url(pages[0])[1])[-1][1] - 1  # type: ignore[index]
    return Slot(unit, item, key, tuple(wants), rank, numbered)


def needs_context(slots: Iterable[Slot]) -> bool:
    """Whether pages around these can change what becomes of them: some page has following pages
    or could be one.  Otherwise each is an article of its own (Dask reads no context then)."""
    return any(slot.wants or slot.numbered for slot in slots)


def scope_of(path: str, kind: str, index: int) -> Scope:
    """The run an input file's pages belong to: its folder, or the archive itself."""
    return ("archive", index) if kind == "archive" else ("folder", os.path.dirname(os.path.abspath(path)))


def unit_slots(index: int, path: str, location: str, kind: str, max_bytes: int) -> Iterator[tuple[Scope, Slot]]:
    """(scope, slot) of every page and skip of one input file, read as the engines read it."""
    scope = scope_of(path, kind, index)
    for item in read_file(path, location, kind, max_bytes):
        yield scope, page_slot(index, item, saved=kind != "archive")


# --------------------------------------------------------------------------- the joining rules


class _Run:
    """The positions of one run around the page being handed on (see the module's rules)."""

    def __init__(self, own: Callable[[int], bool], window: int):
        self.own, self.w = own, window
        self.slots: dict[int, Slot] = {}
        self.size = 0  # positions read
        self.done = 0  # positions handed on

    def add(self, slot: Slot) -> Iterator[Pages | Skip | Joined]:
        self.slots[self.size] = slot
        self.size += 1
        while self.size > self.done + 2 * self.w:
            yield from self._hand_on()

    def finish(self) -> Iterator[Pages | Skip | Joined]:
        while self.done < self.size:
            yield from self._hand_on()

    # -- rules --------------------------------------------------------------------------------
    def _around(self, i: int) -> list[int]:
        return [j for j in range(i - self.w, i + self.w + 1) if j != i and j in self.slots]

    def _claims(self, j: int, i: int) -> bool:
        a, b = self.slots[j], self.slots[i]
        return bool(a.wants) and a.key != b.key and any(b.key in want for want in a.wants)

    def _taker(self, i: int) -> int | None:
        """The page that claims page ``i``: lowest page number, then nearest, then the one before."""
        if not self.slots[i].numbered:
            return None
        claimers = [j for j in self._around(i) if self._claims(j, i)]
        return min(claimers, key=lambda j: (self.slots[j].rank, abs(i - j), j > i), default=None)

    def _is_first(self, i: int) -> bool:
        return self.slots[i].key is not None and self._taker(i) is None

    def _nearest(self, h: int, want: frozenset[str]) -> int | None:
        """The copy of a following page nearest to its first page ``h`` (then the one after it)."""
        found = [p for p in self._around(h) if self.slots[p].key in want and self.slots[p].key != self.slots[h].key]
        return min(found, key=lambda p: (abs(p - h), p < h), default=None)

    def _following(self, h: int) -> list[int]:
        """The positions joined to first page ``h``, in page order."""
        pages: list[int] = []
        for want in self.slots[h].wants:
            p = self._nearest(h, want)
            if p is not None and p not in pages and self._taker(p) == h:
                pages.append(p)
        return pages

    def _is_following(self, i: int) -> bool:
        h = self._taker(i)
        return h is not None and self._is_first(h) and any(
            self._nearest(h, want) == i for want in self.slots[h].wants if self.slots[i].key in want)

    # -- handing on ---------------------------------------------------------------------------
    def _hand_on(self) -> Iterator[Pages | Skip | Joined]:
        i = self.done
        slot = self.slots[i]
        self.done += 1
        if self.own(slot.unit):
            if isinstance(slot.item, Skip):
                yield slot.item
                slot.item = None
            elif slot.key is None or not self._is_following(i):
                following = self._following(i) if self._is_first(i) else []
                yield [slot.item, *(self.slots[p].item for p in following)]
                for p in following:
                    yield Joined(self.slots[p].item.location, slot.item.location, self.slots[p].item.key)
                    self.slots[p].item = None
                slot.item = None
        # what no later position looks at any more (a following page before its first page was
        # kept until that page was handed on)
        self.slots.pop(self.done - 1 - 2 * self.w, None)


def join_pages(entries: Iterable[Skip | tuple[Scope, Slot]],
               own: Callable[[int], bool] | None = None,
               window: int = JOIN_WINDOW) -> Iterator[Pages | Skip | Joined]:
    """Articles (lists of RawPages), Skips and Joined records of a stream of (scope, slot) in input
    order; a Skip entry (an input that cannot be listed) ends the run, as a change of scope does.

    ``own``: hand on only the positions of these units (a Dask partition; the others are context).
    Articles come in the order of their first page, Skips in their place.
    """
    own = own or (lambda unit: True)
    scope, run = None, _Run(own, window)
    for entry in entries:
        if isinstance(entry, Skip):
            yield from run.finish()
            scope, run = None, _Run(own, window)
            yield entry
            continue
        where, slot = entry
        if where != scope:
            yield from run.finish()
            scope, run = where, _Run(own, window)
        yield from run.add(slot)
    yield from run.finish()


def iter_articles(paths: Iterable[str | os.PathLike], max_bytes: int) -> Iterator[Pages | Skip | Joined]:
    """The articles of the inputs of a run: :func:`pipeline.read.files.iter_raw_pages` with the
    following pages of multi-page articles joined to their first page."""

    def entries() -> Iterator[Skip | tuple[Scope, Slot]]:
        index = 0  # as pipeline.engines.dask.iter_units numbers the input files
        for item in input_files(paths):
            if isinstance(item, Skip):
                yield item
                continue
            yield from unit_slots(index, *item, max_bytes)
            index += 1

    return join_pages(entries())
