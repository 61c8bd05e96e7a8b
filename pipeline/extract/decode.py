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
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from pipeline.errors import Skip
from pipeline.extract.mojibake import mojibake_signs, repair_latin1_mojibake, uncommon_count

logger = logging.getLogger(__name__)

#: Share of replacement characters above which a page is refused.
MAX_ERROR_RATIO = 0.01
#: A page may always have this many bad bytes, however short it is.
MIN_ERRORS_ALLOWED = 10
#: Only this much of the body is searched for a ``<meta>`` declaration.
META_SCAN_BYTES = 4096

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


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text of a page and how it was obtained."""

    text: str
    encoding: str  # codec actually used, e.g. 'gb18030', 'utf-8'
    declared: str | None  # what the BOM/header/meta said (first of these), normalized
    flags: tuple[str, ...]  # e.g. ('charset_mismatch',), ('mojibake_suspected',)
    decode_errors: int  # replacement characters introduced by decoding
    # The page's bytes when the text is exactly their UTF-8 decoding (no BOM, nothing replaced, cut
    # or repaired): the parser takes them as they are instead of the text encoded once more.
    utf8: bytes | None = None


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
    literal = replaced = 0
    if "\ufffd" in text:  # (a search for one character skips through the text; a count reads all of it)
        try:
            literal = data.count("\ufffd".encode(codec))
        except UnicodeEncodeError:
            literal = 0
        replaced = text.count("\ufffd")
    return text, max(0, replaced - literal), cut


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
        declared: str | None = bom_enc
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
    exact = used == "utf-8" and bom_enc is None and not errors and not cut and "mojibake_repaired" not in flags
    return Decoded(text=text, encoding=used, declared=declared, flags=tuple(flags), decode_errors=errors,
                   utf8=data if exact else None)
