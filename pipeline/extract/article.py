"""HTML page -> Article: metadata from the chrome, body from the best text block.

``extract_article`` is the public entry point; it is pure (bytes or text in,
record out) so it runs the same in a worker process, on Dask or in a notebook.
"""
from __future__ import annotations

import re
from typing import Any

from pipeline.config import Settings, SiteRules, default_settings
from pipeline.errors import Skip
from pipeline.extract import body as hb
from pipeline.extract import bylines, dates
from pipeline.extract import metadata as meta
from pipeline.extract.chrome import body_paragraphs
from pipeline.extract.decode import decode_html
from pipeline.extract.headline import find_headline, index_of_line
from pipeline.records import Article
from pipeline.text import HAN_RUN_RE
from pipeline.urls import canonical_url, host_of

SOFT_404 = re.compile(r"(页面不存在|页面未找到|找不到该页面|404 Not Found|文章已删除|该文章不存在|信息已过期)")
ORIGINAL_TITLE_RE = re.compile(r"原标题\s*[:：]\s*(.+)")
INFO_ROLE_RE = re.compile("(" + bylines.either("作者|撰文|撰稿|本报记者|记者|通讯员|实习生|文/|文／") + ")")
INFO_CUT_RE = re.compile(
    "(" + bylines.either("来源|稿源|发布|时间|日期|责任编辑|编辑|浏览|点击|审核|字号") + r"|(?:19|20)\d\d[-/.年])"
)
# A line that says when the page was published, wherever it sits (发布时间：…, 更新日期 …).
DATE_LABEL = re.compile(r"(发布|发表|更新|时间|日期|来源|稿源)")
BREADCRUMB_RE = re.compile(r"(?:当前位置|您的位置|您当前的位置|所在位置)\s*[:：]?\s*(.+)")
BREADCRUMB_WORD = "位置"  # in every label above: a line without it is not searched


def extract_article(
    raw: bytes | str,
    url: str | None = None,
    *,
    location: str | None = None,
    content_type: str | None = None,
    fetched_at: str | None = None,
    settings: Settings | None = None,
) -> Article:
    """Extract title, metadata and body of one news page.

    ``raw`` is the page as bytes (the codec is chosen here: BOM, ``content_type``,
    meta charset, detection) or as already-decoded text.  ``url`` is where the
    page came from, if known.  ``settings`` gives the earliest plausible date and the per-site
    selectors (default: the shipped settings).  Raises :class:`Skip` for pages without an
    article (empty, soft 404, no body text).
    """
    settings = settings or default_settings()
    location = location or url or "<page>"
    flags: list[str] = []
    encoding = None
    utf8 = None  # the text as UTF-8, when the page's bytes are that already
    if isinstance(raw, bytes):
        decoded = decode_html(raw, content_type, location)
        text, encoding, utf8 = decoded.text, decoded.encoding, decoded.utf8
        flags.extend(decoded.flags)
    else:
        text = raw
    if not text.strip():
        raise Skip("empty_page", location, "the page has no content; check the file or the fetch")
    earliest = settings.extract.earliest_date
    pathological = hb.pathological_markup(text)
    if pathological:
        raise Skip("pathological_markup", location,
                   f"{pathological}: parsing it would take minutes; the page is not read")
    doc = hb.parse_page(text, utf8)
    head = _head_metadata(doc, earliest)
    hb.strip_tags(doc)

    page_url, canonical = _choose_url(head, url)
    site_rules = settings.site_rules(host_of(page_url))
    overrides = _apply_site_rules(text, site_rules) if site_rules else {}

    # One walk over the page gives its lines, the body votes and the lines of any block.
    page, line_texts = _walk(doc, text)

    if "body" in overrides:
        body_lines = overrides["body"]
    else:
        body_el = hb.find_body(doc, page)
        if not _has_article(page):
            # an article hidden until a script shows it (display:none): read it with the hidden blocks
            shown = hb.parse_page(text, utf8)
            hb.strip_tags(shown, keep_hidden=True)
            shown_page, shown_lines = _walk(shown, text)
            if _has_article(shown_page):
                doc, page, line_texts = shown, shown_page, shown_lines
                body_el = hb.find_body(doc, page)
                flags.append("hidden_body_shown")
        if body_el is None:
            _raise_no_body(line_texts, location)
        body_lines = page.lines(body_el)
    body_texts = [text for text, _ in body_lines]
    body_start = index_of_line(line_texts, hb.norm_clean(body_texts[0])) if body_texts else None

    site = head.get("site_name")
    title_text, listed = meta.split_title(head.get("title") or "", site)
    segments = tuple(listed)
    if meta.is_site_name(title_text):
        title_text, segments = "", (*segments, title_text)
    title, title_index = find_headline(doc, page, line_texts, title_text, head.get("og_title"), body_start,
                                       (*segments, site or ""))
    title = overrides.get("title") or title
    if not site:
        site = segments[-1] if segments else _site_from_breadcrumb(line_texts) or host_of(page_url)

    paragraphs, repeated = body_paragraphs(body_lines, title)
    if repeated:
        flags.append("repeated_block_collapsed")
    content = "\n".join(paragraphs)
    if not _has_han(content, 20):
        _raise_no_body(line_texts, location)

    # Metadata lines sit between the headline and the body; search there first.
    info = line_texts[title_index:] if title_index is not None else line_texts
    info = info[:15]
    if paragraphs:
        # the info block ends where the body begins
        end = index_of_line(info, hb.norm_clean(paragraphs[0]))
        if end is not None:
            info = info[:end]
    info_text = "\n".join(info)
    all_text = "\n".join(line_texts)

    published = _published(overrides.get("published_at"), head.get("published"), info_text,
                           line_texts, paragraphs, earliest)
    source = overrides.get("source_name")
    source = (meta.parse_source(source) or source.strip()) if source else None
    source = source or meta.parse_source(info_text) or _unlabelled_source(info) or meta.parse_source(all_text)

    authors = _authors(info, body_texts, paragraphs) or head.get("authors", [])
    editor = meta.parse_editor(all_text)
    m = ORIGINAL_TITLE_RE.search(all_text)
    original_title = hb.clean_text(m.group(1)) if m else None

    canonical = canonical or canonical_url(page_url)
    if page_url and canonical is None:
        flags.append("bad_url")  # a URL that cannot be parsed (bad port, IPv6 literal): the page is kept without it
    return Article(
        location=location,
        url=canonical,
        site=site,
        title=title or None,
        original_title=original_title,
        published_at=published,
        source_name=source,
        authors=tuple(authors),
        editor=editor,
        content=content,
        fetched_at=fetched_at,
        encoding=encoding,
        flags=tuple(flags),
    )


