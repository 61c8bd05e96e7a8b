"""Read pages from saved HTML files, folders of them, and WARC/ARC archives.

:func:`iter_raw_pages` yields one :class:`~pipeline.records.RawPage` per page
and one :class:`~pipeline.errors.Skip` per input that cannot be used, never
raising for a bad input.  Skip reasons emitted here:

``empty_file``
    a zero-byte (or whitespace-only) file
``empty_body``
    a 200 HTML response record whose payload is empty
``unreadable``
    the path does not exist, is not a regular file, or cannot be opened/listed
``too_large``
    more than ``max_bytes`` after decompression (checked while streaming)
``truncated_gzip`` / ``corrupt_gzip``
    a gzip stream that ends early / has bad data
``non_html``
    a PDF, image, archive or binary file, or a non-HTML response record
``symlink_outside_root``
    a symlink in a folder that points outside the folder (not followed)
``warc_revisit`` / ``http_status_<code>``
    WARC revisit records and non-200 responses
``warc_error``
    a damaged archive: the bad record (or junk) is reported at
    ``file#offset`` and reading resumes at the next valid record; also a
    record marked ``WARC-Truncated`` or whose HTTP body is shorter than its
    HTTP Content-Length (the record boundaries are fine, nothing is skipped
    after it)

Folders are walked depth-first in sorted order with one :func:`os.scandir`
listing per directory, so huge trees stream.  Files other than
``.html .htm .shtml`` (optionally ``.gz``) and ``.warc .warc.gz .arc .arc.gz``
are ignored in folders; a file named explicitly is always tried.

WARC reading uses warcio's :class:`~warcio.archiveiterator.ArchiveIterator`,
which cannot resynchronise after damage and reports some faults silently
(short records, a wrong Content-Length, a header cut short and continued by
the next record's header).  Every record is therefore checked before it is
used: declared Content-Length against the bytes read, CRLF CRLF right after
the block, the gzip member complete, the header bytes well formed (no repeated
WARC-Type/Record-ID/Date/Content-Length, every line a field), no next record
inside the payload, and no unparsed data after the last record.  After any
fault one ``warc_error`` Skip is yielded and the file is scanned forward
(1 MiB windows) for the next record start -- a gzip member that inflates to a
WARC/ARC header, or a ``WARC/1.x`` header in plain text -- where a fresh
iterator takes over.  Records before the fault are emitted exactly once.
"""
from __future__ import annotations

import logging
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from pipeline.errors import Skip
from pipeline.records import RawPage

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 2**20
HTML_SUFFIXES = (".html", ".htm", ".shtml")
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
SNIFF_BYTES = 1024
_CHUNK = 64 * 1024
_SCAN_CHUNK = 1 << 20
_PROBE = 16 * 1024  # bytes read at a candidate record start to validate it

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
_SAVED_FROM_RE = re.compile(rb"<!--\s*saved from url=\(\s*\d+\s*\)\s*(\S+?)\s*-->", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE_RE = re.compile(rb"WARC/1\.[01]\r?\n")
_ARC_LINE_RE = re.compile(rb"(?:https?|dns|filedesc|ftp)://\S* \S+ \d{14} \S+ \d+\r?\n")
_ARC_SCAN_RE = re.compile(rb"\n(?=(?:https?|dns|filedesc|ftp)://)")
# The start of another WARC record inside a payload: a too-large Content-Length.
_MERGED_RE = re.compile(rb"WARC/1\.[01]\r\n(?:WARC-[A-Za-z-]+|Content-Length|Content-Type): ")


# --------------------------------------------------------------------------- small helpers


def classify(name: str) -> str | None:
    """``'html'``, ``'archive'`` or None (ignored in folders), by file name.

    >>> [classify(n) for n in ["a.HTML", "b.htm.gz", "c.shtml", "d.warc.gz", "e.arc", "f.pdf", "g.gz"]]
    ['html', 'html', 'html', 'archive', 'archive', None, None]
    """
    low = name.lower()
    if low.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    if low.endswith(".gz"):
        low = low[:-3]
    if low.endswith(HTML_SUFFIXES):
        return "html"
    return None


def sniff_non_html(head: bytes) -> str | None:
    """What a file that cannot be HTML is, from its first bytes; None if it may be HTML.

    >>> sniff_non_html(b"%PDF-1.4 ..."), sniff_non_html(b"\\x89PNG\\r\\n\\x1a\\n...")
    ('a PDF document', 'a PNG image')
    >>> sniff_non_html(b"<html>\\x00</html>")
    'binary data (NUL bytes)'
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
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    return None


def looks_like_html(head: bytes) -> bool:
    """True when the first bytes contain an HTML tag (for responses without Content-Type).

    >>> looks_like_html(b"<!DOCTYPE html><html>"), looks_like_html(b'{"json": true}')
    (True, False)
    """
    return _HTML_HINT_RE.search(head[:SNIFF_BYTES]) is not None


def saved_from_url(head: bytes) -> str | None:
    """URL of a browser's ``<!-- saved from url=(NNNN)... -->`` comment in the first 1 KB.

    >>> saved_from_url(b"<!DOCTYPE html>\\r\\n<!-- saved from url=(0037)http://news.cnnb.com.cn/a/1.html -->\\r\\n<html>")
    'http://news.cnnb.com.cn/a/1.html'
    >>> saved_from_url(b"<!-- saved from url=(0014)about:internet -->") is None
    True
    """
    match = _SAVED_FROM_RE.search(head[:SNIFF_BYTES])
    if match is None:
        return None
    url = match.group(1).decode("ascii", "replace")
    return url if url.lower().startswith(("http://", "https://")) else None


def media_type(content_type: str | None) -> str:
    """Lower-case media type of a Content-Type value ('' when missing).

    >>> media_type("Text/HTML; charset=GBK"), media_type(None)
    ('text/html', '')
    """
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def display_path(rel: str) -> str:
    """A printable location for a relative path; non-UTF-8 names (e.g. GBK bytes from an
    old zip) are decoded as GB18030 when possible, else shown with escapes."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        raw = os.fsencode(rel)
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "backslashreplace")


