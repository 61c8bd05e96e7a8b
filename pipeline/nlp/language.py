"""The spaCy ``zh`` pipeline: blank, jieba's words, sentences, facts.

No model is downloaded: ``spacy.blank("zh")`` whose tokenizer is :class:`JiebaTokenizer` (jieba
with the user dictionaries of the settings, rjieba where it gives the same words), then the
components of :mod:`pipeline.nlp.components`, in this order:

1. ``zh_sentences``: sentence boundaries (``pipeline.text.sentence_spans``);
2. ``newsfacts_facts``: the facts of those sentences (``pipeline.facts.reader.extract``).

A pipeline is built once per process and per segmentation settings (each worker builds its own)
and cached.  spaCy and jieba are imported when the first one is built.
"""
from __future__ import annotations

import logging
import threading

from pipeline.config import SegmentSettings, default_settings
from pipeline.nlp.components import register_components
from pipeline.nlp.segmenter import FastJieba, load_user_dicts, rjieba_available
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
    import jieba  # jieba (and its 1 s dictionary) and spaCy (0.8 s) load only when a pipeline is built
    import spacy

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # uses jieba's own cached prefix dictionary in the temp dir
    load_user_dicts(segment.dictionary_paths())
    register_components()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    fast = segment.fast
    if fast and not rjieba_available():
        log.warning("rjieba is not installed: segmenting with jieba only (slower, same tokens)")
        fast = False
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, FastJieba() if fast else jieba.dt)
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
    doc = get_nlp()(text, component_cfg={"newsfacts_facts": {"published_at": published_at}})
    return doc._.facts


def segment(text: str, nlp=None) -> list[str]:
    """jieba tokens of ``text`` through the spaCy pipeline, whitespace tokens dropped.

    >>> segment("该项目计划总投资21.9亿元")
    ['该', '项目', '计划总投资', '21.9', '亿元']
    """
    nlp = nlp or get_nlp()
    return [t for t in token_texts(nlp.make_doc(text)) if t.strip()]
