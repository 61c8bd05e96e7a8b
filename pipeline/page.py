"""The per-page function: the bytes of one page in, everything the tables need about it out.

:func:`process_pages` runs the stages of a page, in order:

1. **extract** (``pipeline.extract``): decode the bytes, find title, metadata and body;
2. **nlp** (``pipeline.nlp``): the spaCy pipeline segments the body with jieba
   (``nlp.tokenizer``), draws the sentences (``nlp.components.zh_sentences``), judges whether
   the article is economic news and, if so, reads the facts and projects of those sentences
   (``nlp.components.newsfacts_facts``, which calls ``pipeline.facts.relevance.is_economic`` and
   ``pipeline.facts.reader.extract``);
3. **sign** (``pipeline.store.minhash``): the exact-duplicate hash and the MinHash signature of
   the normalized body, for the store to find duplicates.

It is pure (no files, no database), so the same function runs serially, in worker processes
(``pipeline.engines.local``), on Dask (``pipeline.engines.dask``) and in the crawler.
"""
from __future__ import annotations

import hashlib
import logging
import traceback
from dataclasses import replace

from pipeline.config import Settings, default_settings
from pipeline.errors import Skip
from pipeline.extract.article import extract_article
from pipeline.nlp.language import get_nlp
from pipeline.nlp.tokenizer import token_texts
from pipeline.records import Article, PageResult, RawPage, normalize_for_hash
from pipeline.store.minhash import signature, to_blob
from pipeline.urls import has_tracking

log = logging.getLogger(__name__)


def process_page(raw: RawPage, settings: Settings | None = None) -> PageResult:
    """Bytes of one page -> article, tokens, facts, projects and MinHash signature. Raises Skip.

    ``settings``: those of the run (default: the shipped settings).
    """
    return process_pages([raw], settings)


def process_pages(raws: list[RawPage], settings: Settings | None = None) -> PageResult:
    """One article printed over several pages (…_2.shtml): bodies joined in order, metadata of the first."""
    settings = settings or default_settings()
    article = extract(raws, settings)
    result = analyze(article, settings, found_url_is_clean=not has_tracking(raws[0].url))
    return replace(result, key=raws[0].key) if raws[0].key else result


def extract(raws: list[RawPage], settings: Settings) -> Article:
    """Stage 1: the article of the pages."""
    articles = [
        extract_article(raw.body, raw.url, location=raw.location, content_type=raw.content_type,
                        fetched_at=raw.fetched_at, settings=settings)
        for raw in raws
    ]
    article = articles[0]
    if len(articles) > 1:
        article = replace(article, content="\n".join(a.content for a in articles),
                          flags=article.flags + ("joined_pages",))
    return article


def analyze(article: Article, settings: Settings, found_url_is_clean: bool = True) -> PageResult:
    """Stages 2 and 3: tokens, sentences, facts and projects; the duplicate hash and signature."""
    nlp = get_nlp(settings.segment)
    # (no span group: it is for displaCy, and the run reads the facts off doc._.facts)
    doc = nlp(article.content,
              component_cfg={"newsfacts_facts": {"published_at": article.published_at, "spans": False}})
    tokens = tuple(t for t in token_texts(doc) if t.strip())
    norm = normalize_for_hash(article.content)  # once, for the exact-duplicate hash and the shingles
    sig = signature(norm, settings.dedupe.num_perm, settings.dedupe.shingle_size, normalized=True)
    return PageResult(
        article=replace(article, tokens=tokens, economic=doc._.economic),
        facts=tuple(doc._.facts),
        projects=tuple(doc._.projects),
        signature=to_blob(sig),
        found_url_is_clean=found_url_is_clean,
        content_sha1=hashlib.sha1(norm.encode("utf-8")).hexdigest(),
    )


def safe_process(raw: RawPage, settings: Settings) -> PageResult | Skip:
    """process_page that never raises: a failure becomes a Skip naming the page."""
    return safe_process_pages([raw], settings)


def safe_process_pages(raws: list[RawPage], settings: Settings) -> PageResult | Skip:
    """process_pages that never raises: a failure becomes a Skip naming the article (its first
    page) and, for a multi-page article, the page that failed."""
    try:
        return process_pages(raws, settings)
    except Skip as skip:
        locations = [raw.location for raw in raws]
        if skip.location in locations[1:]:  # a following page: the whole article is not stored
            page = locations.index(skip.location) + 1
            return Skip(skip.reason, locations[0],
                        f"page {page} ({skip.location}) of this {len(raws)}-page article: {skip.detail}")
        return skip
    except Exception as exc:  # a bug or a page we cannot handle must not stop the run
        log.debug("page %s failed:\n%s", raws[0].location, traceback.format_exc())
        return Skip("extract_error", raws[0].location, f"{type(exc).__name__}: {exc} (rerun with -v for the traceback)")