class _TooLarge(Exception):
    pass


class _GzipTruncated(Exception):
    pass


def gunzip_capped(chunks: Iterable[bytes], max_bytes: int) -> bytes:
    """Inflate gzip data (one or more members) without ever holding more than
    ``max_bytes`` + 1 bytes of output.  Raises ``_TooLarge`` past the cap,
    ``_GzipTruncated`` when the stream ends inside a member and ``zlib.error``
    on corrupt data.  Bytes after the last member that are not another member
    (zero padding, junk) are ignored.

    >>> import gzip
    >>> gunzip_capped([gzip.compress(b"abc") + gzip.compress(b"def")], 100)
    b'abcdef'
    """
    out = bytearray()
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    started = False
    for chunk in chunks:
        data = chunk
        while data:
            if decomp.eof:
                if not data.startswith(b"\x1f\x8b"):
                    return bytes(out)  # trailing padding or junk after a complete member
                decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            started = True
            out += decomp.decompress(data, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise _TooLarge()
            data = decomp.unused_data if decomp.eof else decomp.unconsumed_tail
    if started and not decomp.eof:
        raise _GzipTruncated()
    return bytes(out)


def _read_chunks(fh: BinaryIO) -> Iterator[bytes]:
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return
        yield chunk


def _read_capped(stream, max_bytes: int) -> bytes | None:
    """Read a stream to its end, or return None once it passes ``max_bytes``."""
    parts = []
    total = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > max_bytes:
            return None
        parts.append(chunk)


def _describe(exc: BaseException) -> str:
    """Exception as one short printable line (warcio quotes raw, often binary, bytes).

    >>> _describe(ValueError("bad first line: \x8b\x08junk"))
    'ValueError: bad first line: ??junk'
    """
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 160 else text[:157] + "..."


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


# --------------------------------------------------------------------------- saved files


def read_html_file(path: str | os.PathLike, location: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawPage | Skip:
    """One saved page as a RawPage, or the Skip that says why it cannot be used."""
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Skip("unreadable", location, "not a regular file")
            if info.st_size == 0:
                return Skip("empty_file", location, "the file is empty (0 bytes); re-save or re-fetch the page")
            magic = fh.read(2)
            fh.seek(0)
            if magic == b"\x1f\x8b":
                try:
                    body = gunzip_capped(_read_chunks(fh), max_bytes)
                except _TooLarge:
                    return Skip("too_large", location,
                                f"more than {_mib(max_bytes)} after gunzip (gzip bomb or huge page); "
                                "raise max_bytes if the page is genuine")
                except _GzipTruncated:
                    return Skip("truncated_gzip", location,
                                "the gzip stream ends before its end marker (file cut short); re-download it")
                except zlib.error as exc:
                    return Skip("corrupt_gzip", location, f"gzip data is corrupt ({exc}); re-download it")
            else:
                if info.st_size > max_bytes:
                    return Skip("too_large", location,
                                f"{_mib(info.st_size)} is more than the {_mib(max_bytes)} limit; "
                                "raise max_bytes if the page is genuine")
                body = fh.read(max_bytes + 1)
                if len(body) > max_bytes:
                    return Skip("too_large", location, f"more than {_mib(max_bytes)} (file grew while read)")
    except PermissionError as exc:
        return Skip("unreadable", location, f"permission denied ({exc.strerror}); fix the file's permissions")
    except FileNotFoundError:
        return Skip("unreadable", location, "no such file (removed while reading?)")
    except OSError as exc:
        return Skip("unreadable", location, f"cannot read: {exc.strerror or exc}")
    if not body.strip():
        return Skip("empty_file", location, "the file holds no text (only whitespace)")
    head = body[:SNIFF_BYTES]
    what = sniff_non_html(head)
    if what is not None:
        return Skip("non_html", location, f"the file is {what}, not HTML (first bytes {head[:8]!r})")
    return RawPage(location=location, body=body, url=saved_from_url(head))


# --------------------------------------------------------------------------- WARC / ARC


class _StrictArchiveIterator(ArchiveIterator):
    """ArchiveIterator that parses only WARC records in a WARC file (warcio
    otherwise falls back to reading any line with five fields as an ARC
    header, so a damaged WARC or an HTML file gives silent garbage records)."""

    # warcio prints this warning to stderr when a record is not followed by the
    # blank-line separator; we detect it through err_count and report a Skip.
    INC_RECORD = ""

    def __init__(self, fileobj, arc: bool):
        super().__init__(fileobj, arc2warc=arc)
        if not arc:
            self.known_format = "warc"


def _looks_like_record_head(head: bytes, arc: bool) -> bool:
    if head.startswith((b"WARC/1.0", b"WARC/1.1")):
        block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0].lower()
        return b"\nwarc-type:" in block
    return arc and _ARC_LINE_RE.match(head) is not None


def _valid_start(data: bytes | memoryview, arc: bool) -> bool:
    """Do these bytes (from a candidate offset) begin a WARC/ARC record, plain or gzipped?"""
    if bytes(data[:3]) == _GZIP_MAGIC:
        if len(data) < 10 or data[3] & 0xE0:  # reserved gzip flag bits must be 0
            return False
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 4096)
        except zlib.error:
            return False
    else:
        head = bytes(data[:4096])
    return _looks_like_record_head(head, arc)


