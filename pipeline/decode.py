"""Bytes of an HTML page -> text, choosing the codec the way a careful browser would.

Order of evidence: byte-order mark > HTTP ``Content-Type`` charset > ``<meta>``
declaration in the first 4 KB > detection.  Declarations are read with
:mod:`w3lib.encoding`; the GB family (gb2312, gbk, x-gbk, cp936, zh-cn ...) is
decoded as gb18030, a superset that keeps 镕, 喆, 堃, € and 𠀀 intact.

Declarations are often wrong on Chinese sites, so they are checked against
the bytes:

* a body that decodes strictly as UTF-8 and has multibyte sequences is UTF-8,
  whatever the header or meta says (GBK text almost never passes that test);
* a body declared UTF-8 that is not valid UTF-8 is decoded with every
  candidate (the declarations, gb18030, utf-8) and the best-scoring one is
  kept: few replacement characters and common Chinese characters win;
* a Western single-byte declaration (iso-8859-1, windows-1252) is never kept
  for a page whose high bytes read as common Chinese in gb18030.

A change from the declared codec is flagged ``charset_mismatch`` and logged at
INFO.  A few stray bad bytes become U+FFFD (counted in ``decode_errors``); a
page where more than 1 % of the characters would be replacement characters is
refused with ``Skip("undecodable")``.  Upstream mojibake (``锟斤拷``,
``烫烫烫``, ``ä¸­æ–‡``, ``涓枃``) is flagged ``mojibake_suspected``; text that
is UTF-8 read as Latin-1 is repaired when the whole page round-trips
losslessly (flag ``mojibake_repaired``).  A multibyte character cut off at the
very end of the body is dropped and flagged ``truncated_html``.
"""
from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import numpy as np
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from pipeline.errors import Skip

logger = logging.getLogger(__name__)

#: Share of replacement characters above which a page is refused.
MAX_ERROR_RATIO = 0.01
#: A page may always have this many bad bytes, however short it is.
MIN_ERRORS_ALLOWED = 10
#: Only this much of the body is searched for a ``<meta>`` declaration.
META_SCAN_BYTES = 4096
#: Scoring looks at no more than this many non-ASCII characters.
_SCORE_SAMPLE = 20000

# Labels browsers accept for the GB family that Python's codec registry does not
# know.  They are registered below so that w3lib's resolve_encoding (used for the
# header and the meta tag) maps them to gb18030 as it already does for gbk.
_EXTRA_GB_LABELS = frozenset(
    {"x_gbk", "x_euc_cn", "gb_2312", "csgb2312", "csgbk", "windows_936", "x_gb2312", "gb2312_80"}
)