def _walk(doc, text: str) -> tuple[hb.PageText, list[str]]:
    """One reading of a page parsed from ``text``: its text, and the lines of its <body>."""
    page = hb.PageText(doc, text)
    body = hb.body_of(doc)
    return page, page.line_texts(body if body is not None else doc)


# Paragraph votes (Han characters and punctuation) below which a page shows no article.
MIN_ARTICLE_VOTES = 30


def _has_article(page: hb.PageText) -> bool:
    return max(page.scores.values(), default=0) >= MIN_ARTICLE_VOTES


def _has_han(text: str, n: int) -> bool:
    """``count_han(text) >= n``, reading only as far as needed."""
    found = 0
    for run in HAN_RUN_RE.finditer(text):
        found += run.end() - run.start()
        if found >= n:
            return True
    return False


def _raise_no_body(line_texts: list[str], location: str) -> None:
    if any(SOFT_404.search(t) for t in line_texts[:40]):
        raise Skip("soft_404", location, "the page says it does not exist (a 'not found' page served with 200)")
    raise Skip("empty_body", location, "no article text was found; if the site hides it, add a body selector under [sites] in the config")


def _head_metadata(doc, earliest: str) -> dict[str, Any]:
    """Title, site name, URLs, publish time and author from <head>."""
    out: dict[str, Any] = {}
    title_el = doc.find(".//title")
    title = hb.text_content(title_el) if title_el is not None else ""
    if title:
        out["title"] = hb.clean_text(title)
    for el in doc.iter("meta", "link"):  # one walk for both (the link only gives the canonical URL)
        if el.tag == "link":
            if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
                out.setdefault("canonical", el.get("href").strip())
            continue
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if not key or not value:
            continue
        if key == "og:site_name":
            out.setdefault("site_name", value)
        elif key == "og:title":
            out.setdefault("og_title", hb.clean_text(value))
        elif key == "og:url":
            out.setdefault("og_url", value)
        elif key in ("article:published_time", "publishdate", "pubdate", "publish_date", "publishtime",
                     "og:release_date", "datepublished", "releasedate", "firstpublishedtime"):
            published = dates.parse_iso_meta_date(value, earliest)
            if published:
                out.setdefault("published", published)
        elif key in ("author", "article:author"):
            out.setdefault("authors", bylines.parse_byline(value))
    return out


