"""Telling Chinese text from bytes read in the wrong codec, and spotting upstream mojibake.

Real Chinese text is mostly the 3,755 common hanzi of GB2312 level 1 and Chinese punctuation;
the same bytes read in the wrong codec are mostly rare characters or Latin letters
(:func:`uncommon_count`, the score :mod:`pipeline.extract.decode` gives each candidate codec).
Mojibake made before the page reached us (``锟斤拷``, ``烫烫烫``, ``ä¸­æ–‡``, ``涓枃``) is
recognised by :func:`mojibake_signs`; UTF-8 read as Latin-1 can be undone
(:func:`repair_latin1_mojibake`).
"""
from __future__ import annotations

import importlib
import re
from typing import Any

import numpy as np

from pipeline.text import HAN_RE, HAN_RUN_RE

#: Scoring looks at no more than this many non-ASCII characters.
_SCORE_SAMPLE = 20000


def _build_common_chars() -> frozenset[str]:
    """The characters of GB2312 rows 1-9 (punctuation, symbols, full-width forms)
    and of level 1 (the 3755 most frequent hanzi, rows 16-55)."""
    chars = set()
    for lead in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xD8)):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


_COMMON_CHARS = _build_common_chars()


_CP1252_TO_LATIN1 = {}
for _b in range(0x80, 0xA0):
    try:
        _CP1252_TO_LATIN1[ord(bytes([_b]).decode("cp1252"))] = _b
    except UnicodeDecodeError:
        pass
_LATIN_RUN_RE = re.compile(
    "[\u0080-\u00ff" + "".join(chr(c) for c in _CP1252_TO_LATIN1) + "]{2,}"
)
_GARBAGE_MARKERS = ("锟斤拷", "烫烫烫", "屯屯屯")
#: The check for UTF-8 read as GBK looks at this many characters.
_MOJIBAKE_SAMPLE = 200000

# --------------------------------------------------------------------------- character classes
# The heuristics above count characters of a few kinds over whole pages; a per-character
# table lookup on the code points of the non-ASCII characters (numpy) does it at C speed
# instead of a regex or a Python loop per character.  Bits of a character's class:
_NON_ASCII = 1
_UNCOMMON = 2  # non-ASCII, not in _COMMON_CHARS, not U+FFFD (what uncommon_count counts)
_CJK = 4  # a Han character (pipeline.text.HAN) of the BMP
_RARE_CJK = 8  # CJK and not in _COMMON_CHARS
_LATIN = 16  # a character of _LATIN_RUN_RE
_MARKER_START = 32  # the first character of one of _GARBAGE_MARKERS


def _build_class_table() -> np.ndarray:
    """Class of every BMP character; the last entry is the class of all astral characters."""
    table = np.zeros(0x10001, dtype=np.uint8)
    table[0x80:] = _NON_ASCII | _UNCOMMON
    table[0xFFFD] = _NON_ASCII
    bmp = "".join(map(chr, range(0x10000)))
    for run in HAN_RUN_RE.finditer(bmp):
        table[run.start():run.end()] |= _CJK | _RARE_CJK
    common = [ord(ch) for ch in _COMMON_CHARS]
    table[common] &= ~np.uint8(_UNCOMMON | _RARE_CJK)
    table[0x80:0x100] |= _LATIN
    table[list(_CP1252_TO_LATIN1)] |= _LATIN
    table[[ord(marker[0]) for marker in _GARBAGE_MARKERS]] |= _MARKER_START
    return table


_CLASS_TABLE = _build_class_table()
_CLASS_BYTES = _CLASS_TABLE.tobytes()


def _counter_in_c() -> Any:
    """``pipeline.extract._chars`` (the counts of :func:`class_counts` in one pass in C) when it
    was built with the compiled HTML stage (pipeline/compiled.py), else None."""
    try:
        return importlib.import_module("pipeline.extract._chars")
    except ImportError:
        return None


COUNTER_IN_C: Any = _counter_in_c()


