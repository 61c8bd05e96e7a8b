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
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

# A sentence ends after these (closing quotes/brackets that follow stay with it).
SENT_END = frozenset("。！？!?…")
CLOSERS = frozenset("”’」』)）】")

_lock = threading.Lock()
_cache: dict[tuple[str, ...], Language] = {}


# What a token does to sentence boundaries, by its text (cached by ORTH id: the same few
# hundred punctuation and word types make up most tokens)
_PLAIN, _ENDS, _SKIP, _SKIP_NEWLINE = 0, 1, 2, 3
_kinds: dict[int, int] = {}


def _kind(text: str) -> int:
    if not text.strip() or all(ch in CLOSERS for ch in text):
        # spaces and closing quotes stay with the sentence they end
        return _SKIP_NEWLINE if "\n" in text else _SKIP
    return _ENDS if text[-1] in SENT_END else _PLAIN


@Language.component(
    "zh_sentences",
    assigns=["token.is_sent_start"],
)
def zh_sentences(doc):
    """Sentence starts after 。！？… (and their closing quotes) and after line breaks.

    The starts are computed from the token ids in one pass and written with ``from_array``:
    setting ``is_sent_start`` token by token costs more than the segmentation itself.
    """
    if len(doc) == 0:
        return doc
    if len(_kinds) > 500_000:  # numbers make new token types without end
        _kinds.clear()
    strings = doc.vocab.strings
    starts = numpy.zeros(len(doc), dtype="uint64")
    not_start = numpy.uint64(-1 & 0xFFFFFFFFFFFFFFFF)  # SENT_START -1 (not a start), as from_array stores it
    starts[:] = not_start
    starts[0] = 1
    start_next = False
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):
        kind = _kinds.get(orth)
        if kind is None:
            kind = _kinds[orth] = _kind(strings[orth])
        if kind >= _SKIP:
            if kind == _SKIP_NEWLINE:
                start_next = True
            continue
        if start_next and i:
            starts[i] = 1
            start_next = False
        if kind == _ENDS:
            start_next = True
    doc.from_array([SENT_START], starts.reshape(-1, 1))
    return doc


def load_user_dicts(paths: Iterable[str | Path]) -> list[Path]:
    """Add jieba user dictionaries (once per process and path); returns those loaded.

    The words are mirrored for the fast segmenter with the frequencies jieba gave them.
    """
    import jieba

    from pipeline.segmenter import mirror_user_dict

    loaded = []
    for path in paths:
        p = Path(path)
        if not p.exists():
            log.warning("user dictionary %s does not exist; segmentation goes on without it", p)
            continue
        words = _user_dict_words(p)
        before = {w: jieba.dt.FREQ.get(w, 0) or 0 for w in words}
        total = jieba.dt.total
        jieba.load_userdict(str(p))
        mirror_user_dict({w: jieba.dt.FREQ[w] for w in words}, before, jieba.dt.total - total)
        loaded.append(p)
    return loaded


def _user_dict_words(path: Path) -> list[str]:
    """The words of a jieba user dictionary, read as jieba reads them."""
    import jieba

    words = []
    for line in path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if line:
            words.append(jieba.re_userdict.match(line).group(1))
    return words


def get_nlp(user_dicts: Iterable[str | Path] | None = None, fast: bool | None = None) -> Language:
    """The cached pipeline for these user dictionaries (default: those of the shipped config).

    ``fast`` (default: ``segment.fast`` of the config) cuts with rjieba where it gives
    jieba's tokens (``pipeline.segmenter``); the tokens are jieba's either way.
    """
    from pipeline.config import load_config, resolve_path

    if user_dicts is None or fast is None:
        segment = load_config()["segment"]
        user_dicts = segment["user_dicts"] if user_dicts is None else user_dicts
        fast = bool(segment.get("fast", True)) if fast is None else fast
    key = tuple(str(resolve_path(p)) for p in user_dicts) + (f"fast={fast}",)
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            nlp = _build(key[:-1], fast)
            _cache[key] = nlp
    return nlp


def _build(user_dicts: tuple[str, ...], fast: bool) -> Language:
    import jieba
    import spacy

    from pipeline.segmenter import FastJieba, rjieba_available

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # uses jieba's own cached prefix dictionary in the temp dir
    load_user_dicts(user_dicts)
    import pipeline.components  # noqa: F401  (registers the newsfacts_facts factory)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    if fast and not rjieba_available():
        log.warning("rjieba is not installed: segmenting with jieba only (slower, same tokens)")
        fast = False
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, FastJieba() if fast else jieba.dt)
    nlp.add_pipe("zh_sentences")
    nlp.add_pipe("newsfacts_facts")
    return nlp


class JiebaTokenizer:
    """Text -> Doc from jieba's words, as spaCy's Chinese tokenizer makes it, in linear time.

    spaCy's tokenizer aligns each word by searching the rest of the text (quadratic in the
    length); jieba's words tile the text, so the offsets are known.  Whitespace words are
    dropped, one space after a word becomes its trailing space, other whitespace its own
    token: the same Doc as ``spacy.blank("zh")`` with the jieba segmenter (tested).
    """

    def __init__(self, vocab, segmenter):
        self.vocab = vocab
        self.segmenter = segmenter  # anything with jieba's cut(text, cut_all=False)

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(list(self.segmenter.cut(text, cut_all=False)), text)
        return Doc(self.vocab, words=words, spaces=spaces)


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's words and trailing spaces for jieba words that tile ``text``.

    >>> words_and_spaces(["增长", " ", "12.9%", "\\n", "\\n", "好", " "], "增长 12.9%\\n\\n好 ")
    (['增长', '12.9%', '\\n\\n', '好'], [True, False, False, True])
    """
    if sum(map(len, words)) != len(text):
        raise ValueError(f"segmenter words do not tile the text ({len(text)} characters)")
    out, spaces = [], []
    n = len(text)
    pos = done = 0  # pos: start of the current word; done: end of the text already in tokens
    for word in words:
        start, pos = pos, pos + len(word)
        if word.isspace():
            continue
        if start > done:  # whitespace before this word that no trailing space absorbed
            out.append(text[done:start])
            spaces.append(False)
        out.append(word)
        spaces.append(False)
        done = pos
        if pos < n and text[pos] == " ":
            spaces[-1] = True
            done += 1
    if done < n:
        out.append(text[done:])
        spaces.append(False)
    return out, spaces


# Token text by ORTH id: the few thousand word types of news text are looked up once.
_orth_text: dict[int, str] = {}


def token_texts(doc: Doc) -> list[str]:
    """The text of every token, without making Token objects (a tenth of the cost)."""
    orths = doc.to_array(ORTH).tolist()
    try:
        return list(map(_orth_text.__getitem__, orths))
    except KeyError:  # a word type not seen yet
        if len(_orth_text) > 500_000:  # numbers make new word types without end
            _orth_text.clear()
        strings = doc.vocab.strings
        for orth in set(orths).difference(_orth_text):
            _orth_text[orth] = strings[orth]
        return list(map(_orth_text.__getitem__, orths))


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
    return [t for t in token_texts(nlp.make_doc(text)) if t.strip()]
