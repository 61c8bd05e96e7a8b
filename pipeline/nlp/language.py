"""The spaCy ``zh`` pipeline: blank, jieba's words, sentences, facts.

No model is downloaded: spaCy's blank Chinese language (``spacy.lang.zh.Chinese``, what
``spacy.blank("zh")`` makes, without reading a config) whose tokenizer is :class:`JiebaTokenizer`
(jieba with the user dictionaries of the settings, rjieba where it gives the same words), then the
components of :mod:`pipeline.nlp.components`, in this order:

1. ``zh_sentences``: sentence boundaries (``pipeline.text.sentence_spans``);
2. ``newsfacts_facts``: the facts of those sentences (``pipeline.facts.reader.extract``).

A pipeline is built once per process and per segmentation settings (each worker builds its own)
and cached.  spaCy, jieba and rjieba are imported when the first one is built, without what the
pipeline never uses (:mod:`pipeline.nlp.libraries`), and jieba's dictionary comes from the
project's cache (:mod:`pipeline.nlp.dictionary`).  Worker processes are forked from a process
that has done all that once (:mod:`pipeline.nlp.preload`): they only add the user dictionaries
and the components.
"""
from __future__ import annotations

import logging
import threading

from pipeline.config import SegmentSettings, default_settings
from pipeline.nlp import dictionary
from pipeline.nlp.components import register_components
from pipeline.nlp.libraries import import_jieba, import_spacy, rjieba_installed
from pipeline.nlp.segmenter import FastJieba, load_user_dicts
from pipeline.nlp.tokenizer import JiebaTokenizer, token_texts

log = logging.getLogger(__name__)

COMPONENTS = ("zh_sentences", "newsfacts_facts")

_lock = threading.Lock()
_cache: dict[SegmentSettings, object] = {}


def get_nlp(segment: SegmentSettings | None = None):
    """The cached ``spacy.Language`` for these segmentation settings (default: the shipped ones)."""
    segment = segment or default_settings().segment
    with _lock:
        nlp = _cache.get(segment)
        if nlp is None:
            nlp = _cache[segment] = build_nlp(segment)
    return nlp


# The longest article read (the read/ limits on page bytes bound it long before this).
MAX_ARTICLE_CHARS = 50_000_000


def build_nlp(segment: SegmentSettings):
    """A new pipeline (see the module docstring); :func:`get_nlp` keeps one per settings."""
    fast = segment.fast and rjieba_installed()
    if segment.fast and not fast:
        log.warning("rjieba is not installed: segmenting with jieba only (slower, same tokens)")
    jieba = import_jieba()
    jieba.setLogLevel(logging.WARNING)
    dictionary.initialize()  # jieba's prefix dictionary, from the project's cache
    load_user_dicts(segment.dictionary_paths())
    import_spacy()
    from spacy.lang.zh import Chinese  # spaCy (0.3-0.5 s) loads when a pipeline is built, by import_spacy

    register_components()
    nlp = Chinese()  # its character tokenizer is replaced at once
    segmenter = jieba.dt
    if fast:
        try:
            segmenter = FastJieba()
        except ImportError as exc:
            log.warning("rjieba cannot be imported (%s): segmenting with jieba only (slower, same tokens)", exc)
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, segmenter)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    # spaCy's 1,000,000-character limit guards parser and NER models, which this pipeline has none
    # of: an article printed over many pages may be longer, and was lost with spaCy's message.
    nlp.max_length = MAX_ARTICLE_CHARS
    return nlp


def extract_facts(text: str, published_at: str | None = None) -> list:
    """The facts of a text as records, read by the spaCy pipeline (``doc._.facts``).

    >>> [(f.fact_type, f.value, f.unit) for f in extract_facts("实现财政总收入128.4亿元，增长12.9%。")]
    [('indicator', 12840000000.0, 'CNY'), ('percentage', 12.9, '%')]
    """
    doc = get_nlp()(text, component_cfg={"newsfacts_facts": {"published_at": published_at, "spans": False}})
    return doc._.facts


def segment(text: str, nlp=None) -> list[str]:
    """jieba tokens of ``text`` through the spaCy pipeline, whitespace tokens dropped.

    >>> segment("该项目计划总投资21.9亿元")
    ['该', '项目', '计划总投资', '21.9', '亿元']
    """
    nlp = nlp or get_nlp()
    return [t for t in token_texts(nlp.make_doc(text)) if t.strip()]