def _choose_url(head: dict, url: str | None) -> tuple[str | None, str | None]:
    """rel=canonical, og:url, else the fetched URL; a canonical on another host is not trusted.
    With the URL's canonical form when it was made on the way (None otherwise)."""
    for candidate in (head.get("canonical"), head.get("og_url")):
        canonical = canonical_url(candidate) if candidate else None
        if canonical:
            if url and host_of(url) and host_of(candidate) != host_of(url):
                continue
            return candidate, canonical
    return url, None


def _site_from_breadcrumb(line_texts: list[str]) -> str | None:
    for line in line_texts[:60]:
        m = BREADCRUMB_RE.search(line) if BREADCRUMB_WORD in line else None
        if m:
            first = re.split(r"\s*(?:>|＞|»|›|/|→)\s*", m.group(1).strip())[0]
            if first and first not in ("首页", "网站首页") and len(first) <= 16:
                return first
    return None


def _published(override: str | None, meta_date: str | None, info_text: str, line_texts: list[str],
               paragraphs: list[str], earliest: str) -> str | None:
    """The publication time: a site rule, else the time shown under the headline (a meta tag only
    adds the time of day the page leaves out), else a meta tag, else a dated line outside the body.
    Dates inside the article's paragraphs are what the article talks about, never its own date."""
    if override:
        return dates.parse_date(override, earliest) or meta_date
    shown = dates.parse_date(info_text, earliest)
    if shown:
        if meta_date and len(shown) == 10 and meta_date.startswith(shown):
            return meta_date
        return shown
    if meta_date:
        return meta_date
    body = {hb.norm_clean(p) for p in paragraphs}  # paragraphs and lines are cleaned
    for line in line_texts:
        if len(line) < 80 and DATE_LABEL.search(line) and hb.norm_clean(line) not in body:
            found = dates.parse_date(line, earliest)
            if found:
                return found
    # a date alone on a line just above or right after the body: [2005年05月13日] / (2005-05-13)
    if paragraphs:
        first = index_of_line(line_texts, hb.norm_clean(paragraphs[0]))
        last = index_of_line(line_texts, hb.norm_clean(paragraphs[-1]))
        near = (line_texts[max(0, first - 3):first] if first is not None else []) + (
            line_texts[last + 1:last + 4] if last is not None else [])
        for line in near:
            if dates.is_date_line(line):
                return dates.parse_date(line, earliest)
    return None


def _unlabelled_source(info_lines: list[str]) -> str | None:
    for line in info_lines:
        found = meta.unlabelled_source(line)
        if found:
            return found
    return None


def _authors(info_lines: list[str], body_lines: list[str], paragraphs: list[str]) -> list[str]:
    """Bylined people in byline order: the info line, a byline line over the body and the lead
    paragraphs' brackets, then the closing byline line and brackets."""
    names: list[str] = []

    def add(found: list[str]) -> None:
        names.extend(name for name in found if name not in names)

    for line in info_lines:
        m = INFO_ROLE_RE.search(line)
        if not m or len(line) > 120:
            continue
        rest = line[m.start():]
        cut = INFO_CUT_RE.search(rest, len(m.group(1)))
        found = bylines.parse_byline(rest[: cut.start()] if cut else rest)
        if found:
            add(found)
            break
    for line in body_lines[:4]:
        add(bylines.byline_line(line))
    for paragraph in paragraphs[:2]:
        for fragment in bylines.bylines_in(paragraph[:200]):
            add(bylines.parse_byline(fragment))
    for line in body_lines[-4:]:
        add(bylines.byline_line(line))
    for paragraph in paragraphs[-2:]:
        for fragment in bylines.bylines_in(paragraph[-120:]):
            add(bylines.parse_byline(fragment))
    return names


def _apply_site_rules(text: str, rules: SiteRules) -> dict[str, Any]:
    """Fields picked by the CSS selectors of a per-site override (BeautifulSoup select)."""
    from bs4 import BeautifulSoup  # 0.1 s to import, and only pages of a site with rules need it

    soup = BeautifulSoup(text, "lxml")
    for selector in rules.remove:
        for el in soup.select(selector):
            el.decompose()
    out: dict[str, Any] = {}
    for field in ("title", "published_at", "source_name"):
        selector = getattr(rules, field)
        if selector:
            chosen = soup.select_one(selector)
            if chosen is not None:
                out[field] = hb.clean_text(chosen.get_text(" "))
    if rules.body:
        chosen = soup.select_one(rules.body)
        if chosen is not None:
            doc = hb.parse_page(str(chosen))
            hb.strip_tags(doc)
            body = hb.body_of(doc)
            out["body"] = hb.block_lines(body if body is not None else doc)
    return out
