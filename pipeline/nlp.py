"""The spaCy ``zh`` pipeline: blank, jieba segmenter, sentences on Chinese punctuation.

No model is downloaded: ``spacy.blank("zh")`` with jieba as segmenter, a
user dictionary of economic terms, and a sentence splitter.  The pipeline is
built once per process (workers each build their own) and cached.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Iterable

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language

log = logging.getLogger(__name__)

# A sentence ends after these (closing quotes/brackets that follow stay with it).
SENT_END = frozenset("。！？!?…")
CLOSERS = frozenset("”’」』)）】")

_lock = threading.Lock()
_cache: dict[tuple[str, ...], Language] = {}


@Language.component(
    "zh_sentences",
    assigns=["token.is_sent_start"],
)
def zh_sentences(doc):
    """Sentence starts after 。！？… (and their closing quotes) and after line breaks.

    The starts are computed from the token texts in one pass and written with ``from_array``:
    setting ``is_sent_start`` token by token costs more than the segmentation itself.
    """
    if len(doc) == 0:
        return doc
    starts = numpy.zeros(len(doc), dtype="uint64")
    not_start = numpy.uint64(-1 & 0xFFFFFFFFFFFFFFFF)  # SENT_START -1 (not a start), as from_array stores it
    starts[:] = not_start
    starts[0] = 1
    start_next = False
    for i, text in enumerate(t.text for t in doc):
        if not text.strip() or all(ch in CLOSERS for ch in text):
            # spaces and closing quotes stay with the sentence they end
            if "\n" in text:
                start_next = True
            continue
        if start_next and i:
            starts[i] = 1
            start_next = False
        if text[-1] in SENT_END:
            start_next = True
    doc.from_array([SENT_START], starts.reshape(-1, 1))
    return doc


def load_user_dicts(paths: Iterable[str | Path]) -> list[Path]:
    """Add jieba user dictionaries (once per process and path); returns those loaded."""
    import jieba

    loaded = []
    for path in paths:
        p = Path(path)
        if not p.exists():
            log.warning("user dictionary %s does not exist; segmentation goes on without it", p)
            continue
        jieba.load_userdict(str(p))
        loaded.append(p)
    return loaded


def get_nlp(user_dicts: Iterable[str | Path] | None = None) -> Language:
    """The cached pipeline for these user dictionaries (default: those of the shipped config)."""
    from pipeline.config import load_config, resolve_path

    if user_dicts is None:
        user_dicts = load_config()["segment"]["user_dicts"]
    key = tuple(str(resolve_path(p)) for p in user_dicts)
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            nlp = _build(key)
            _cache[key] = nlp
    return nlp


def _build(user_dicts: tuple[str, ...]) -> Language:
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # uses jieba's own cached prefix dictionary in the temp dir
    load_user_dicts(user_dicts)
    import pipeline.components  # noqa: F401  (registers the newsfacts_facts factory)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("zh_sentences")
    nlp.add_pipe("newsfacts_facts")
    return nlp


def extract_facts(text: str, published_at: str | None = None) -> list:
    """The facts of a text as records, read by the spaCy pipeline (``doc._.facts``).

    >>> [(f.fact_type, f.value, f.unit) for f in extract_facts("实现财政总收入128.4亿元，增长12.9%。")]
    [('indicator', 12840000000.0, 'CNY'), ('percentage', 12.9, '%')]
    """
    doc = get_nlp()(text, component_cfg={"newsfacts_facts": {"published_at": published_at}})
    return doc._.facts


def segment(text: str, nlp: Language | None = None) -> list[str]:
    """jieba tokens of ``text`` through the spaCy pipeline, whitespace tokens dropped.

    >>> segment("该项目计划总投资21.9亿元")
    ['该', '项目', '计划总投资', '21.9', '亿元']
    """
    nlp = nlp or get_nlp()
    return [t.text for t in nlp.make_doc(text) if not t.is_space and t.text.strip()]