def find_next_record(fh: BinaryIO, start: int, arc: bool = False) -> int | None:
    """Offset of the first valid record start at or after ``start``, scanning forward
    in 1 MiB windows (never the whole file in memory); None if there is none.

    A record start is a gzip member whose data begins with a WARC header (or an
    ARC header line when ``arc``), or such a header in plain text.  Both kinds
    are looked for, so a .warc.gz with junk in front, or misnamed, still resyncs.
    """
    pos = start
    checked = start - 1
    while True:
        fh.seek(pos)
        window = fh.read(_SCAN_CHUNK)
        if not window:
            return None
        hits = [m.start() for m in _WARC_LINE_RE.finditer(window)]
        i = window.find(_GZIP_MAGIC)
        while i >= 0:
            hits.append(i)
            i = window.find(_GZIP_MAGIC, i + 1)
        if arc:
            hits += [m.end() for m in _ARC_SCAN_RE.finditer(window)]
            if pos == start:
                hits.append(0)
        hits.sort()
        view = memoryview(window)
        for i in hits:
            offset = pos + i
            if offset <= checked:
                continue
            checked = offset
            if i + _PROBE <= len(window):
                probe = view[i:i + _PROBE]
            else:
                fh.seek(offset)
                probe = fh.read(_PROBE)
            if _valid_start(probe, arc):
                return offset
        if len(window) < _SCAN_CHUNK:
            return None
        pos += len(window) - 32  # overlap so a header split between windows is seen


