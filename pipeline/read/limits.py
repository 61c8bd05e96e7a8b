"""What a page's bytes may be, shared by the readers of files and archives and by the crawler.

* Is it HTML at all: the media type of a ``Content-Type`` header and a look at the first bytes
  (PDF, images, archives and binary data are refused whatever their name or header says).
* How large may it grow: gzip and deflate data are inflated with a hard cap on the output, so a
  compression bomb stops at the cap instead of filling the memory; plain streams are read with
  the same cap.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

HTML_TYPES = ("text/html", "application/xhtml+xml")
SNIFF_BYTES = 1024  # how much of a body the checks below look at
CHUNK = 64 * 1024  # most bytes read or inflated at once

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x1f\x8b", "gzip data"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"RIFF", "a RIFF (WebP/AVI/WAV) file"),
    (b"ID3", "an MP3 file"),
    (b"{\\rtf", "an RTF document"),
)
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_HINT_RE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|script|link|br|span|a)[\s>/]",
    re.IGNORECASE,
)
GZIP_MAGIC = b"\x1f\x8b"


def media_type(content_type: str | None) -> str:
    """Lower-case media type of a Content-Type value ('' when missing).

    >>> media_type("Text/HTML; charset=GBK"), media_type(None), media_type("")
    ('text/html', '', '')
    """
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def sniff_non_html(head: bytes) -> str | None:
    """What a file that cannot be HTML is, from its first bytes; None if it may be HTML.

    >>> sniff_non_html(b"%PDF-1.4 ..."), sniff_non_html(b"\\x89PNG\\r\\n\\x1a\\n...")
    ('a PDF document', 'a PNG image')
    >>> sniff_non_html(b"<html>\\x00\\x00</html>"), sniff_non_html(b"\\x01\\x00abc")
    ('binary data (NUL bytes)', 'binary data (NUL bytes)')
    >>> sniff_non_html(b"<html><title>\\x00" + "新闻".encode() * 40 + b"</title>") is None  # one stray NUL
    True
    >>> sniff_non_html("<html>中文</html>".encode("utf-16")) is None   # BOM: UTF-16 text
    True
    >>> sniff_non_html(b"  <!DOCTYPE html><html>") is None
    True
    """
    head = head[:SNIFF_BYTES]
    if head.startswith(_UNICODE_BOMS):
        return None
    stripped = head.lstrip(b" \t\r\n")
    for magic, what in _MAGIC:
        if stripped.startswith(magic):
            return what
    nuls = head.count(b"\x00")
    # Binary formats pad with runs of NULs; a page may hold a stray one (a CMS bug, a pasted
    # character) and is still a page: one NUL alone must not cost an article.
    if nuls and (b"\x00\x00" in head or nuls * 50 > len(head) or not _HTML_HINT_RE.search(head)):
        return "binary data (NUL bytes)"
    return None


def looks_like_html(head: bytes) -> bool:
    """True when the first bytes contain an HTML tag (for responses without Content-Type).

    >>> looks_like_html(b"<!DOCTYPE html><html>"), looks_like_html(b'{"json": true}')
    (True, False)
    """
    return _HTML_HINT_RE.search(head[:SNIFF_BYTES]) is not None


class TooLarge(Exception):
    """More bytes than the cap (after decompression)."""


class GzipTruncated(Exception):
    """A gzip stream that ends inside a member (the file or the download was cut short)."""


class Inflater:
    """Remove gzip or deflate compression, never making more than ``cap`` + 1 bytes in all.

    Every decompress call is bounded (to :data:`CHUNK` and to what is left under the cap), so a
    bomb stops at the cap and never makes more than 64 KiB at once.  gzip may hold several
    members; data after the last one that is not another member (padding, junk) is ignored, as
    is everything fed after it.  HTTP "deflate" is meant to be zlib data but some servers send
    raw deflate: the first two bytes decide.  Raises :class:`TooLarge` past the cap and
    ``zlib.error`` on corrupt data.

    >>> import gzip
    >>> out = bytearray()
    >>> inflater = Inflater("gzip", 100)
    >>> for piece in (gzip.compress(b"abc") + gzip.compress(b"def") + b"\\0\\0junk"):
    ...     inflater.feed(bytes([piece]), out)
    >>> bytes(out), inflater.complete()
    (b'abcdef', True)
    """

    def __init__(self, encoding: str, cap: int) -> None:
        if encoding not in ("gzip", "deflate"):
            raise ValueError(f"cannot inflate {encoding!r}")
        self.encoding = encoding
        self.cap = cap
        self.produced = 0
        self.started = False  # some data was fed
        self._pending = b""  # bytes held back until they tell what follows (a zlib header, a gzip magic)
        self._trailing = False  # junk after the last member was seen: the rest is ignored
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None

    def feed(self, data: bytes, sink: bytearray) -> None:
        """Inflate ``data`` onto the end of ``sink`` (no intermediate copies: bombs are about memory)."""
        if self._trailing or not data:
            return
        self.started = True
        if self._pending:
            data, self._pending = self._pending + data, b""
        if self._d is None:  # deflate: zlib-wrapped or raw
            if len(data) < 2:
                self._pending = data
                return
            is_zlib = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS)
        while data:
            if self._d.eof:
                if self.encoding == "gzip" and len(data) < 2 and GZIP_MAGIC.startswith(data):
                    self._pending = data  # maybe the first byte of the next member
                    return
                if self.encoding != "gzip" or not data.startswith(GZIP_MAGIC):
                    self._trailing = True
                    return
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            piece = self._d.decompress(data, min(CHUNK, self.cap + 1 - self.produced))
            self.produced += len(piece)
            if self.produced > self.cap:
                raise TooLarge()
            sink += piece
            del piece
            data = self._d.unused_data if self._d.eof else self._d.unconsumed_tail

    def complete(self) -> bool:
        """Whether the data fed so far ends at the end of a member (nothing was cut off)."""
        return self._d is not None and self._d.eof


def gunzip_capped(chunks: Iterable[bytes], max_bytes: int) -> bytes:
    """Inflate gzip data (one or more members) without ever holding more than ``max_bytes`` + 1
    bytes of output.  Raises :class:`TooLarge` past the cap, :class:`GzipTruncated` when the
    stream ends inside a member and ``zlib.error`` on corrupt data.

    >>> import gzip
    >>> gunzip_capped([gzip.compress(b"abc") + gzip.compress(b"def")], 100)
    b'abcdef'
    """
    inflater = Inflater("gzip", max_bytes)
    out = bytearray()
    for chunk in chunks:
        inflater.feed(chunk, out)
    if inflater.started and not inflater.complete():
        raise GzipTruncated()
    return bytes(out)


def read_capped(stream, max_bytes: int) -> bytes | None:
    """Read a stream to its end, or return None once it passes ``max_bytes``."""
    parts = []
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > max_bytes:
            return None
        parts.append(chunk)


def mib(n: int) -> str:
    """A byte count for messages.

    >>> mib(20 * 2**20)
    '20.0 MiB'
    """
    return f"{n / 2**20:.1f} MiB"