def _search_extra_labels(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_").lower() in _EXTRA_GB_LABELS:
        return codecs.lookup("gb18030")
    return None


codecs.register(_search_extra_labels)

# Python's gb18030 codec rejects a lone 0x80, which WHATWG decodes as the euro
# sign (GBK compatibility).  w3lib registers an error handler doing just that.
_GB18030_ERRORS = "w3lib_gb18030_replace"

_WESTERN_SINGLE_BYTE = frozenset(
    {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii", "mac-roman", "cp1250", "iso8859-2"}
)
_UNICODE_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


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
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text of a page and how it was obtained."""

    text: str
    encoding: str  # codec actually used, e.g. 'gb18030', 'utf-8'
    declared: str | None  # what the BOM/header/meta said (first of these), normalized
    flags: tuple[str, ...]  # e.g. ('charset_mismatch',), ('mojibake_suspected',)
    decode_errors: int  # replacement characters introduced by decoding


# --------------------------------------------------------------------------- helpers


def normalize_charset(label: str | None) -> str | None:
    """Python codec name for a charset label, the GB family folded into gb18030.

    Unknown or unsafe labels (utf-7) give None.

    >>> normalize_charset("GB2312"), normalize_charset("x-gbk"), normalize_charset("CP936")
    ('gb18030', 'gb18030', 'gb18030')
    >>> normalize_charset(" UTF8 "), normalize_charset("no-such-charset"), normalize_charset(None)
    ('utf-8', None, None)
    """
    if not label:
        return None
    label = label.strip().strip("\"'").strip()
    if not label:
        return None
    try:
        return resolve_encoding(label)
    except (LookupError, ValueError):
        return None


def header_charset(content_type: str | None) -> str | None:
    """Normalized charset of an HTTP Content-Type header value.

    >>> header_charset("text/html; charset=GBK")
    'gb18030'
    >>> header_charset("text/html") is None
    True
    """
    if not content_type:
        return None
    return http_content_type_encoding(content_type)


def meta_charset(body: bytes) -> str | None:
    """Normalized charset of a ``<meta>`` (or XML) declaration in the first 4 KB.

    >>> meta_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb18030'
    >>> meta_charset(b'<meta charset="x-gbk"><title>t</title>')
    'gb18030'
    >>> meta_charset(b'<p>' + b' ' * 5000 + b'<meta charset="utf-8">') is None
    True
    """
    return html_body_declared_encoding(body[:META_SCAN_BYTES])


def is_strict(data: bytes, codec: str) -> bool:
    """True when ``data`` decodes without any error in ``codec``.

    >>> is_strict("中文".encode("utf-8"), "utf-8"), is_strict("中文".encode("gbk"), "utf-8")
    (True, False)
    """
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def decode_counting(data: bytes, codec: str) -> tuple[str, int, bool]:
    """Decode with replacement: ``(text, replacement characters added, cut_at_end)``.

    A multibyte sequence left incomplete at the very end of ``data`` is
    dropped (the file was cut) and reported as ``cut_at_end``, not as an error.
    Literal U+FFFD characters already present in the source are not counted.

    >>> decode_counting("中文".encode("gbk") + b"\\xff!", "gb18030")
    ('中文\\ufffd!', 1, False)
    >>> decode_counting("中文".encode("gbk")[:-1], "gb18030")
    ('中', 0, True)
    >>> decode_counting(b"a\\x80b", "gb18030")   # WHATWG: lone 0x80 is the euro sign
    ('a€b', 0, False)
    """
    errors = _GB18030_ERRORS if codec == "gb18030" else "replace"
    decoder = codecs.getincrementaldecoder(codec)(errors)
    text = decoder.decode(data, final=False)
    tail = decoder.decode(b"", final=True)
    cut = "\ufffd" in tail
    if not cut:
        text += tail
    literal = 0
    if "\ufffd" in text:
        try:
            literal = data.count("\ufffd".encode(codec))
        except UnicodeEncodeError:
            literal = 0
    return text, max(0, text.count("\ufffd") - literal), cut


def uncommon_count(text: str) -> int:
    """Non-ASCII characters of a sample of ``text`` that are neither common
    hanzi (GB2312 level 1) nor Chinese punctuation/symbols, U+FFFD excluded.

    Real Chinese text scores near 0; the same bytes read in the wrong codec
    are mostly rare characters or Latin letters.

    >>> uncommon_count("中国经济增长，投资项目。"), uncommon_count("涓浗缁忔祹澧為暱")
    (0, 8)
    """
    classes = _char_classes(text)
    non_ascii = classes[(classes & _NON_ASCII) != 0][:_SCORE_SAMPLE]
    return int(np.count_nonzero(non_ascii & _UNCOMMON))


def _score(text: str, errors: int) -> int:
    return errors * 4 + uncommon_count(text)


def _usable_declaration(enc: str | None, body: bytes, from_meta: bool) -> str | None:
    """Drop declarations that cannot be right for these bytes."""
    if enc is None:
        return None
    if enc in _UNICODE_WIDE:
        # WHATWG: a meta cannot declare UTF-16 (the meta itself would not be
        # readable); a header can, but only NUL-free bytes reach us here.
        if from_meta or b"\x00" not in body[:1024]:
            return "utf-8"
    return enc


def _limit(n_chars: int) -> int:
    return max(MIN_ERRORS_ALLOWED, int(n_chars * MAX_ERROR_RATIO))


# --------------------------------------------------------------------------- mojibake

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
# table lookup on the code points (numpy) does it at C speed instead of a regex or a
# Python loop per character.  Bits of a character's class:
_NON_ASCII = 1
_UNCOMMON = 2  # non-ASCII, not in _COMMON_CHARS, not U+FFFD (what uncommon_count counts)
_CJK = 4  # matches _CJK_RE
_RARE_CJK = 8  # CJK and not in _COMMON_CHARS
_LATIN = 16  # a character of _LATIN_RUN_RE
_MARKER_START = 32  # the first character of one of _GARBAGE_MARKERS


def _build_class_table() -> np.ndarray:
    """Class of every BMP character; the last entry is the class of all astral characters."""
    table = np.zeros(0x10001, dtype=np.uint8)
    table[0x80:] = _NON_ASCII | _UNCOMMON
    table[0xFFFD] = _NON_ASCII
    for first, last in ((0x3400, 0x9FFF), (0xF900, 0xFAFF)):
        table[first:last + 1] |= _CJK | _RARE_CJK
    common = [ord(ch) for ch in _COMMON_CHARS]
    table[common] &= ~np.uint8(_UNCOMMON | _RARE_CJK)
    table[0x80:0x100] |= _LATIN
    table[list(_CP1252_TO_LATIN1)] |= _LATIN
    table[[ord(marker[0]) for marker in _GARBAGE_MARKERS]] |= _MARKER_START
    return table


_CLASS_TABLE = _build_class_table()


def _char_classes(text: str) -> np.ndarray:
    """The class bits of every character of ``text`` (one entry per character)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _CLASS_TABLE.take(codes, mode="clip")


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
    if _CJK_RE.search(text):
        return None
    try:
        fixed = _latin1_bytes(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if _CJK_RE.search(fixed) else None


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
    classes = _char_classes(text)
    signs = []
    if np.count_nonzero(classes & _MARKER_START):  # else no marker can be there
        signs = [f"marker:{m}" for m in _GARBAGE_MARKERS if m in text]
    recovered = 0
    for run in _latin_runs(text, classes):
        try:
            piece = _latin1_bytes(run).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        recovered += len(_CJK_RE.findall(piece))
        if recovered >= 2:
            signs.append("utf8_as_latin1")
            break
    sample = classes[:_MOJIBAKE_SAMPLE]
    cjk = int(np.count_nonzero(sample & _CJK))
    if cjk >= 8:
        rare = int(np.count_nonzero(sample & _RARE_CJK))
        # Many rare characters (traditional or classical text has some too) and
        # the bytes behind them read back as UTF-8 Chinese: UTF-8 read as GBK.
        if rare / cjk >= 0.35:
            recovered, failed = _gbk_roundtrip(text[:_MOJIBAKE_SAMPLE])
            if recovered >= 4 and recovered >= 2 * failed:
                signs.append("utf8_as_gbk")
    return signs


def _latin_runs(text: str, classes: np.ndarray) -> list[str]:
    """The runs of 2+ characters that Latin-1 mojibake is made of (``_LATIN_RUN_RE`` matches).

    >>> _latin_runs("中文 ä¸­æ–‡ a\xa0\xa0b é", _char_classes("中文 ä¸­æ–‡ a\xa0\xa0b é"))
    ['ä¸\xadæ–‡', '\xa0\xa0']
    """
    latin = (classes & _LATIN) != 0
    if np.count_nonzero(latin[1:] & latin[:-1]) == 0:
        return []  # the usual case: no two such characters in a row
    # Where runs of Latin characters start and end: the edges of the mask.
    edges = np.flatnonzero(np.diff(latin.astype(np.int8), prepend=0, append=0)).tolist()
    return [text[start:end] for start, end in zip(edges[0::2], edges[1::2]) if end - start >= 2]


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
        recovered += len(_CJK_RE.findall(back))
        failed += back.count("\ufffd")
    return recovered, failed


# --------------------------------------------------------------------------- main


def choose_codec(body: bytes, declared: list[str]) -> str:
    """Codec for a body without BOM, given usable declarations in priority order.

    >>> choose_codec("中文新闻".encode("utf-8"), ["gb18030"])   # UTF-8 declared gb2312
    'utf-8'
    >>> choose_codec("中文新闻".encode("gbk"), ["utf-8"])       # GBK declared UTF-8
    'gb18030'
    >>> choose_codec("宁波投资项目开工".encode("gbk"), ["cp1252"])  # iso-8859-1 on a Chinese page
    'gb18030'
    >>> choose_codec(b"plain ascii", [])
    'utf-8'
    """
    return _choose(body, declared)[0]


def _choose(body: bytes, declared: list[str]) -> tuple[str, tuple[str, int, bool] | None]:
    """:func:`choose_codec`, with ``decode_counting(body, codec)`` when it was had on the way
    (so that the page is not decoded once more)."""
    if body.isascii():
        return (declared[0] if declared else "utf-8"), None
    text = _strict_text(body, "utf-8")
    if text is not None:
        return "utf-8", (text, 0, False)  # has high bytes, so multibyte UTF-8 sequences
    primary = declared[0] if declared else None
    if primary is not None and primary not in _WESTERN_SINGLE_BYTE and primary != "utf-8":
        text = _strict_text(body, primary)
        if text is not None:
            return primary, ((text, 0, False) if primary in _STRICT_IS_COUNTING else None)
    candidates: list[str] = []
    for enc in [*declared, "gb18030", "utf-8"]:
        if enc not in candidates:
            candidates.append(enc)
    best, best_score, best_decoded = candidates[0], None, None
    for enc in candidates:
        decoded = decode_counting(body, enc)
        score = _score(decoded[0], decoded[1])
        if best_score is None or score < best_score:
            best, best_score, best_decoded = enc, score, decoded
    return best, best_decoded


# Codecs for which a strict decode that succeeds is what decode_counting gives too: no
# replacement, nothing cut, and U+FFFD has a single byte sequence (for utf-16, say,
# decode_counting counts literal U+FFFD differently).
_STRICT_IS_COUNTING = frozenset({"utf-8", "gb18030"})


def _strict_text(data: bytes, codec: str) -> str | None:
    """``data`` decoded in ``codec``, or None when it does not decode without error."""
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None, location: str = "") -> Decoded:
    """Decode the bytes of an HTML page; see the module docstring for the rules.

    >>> page = '<meta charset="gb2312"><p>朱镕基 喆 堃 € 𠀀</p>'
    >>> d = decode_html(page.encode("gb18030"))
    >>> d.text == page, d.encoding, d.declared, d.flags, d.decode_errors
    (True, 'gb18030', 'gb18030', (), 0)
    >>> d = decode_html("<p>宁波新闻</p>".encode("gbk"), "text/html; charset=utf-8", "a.html")
    >>> d.text, d.encoding, d.declared, d.flags
    ('<p>宁波新闻</p>', 'gb18030', 'utf-8', ('charset_mismatch',))
    """
    flags: list[str] = []
    bom_enc, bom = read_bom(body)
    header = _usable_declaration(header_charset(content_type), body, from_meta=False)
    decoded = None  # decode_counting(data, used), when already done
    if bom_enc is not None and bom is not None:
        meta = None
        declared = bom_enc
        used = bom_enc
        data = body[len(bom):]
        if header is not None and header != bom_enc:
            flags.append("charset_mismatch")
            logger.info(
                "charset_mismatch declared=%s used=%s source=header overridden_by=bom location=%s",
                header, used, location,
            )
    else:
        meta = _usable_declaration(meta_charset(body), body, from_meta=True)
        declarations = [enc for enc in (header, meta) if enc is not None]
        declared = declarations[0] if declarations else None
        data = body
        used, decoded = _choose(body, declarations)
        if declared is not None and used != declared and not body.isascii():
            flags.append("charset_mismatch")
            logger.info(
                "charset_mismatch declared=%s used=%s source=%s location=%s",
                declared, used, "header" if header is not None else "meta", location,
            )

    text, errors, cut = decoded if decoded is not None else decode_counting(data, used)
    if cut:
        flags.append("truncated_html")
    if errors > _limit(len(text)):
        share = errors / max(1, len(text))
        raise Skip(
            "undecodable",
            location,
            f"{errors} of {len(text)} characters ({share:.1%}) could not be decoded as {used} "
            f"(declared {declared or 'nothing'}); the file is probably binary, corrupted or in an "
            "unsupported encoding: check the source file or fetch the page again",
        )

    signs = mojibake_signs(text)
    if signs:
        flags.append("mojibake_suspected")
        repaired = repair_latin1_mojibake(text) if "utf8_as_latin1" in signs else None
        if repaired is not None:
            text = repaired
            flags.append("mojibake_repaired")
        logger.info(
            "mojibake_suspected signs=%s repaired=%s location=%s",
            ",".join(signs), repaired is not None, location,
        )
    return Decoded(text=text, encoding=used, declared=declared, flags=tuple(flags), decode_errors=errors)