def _only_padding_after(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return True
        if chunk.strip(b" \t\r\n\x00"):
            return False


def _http_status(http) -> str:
    code = (http.get_statuscode() or "").strip()
    return code if code.isdigit() else "invalid"


def _record_outcome(record, loc: str, max_bytes: int) -> tuple[RawPage | Skip | None, str | None]:
    """What one record gives (page, skip or nothing) and a structural problem, if any.

    Reads at most ``max_bytes`` of the (decompressed) payload.
    """
    rtype = record.rec_type
    if rtype == "revisit":
        return Skip("warc_revisit", loc, "revisit record: a duplicate of an earlier capture, no payload"), None
    if rtype != "response":
        return None, None  # warcinfo, request, metadata, resource, conversion, arc_header
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    if http is None:
        if uri.lower().startswith(("http:", "https:")):
            return None, "response record without HTTP headers"
        return None, None  # dns:, whois: ...
    status = _http_status(http)
    if status != "200":
        return Skip(f"http_status_{status}", loc, f"HTTP status {http.statusline.strip()!r}, not 200"), None
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:
        return Skip("warc_error", loc,
                    f"record is marked WARC-Truncated: {truncated}; the page was stored incomplete"), None
    ctype = http.get_header("Content-Type")
    media = media_type(ctype)
    if ctype and media not in HTML_TYPES:
        return Skip("non_html", loc, f"HTTP Content-Type is {media or ctype!r}, not HTML"), None
    declared_http = http.get_header("Content-Length")
    if declared_http and declared_http.strip().isdigit() and record.payload_length >= 0:
        if record.payload_length < int(declared_http):
            return Skip("warc_error", loc,
                        f"HTTP body truncated: Content-Length {declared_http.strip()} but "
                        f"{record.payload_length} bytes stored"), None
    body = _read_capped(record.content_stream(), max_bytes)
    if body is None:
        return Skip("too_large", loc, f"payload is more than {_mib(max_bytes)} after decoding; "
                                      "raise max_bytes if the page is genuine"), None
    if _MERGED_RE.search(body):
        return None, "payload contains the next WARC record (Content-Length too large?)"
    if not body.strip():
        return Skip("empty_body", loc, "HTTP 200 response with an empty body"), None
    head = body[:SNIFF_BYTES]
    what = sniff_non_html(head)
    if what is not None:
        return Skip("non_html", loc, f"payload is {what}, not HTML"), None
    if not ctype and not looks_like_html(head):
        return Skip("non_html", loc, "no Content-Type and the payload does not look like HTML"), None
    page = RawPage(location=loc, body=body, url=uri or None, content_type=ctype,
                   fetched_at=record.rec_headers.get_header("WARC-Date"))
    return page, None


_SINGLE_FIELDS = ("warc-type", "warc-record-id", "warc-date", "content-length", "warc-target-uri")


def _damaged_header(rec_headers) -> str | None:
    """Fields that a WARC header has at most once, repeated: the header of this record
    was cut and the next record's header was read as its continuation."""
    names = [name.strip().lower() for name, _value in rec_headers.headers]
    repeated = sorted({n for n in names if n in _SINGLE_FIELDS and names.count(n) > 1})
    if repeated:
        return f"record header is damaged (repeated {', '.join(repeated)}: header cut short?)"
    if any("warc/1." in n for n in names) or any("WARC/1." in str(v) for _n, v in rec_headers.headers):
        return "record header is damaged (contains another record's first line: header cut short?)"
    return None


def _raw_header_problem(fh: BinaryIO, offset: int) -> str | None:
    """Check the WARC header of the record at ``offset`` as bytes: warcio drops
    header lines without a colon silently, which hides a header cut short and
    continued by the next record's header."""
    data = os.pread(fh.fileno(), _PROBE, offset)
    if data.startswith(_GZIP_MAGIC):
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, _PROBE)
        except zlib.error:
            return None
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].split(b"\r\n")
    if lines[0] not in (b"WARC/1.0", b"WARC/1.1"):
        return f"record header is damaged (first line {lines[0][:40]!r})"
    for line in lines[1:]:
        if b":" not in line and not line.startswith((b" ", b"\t")):
            return f"record header is damaged (line {line[:40]!r} is not a field: header cut short?)"
    return None


