"""jieba's segmentation, fast: rjieba (the Rust port) where it gives jieba's tokens, jieba elsewhere.

jieba stays the reference.  jieba first splits a text into blocks (runs of Chinese
characters, ASCII letters, digits and ``+#&._%-``); everything between blocks becomes one
token per character (a CR LF pair is one).  Each block is then cut on its own, so a
block can be cut by either implementation without changing the rest.

Measured on the benchmark corpus, rjieba cuts Chinese blocks exactly as jieba does; it
differs on runs such as ``1-4``, ``1_4`` or ``1.2.3`` (one token in rjieba, three to five
in jieba).  So a block goes to rjieba only if every non-Chinese run in it has a form both
cut the same way (``2026``, ``12.9%``, ``v1.2``); other blocks go to jieba.  The user
dictionaries loaded into jieba are mirrored into rjieba with jieba's final frequencies,
and its total frequency is brought to jieba's (see ``mirror_user_dict``), because the
total enters every path score.  ``benchmarks/`` measures the agreement; the tests check
it on the bundled corpus.

rjieba's class is imported without the default segmenter its package makes on import
(:func:`pipeline.nlp.libraries.import_rjieba`).  :func:`prepare_fast` makes a segmenter ahead,
with rjieba's dictionary and none of the user words (the fork server of the workers does, see
:mod:`pipeline.nlp.preload`); :func:`_engine` takes it and adds the user words.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from pipeline.nlp.libraries import import_jieba, import_rjieba

log = logging.getLogger(__name__)

# a run of non-Chinese block characters, and the forms of such runs both segmenters keep whole
_ASCII_RUN = re.compile(r"[A-Za-z0-9+#&._%\-]+")
_SAFE_RUN = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?%?")
# a word no text contains (private-use characters): carries the frequency that keeps totals equal
_BALLAST = "\ue000\ue001\ue002\ue003\ue004\ue005"

_lock = threading.Lock()
_rjieba = None  # the process's rjieba.Jieba, mirroring jieba's default dictionary
_words: dict[str, tuple[int, int]] = {}  # user word -> (its frequency in jieba, its frequency before)
_jieba_added = 0  # how much the user dictionaries added to jieba's total frequency
_spare = None  # an rjieba.Jieba with its default dictionary only, made by prepare_fast


def block_is_safe(block: str) -> bool:
    """Whether rjieba cuts this jieba block as jieba does: its non-Chinese runs have a safe form.

    >>> block_is_safe("实现财政总收入128.4亿元"), block_is_safe("同比增长12.9%"), block_is_safe("1-4月")
    (True, True, False)
    >>> block_is_safe("V2.0.1版"), block_is_safe("C919")
    (False, True)
    """
    for run in _ASCII_RUN.findall(block):
        if not _SAFE_RUN.fullmatch(run):
            return False
    return True


def rjieba_available() -> bool:
    try:
        import_rjieba()
    except ImportError:
        return False
    return True


def load_user_dicts(paths: Iterable[str | Path]) -> list[Path]:
    """Add jieba user dictionaries (once per process and path); returns those loaded.

    The words are mirrored for the fast segmenter with the frequencies jieba gave them.
    """
    jieba = import_jieba()
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
    jieba = import_jieba()
    words = []
    for line in path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if line:
            words.append(jieba.re_userdict.match(line).group(1))
    return words


def mirror_user_dict(freqs: dict[str, int], before: dict[str, int], total_added: int) -> None:
    """Record user-dictionary words jieba has just loaded, for rjieba.

    ``freqs``: each word's frequency in jieba after loading, ``before``: its frequency before
    (0: a new word), ``total_added``: how much jieba's total grew.  jieba adds every line's
    frequency to its total, rjieba replaces a known word's frequency in its total; the
    difference is carried by a ballast word no text contains, so both score paths alike.
    """
    global _rjieba, _jieba_added
    with _lock:
        for word, freq in freqs.items():
            first_before = _words[word][1] if word in _words else before.get(word, 0)
            _words[word] = (freq, first_before)
        _jieba_added += total_added
        _rjieba = None  # built again on next use, with these words


def prepare_fast() -> None:
    """Make an rjieba segmenter with rjieba's own dictionary now, for :func:`_engine` to take."""
    global _spare
    with _lock:
        if _spare is None:
            _spare = import_rjieba().Jieba()


def _engine():
    global _rjieba, _spare
    with _lock:
        if _rjieba is None:
            engine = _spare if _spare is not None else import_rjieba().Jieba()
            _spare = None  # add_word below changes it: it serves once
            for word, (freq, _) in _words.items():
                engine.add_word(word, freq, None)
            rjieba_added = sum(freq - old for freq, old in _words.values())
            if _jieba_added > rjieba_added:
                engine.add_word(_BALLAST, _jieba_added - rjieba_added, None)
            _rjieba = engine
        return _rjieba


class FastJieba:
    """``cut(text)`` with jieba's tokens: rjieba for safe blocks, jieba for the others.

    Has the ``cut`` signature spaCy's Chinese tokenizer calls, so it can stand in for jieba.
    """

    def __init__(self):
        jieba = import_jieba()
        self._jieba = jieba.dt
        self._re_han = jieba.re_han_default
        self._re_skip = jieba.re_skip_default
        _engine()  # build it now (about 0.2 s), not on the first page
        self.blocks = 0
        self.fallback_blocks = 0

    def cut(self, text: str, cut_all: bool = False, HMM: bool = True) -> list[str]:  # noqa: N803 (jieba's name)
        if cut_all or not HMM:
            return list(self._jieba.cut(text, cut_all=cut_all, HMM=HMM))
        out: list[str] = []
        rj_cut, re_skip = _engine().cut, self._re_skip
        # split() with a capturing group alternates: text between blocks, block, between, ...
        for i, piece in enumerate(self._re_han.split(text)):
            if not piece:
                continue
            if i % 2:
                self.blocks += 1
                if block_is_safe(piece):
                    out.extend(rj_cut(piece))
                else:
                    self.fallback_blocks += 1
                    out.extend(self._jieba.cut(piece))
            elif not re_skip.search(piece):
                out.extend(piece)  # punctuation and symbols: one token per character
            else:
                for j, part in enumerate(re_skip.split(piece)):
                    if j % 2:
                        out.append(part)  # a whitespace token (\r\n or one space character)
                    else:
                        out.extend(part)
        return out