def _non_ascii(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Where the non-ASCII characters of ``text`` are, and their class bits (ASCII characters
    have none, so the non-ASCII ones are all the heuristics look at).

    >>> at, classes = _non_ascii("a中文é")
    >>> at.tolist(), [bool(c & _CJK) for c in classes]
    ([1, 2, 3], [True, True, False])
    """
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) == len(text):  # no character outside the BMP: one unit per character
        at = (units >= 0x80).nonzero()[0]
        return at, _CLASS_TABLE[units[at]]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    at = (codes >= 0x80).nonzero()[0]
    return at, _CLASS_TABLE.take(codes[at], mode="clip")


def _latin1_bytes(text: str) -> bytes:
    """Bytes of text that was read as Windows-1252/Latin-1 (raises UnicodeEncodeError)."""
    return text.translate(_CP1252_TO_LATIN1).encode("latin-1")


def repair_latin1_mojibake(text: str) -> str | None:
    """UTF-8 that was read as Latin-1 somewhere upstream, repaired, or None.

    Only when the whole text round-trips losslessly and gains CJK characters.

    >>> repair_latin1_mojibake("<p>ä¸­æ–‡</p>")
    '<p>中文</p>'
    >>> repair_latin1_mojibake("café") is None
    True
    """
    if HAN_RE.search(text):
        return None
    try:
        fixed = _latin1_bytes(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if HAN_RE.search(fixed) else None


def mojibake_signs(text: str) -> list[str]:
    """Why ``text`` looks like upstream mojibake (empty list: it does not).

    >>> mojibake_signs("本报讯 锟斤拷锟斤拷")
    ['marker:锟斤拷']
    >>> mojibake_signs("ä¸­æ–‡ç½‘")
    ['utf8_as_latin1']
    >>> mojibake_signs("涓浗缁忔祹澧為暱锛屾姇璧勯」鐩")
    ['utf8_as_gbk']
    >>> mojibake_signs("中国经济增长，投资项目开工。")
    []
    """
    marker_starts, latin_pairs, cjk, rare = class_counts(text)
    signs = []
    if marker_starts:  # else no marker can be there
        signs = [f"marker:{m}" for m in _GARBAGE_MARKERS if m in text]
    recovered = 0
    if latin_pairs:  # else no run of Latin-1 mojibake is there
        for run in _latin_runs(text, *_non_ascii(text)):
            try:
                piece = _latin1_bytes(run).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            recovered += len(HAN_RE.findall(piece))
            if recovered >= 2:
                signs.append("utf8_as_latin1")
                break
    if cjk >= 8:
        # Many rare characters (traditional or classical text has some too) and
        # the bytes behind them read back as UTF-8 Chinese: UTF-8 read as GBK.
        if rare / cjk >= 0.35:
            recovered, failed = _gbk_roundtrip(text[:_MOJIBAKE_SAMPLE])
            if recovered >= 4 and recovered >= 2 * failed:
                signs.append("utf8_as_gbk")
    return signs


def class_counts(text: str) -> tuple[int, int, int, int]:
    """What :func:`mojibake_signs` counts first: characters that may start a garbage marker,
    Latin-1 mojibake characters that follow another, and Han and rare Han characters among the
    first :data:`_MOJIBAKE_SAMPLE` characters.  In C when built, else with numpy.

    >>> class_counts("ä¸­æ–‡ 锟斤拷 涓浗")
    (1, 5, 5, 3)
    """
    if COUNTER_IN_C is not None:
        return COUNTER_IN_C.counts(text, _CLASS_BYTES, _MOJIBAKE_SAMPLE, (_MARKER_START, _LATIN, _CJK, _RARE_CJK))
    at, classes = _non_ascii(text)
    latin = at[(classes & _LATIN) != 0]
    sample = classes[:at.searchsorted(_MOJIBAKE_SAMPLE)]  # those of the first characters
    return (int(np.count_nonzero(classes & _MARKER_START)), int(np.count_nonzero(latin[1:] - latin[:-1] == 1)),
            int(np.count_nonzero(sample & _CJK)), int(np.count_nonzero(sample & _RARE_CJK)))


def _latin_runs(text: str, at: np.ndarray, classes: np.ndarray):
    """The runs of 2+ characters that Latin-1 mojibake is made of (``_LATIN_RUN_RE`` matches), in
    order; ``at`` and ``classes`` are :func:`_non_ascii` of ``text``.

    >>> list(_latin_runs("中文 ä¸­æ–‡ a\xa0\xa0b é", *_non_ascii("中文 ä¸­æ–‡ a\xa0\xa0b é")))
    ['ä¸\xadæ–‡', '\xa0\xa0']
    """
    latin = at[(classes & _LATIN) != 0]
    follows = latin[1:] - latin[:-1] == 1  # the next Latin character is the next character
    if not follows.any():
        return  # the usual case: no two such characters in a row
    cuts = (~follows).nonzero()[0] + 1
    starts, ends = np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [len(latin)])).tolist()
    for start, end in zip(starts, ends):
        if end - start >= 2:
            yield text[latin[start]:latin[end - 1] + 1]


_NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f\ufffd]+")


def _gbk_roundtrip(text: str) -> tuple[int, int]:
    """CJK characters recovered and replacement characters produced when each
    non-ASCII run of ``text`` is encoded as GB18030 and read back as UTF-8."""
    recovered = failed = 0
    for match in _NON_ASCII_RUN_RE.finditer(text):
        try:
            raw = match.group().encode("gb18030")
        except UnicodeEncodeError:
            continue
        back = raw.decode("utf-8", "replace")
        recovered += len(HAN_RE.findall(back))
        failed += back.count("\ufffd")
    return recovered, failed


def uncommon_count(text: str) -> int:
    """Non-ASCII characters of a sample of ``text`` that are neither common
    hanzi (GB2312 level 1) nor Chinese punctuation/symbols, U+FFFD excluded.

    Real Chinese text scores near 0; the same bytes read in the wrong codec
    are mostly rare characters or Latin letters.

    >>> uncommon_count("中国经济增长，投资项目。"), uncommon_count("涓浗缁忔祹澧為暱")
    (0, 8)
    """
    return int(np.count_nonzero(_non_ascii(text)[1][:_SCORE_SAMPLE] & _UNCOMMON))