def _check_record(record, it: ArchiveIterator, errors_before: int, arc: bool) -> str | None:
    damaged = _damaged_header(record.rec_headers)
    if damaged:
        return damaged
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or record.length is None:
        return "record header has no Content-Length (header cut short or not a record)"
    if not declared.strip().isdigit():
        return f"invalid Content-Length {declared[:40]!r}"
    if arc and record.rec_type != "warcinfo":
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not re.match(r"[a-z][a-z0-9+.-]*:", uri, re.IGNORECASE):
            return "not an ARC record header"
    raw = record.raw_stream
    if isinstance(raw, LimitReader) and raw.limit > 0:
        have = record.length - raw.limit
        return (f"record is short: Content-Length {record.length} declared, only {have} bytes "
                "present (file truncated or gzip member cut)")
    if it.err_count > errors_before:
        return (f"Content-Length {record.length} does not end at the record boundary "
                "(no blank-line separator after the block)")
    decompressor = getattr(it.reader, "decompressor", None)
    if decompressor is not None and not getattr(decompressor, "eof", True):
        return "gzip member is cut short (its end marker and checksum are missing)"
    return None


def _check_separator(fh: BinaryIO, it: ArchiveIterator, size: int) -> str | None:
    """After a WARC record's block has been read: is it followed by CRLF CRLF?

    warcio only warns when the first line after the block is not blank, so a
    Content-Length off by 2 (block + CRLF, then the next record) passes it.
    Called with the block fully read and before ``read_to_end``.
    """
    reader = it.reader
    if reader.decompressor is not None:
        # gzip: the reader never reads past the end of this member, so the rest
        # of the member can be taken here (read_to_end then finds it empty).
        rest = reader.read(_CHUNK)
        if rest.startswith(b"\r\n\r\n") and not rest[4:].strip(b"\r\n"):
            return None
        if b"WARC/1." in rest[:64]:
            return ("several records in one gzip member (a whole-file gzip, not one member "
                    "per record); fix it with `warcio recompress`")
        return "Content-Length does not end at the record boundary (no CRLF CRLF after the block)"
    block_end = fh.tell() - reader.rem_length()
    sep = os.pread(fh.fileno(), 4, block_end)
    if sep == b"\r\n\r\n":
        return None
    if b"\r\n\r\n".startswith(sep) and block_end + len(sep) >= size:
        return None  # only the final separator is cut off at the end of the file
    return f"Content-Length does not end at the record boundary (found {sep!r} after the block)"


def _read_segment(fh: BinaryIO, pos: int, rel: str, arc: bool, size: int,
                  max_bytes: int) -> Iterator[RawPage | Skip]:
    """Yield the outcomes of consecutive good records from ``pos``; return the
    fault as ``(offset, message)`` or None at a clean end of file."""
    fh.seek(pos)
    it = _StrictArchiveIterator(fh, arc)
    records = iter(it)
    try:
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio raises AttributeError, ArchiveLoadFailed, ...
                return it.offset, f"cannot parse a record here: {_describe(exc)}"
            offset = it.offset
            try:
                outcome, problem = _record_outcome(record, f"{rel}#{offset}", max_bytes)
                while record.raw_stream.read(_CHUNK):
                    pass
                separator_problem = None if arc else _check_separator(fh, it, size)
                errors_before = it.err_count
                it.read_to_end()
            except Exception as exc:
                return offset, f"record cannot be read: {_describe(exc)}"
            problem = (problem or _check_record(record, it, errors_before, arc) or separator_problem
                       or (None if arc else _raw_header_problem(fh, offset)))
            if problem:
                return offset, problem
            if outcome is not None:
                yield outcome
        end = it.offset
    finally:
        it.close()
    if end < size and not _only_padding_after(fh, end):
        return end, "data after the last readable record cannot be parsed (file truncated or damaged)"
    return None


def iter_pages_in_warc(path: str | os.PathLike, rel: str,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawPage | Skip]:
    """Pages (200 HTML responses) of one WARC or ARC file, plain or gzipped.

    ``rel`` is the location prefix (``rel#offset`` for each record).  Records
    are streamed; at most one payload (capped at ``max_bytes``) is in memory.
    """
    try:
        fh = open(path, "rb")
    except PermissionError as exc:
        yield Skip("unreadable", rel, f"permission denied ({exc.strerror}); fix the file's permissions")
        return
    except OSError as exc:
        yield Skip("unreadable", rel, f"cannot open: {exc.strerror or exc}")
        return
    with fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            yield Skip("unreadable", rel, "not a regular file")
            return
        size = info.st_size
        if size == 0:
            yield Skip("empty_file", rel, "the archive is empty (0 bytes)")
            return
        arc = os.fspath(path).lower().endswith((".arc", ".arc.gz"))
        pos: int | None = 0
        while pos is not None:
            fault = yield from _read_segment(fh, pos, rel, arc, size, max_bytes)
            if fault is None:
                return
            offset, message = fault
            pos = find_next_record(fh, offset + 1, arc)
            after = (f"reading resumes at the next record (offset {pos})" if pos is not None
                     else "no further record found; the rest of the file is lost")
            logger.info("warc_error %s#%d: %s; %s", rel, offset, message, after)
            yield Skip("warc_error", f"{rel}#{offset}", f"{message}; {after}")


# --------------------------------------------------------------------------- folders


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _read_any(path: str, rel: str, kind: str | None, max_bytes: int) -> Iterator[RawPage | Skip]:
    if kind == "archive":
        yield from iter_pages_in_warc(path, rel, max_bytes)
    else:
        yield read_html_file(path, rel, max_bytes)


def walk_input_files(root: str) -> Iterator[tuple[str, str, str] | Skip]:
    """(path, location, kind) of the input files under ``root``, sorted, depth first, or Skips.

    Shared by the local reader and the Dask engine, so both list exactly the same files.
    """
    real_root = os.path.realpath(root)
    # A stack of (sorted listing of one directory, its relative prefix); only the
    # listings of the directories on the current path are held at once.
    stack: list[tuple[Iterator[os.DirEntry], str]] = []

    def listing(path: str, prefix: str) -> Skip | None:
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            return Skip("unreadable", display_path(prefix.rstrip("/") or "."),
                        f"cannot list directory: {exc.strerror or exc}")
        stack.append((iter(entries), prefix))
        return None

    problem = listing(root, "")
    if problem is not None:
        yield problem
    while stack:
        entries, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        rel = prefix + entry.name
        location = display_path(rel)
        kind = classify(entry.name)
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _inside(target, real_root):
                    if kind is not None or os.path.isdir(entry.path):
                        yield Skip("symlink_outside_root", location,
                                   "symlink points outside the input folder; not followed")
                    continue
                if os.path.isdir(target):
                    continue  # its target is inside the root and is walked there
                if kind is not None and not os.path.exists(target):
                    yield Skip("unreadable", location, "dangling symlink (its target does not exist)")
                    continue
                if kind is not None:
                    yield entry.path, location, kind
                continue
            if entry.is_dir(follow_symlinks=False):
                problem = listing(entry.path, rel + "/")
                if problem is not None:
                    yield problem
                continue
            if kind is None:
                continue
            if not entry.is_file(follow_symlinks=False):
                yield Skip("unreadable", location, "not a regular file (device, FIFO or socket)")
                continue
        except OSError as exc:
            yield Skip("unreadable", location, f"cannot stat: {exc.strerror or exc}")
            continue
        yield entry.path, location, kind


def _walk(root: str, max_bytes: int) -> Iterator[RawPage | Skip]:
    for item in walk_input_files(root):
        if isinstance(item, Skip):
            yield item
        else:
            yield from _read_any(*item, max_bytes)


def iter_raw_pages(paths: Iterable[str | os.PathLike],
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawPage | Skip]:
    """Pages and skips for files, folders (recursive, sorted) and WARC/ARC files.

    ``location`` is relative to the folder given (or to a single file's parent
    folder, i.e. the file name), with ``/`` separators; WARC records add
    ``#offset``.
    """
    for item in given_inputs(paths):
        if isinstance(item, Skip):
            yield item
        elif item[1] is None:
            yield from _walk(item[0], max_bytes)
        else:
            yield from _read_any(item[0], item[1], classify(item[1]) or "html", max_bytes)


def given_inputs(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str | None] | Skip]:
    """The paths a user gave, checked: (folder, None), (file, its location = file name) or a Skip."""
    for given in paths:
        path = os.fspath(given)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            yield Skip("unreadable", path, "no such file or directory")
            continue
        except OSError as exc:
            yield Skip("unreadable", path, f"cannot stat: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield path, None
            continue
        name = display_path(os.path.basename(path.rstrip(os.sep)) or path)
        if not stat.S_ISREG(info.st_mode):
            yield Skip("unreadable", name, "not a regular file (device, FIFO or socket)")
            continue
        yield path, name
