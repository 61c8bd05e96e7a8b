"""Pages from WARC and ARC archives, plain or gzipped, read record by record.

Only HTTP 200 responses with an HTML payload become pages.  Skip reasons emitted here:
``warc_revisit`` (revisit records), ``not_web_address`` (a response to javascript:, file: ...),
``http_status_<code>`` (non-200 responses), ``non_html``,
``too_large``, ``empty_body`` and ``warc_error``: a damaged archive -- the bad record (or
junk) is reported at ``file#offset`` and reading resumes at the next valid record; also a record
marked ``WARC-Truncated`` or whose HTTP body is shorter than its HTTP Content-Length (the record
boundaries are fine, nothing is skipped after it).

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

An ARC file gzipped as a whole (one gzip stream, not one member per record: its first member
holds more than the version block) is read through a decompressing stream; the ``#offset`` of
its records are then offsets in the decompressed data, and damage to the gzip stream ends the
file with one ``warc_error``.
"""
from __future__ import annotations

import gzip
import logging
import os
import sys
import re
import stat
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from pipeline.errors import Skip
from pipeline.read.limits import (
    CHUNK,
    HTML_TYPES,
    SNIFF_BYTES,
    looks_like_html,
    media_type,
    mib,
    read_capped,
    sniff_non_html,
)
from pipeline.read.warc_scan import (
    GZIP_MEMBER,
    PROBE,
    find_next_record,
    first_member_holds_several_records,
    only_padding_after,
)
from pipeline.records import RawPage, file_key

logger = logging.getLogger(__name__)

# The start of another WARC record inside a payload: a too-large Content-Length.
_MERGED_RE = re.compile(rb"WARC/1\.[01]\r\n(?:WARC-[A-Za-z-]+|Content-Length|Content-Type): ")


def _describe(exc: BaseException) -> str:
    """Exception as one short printable line (warcio quotes raw, often binary, bytes).

    >>> _describe(ValueError("bad first line: \x8b\x08junk"))
    'ValueError: bad first line: ??junk'
    """
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 160 else text[:157] + "..."



def file_kind(mode: int) -> str:
    """What a file mode says a path is, for a message.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFREG)
    ('a FIFO (named pipe)', 'a regular file')
    """
    for test, kind in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a file"


class NotRegularFile(OSError):
    """The path (a symlink followed) is a FIFO, socket, device or directory: it is not opened."""


def open_regular(path: str | os.PathLike, location: str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file, links followed.

    Checked with :func:`os.stat` before opening: opening a FIFO blocks until a writer comes.
    The open itself does not block either (``O_NONBLOCK``, no effect on a regular file), in
    case the path is swapped for a FIFO between the two.  Raises :class:`NotRegularFile`
    naming ``location``, or the OSError of stat/open.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(f"{location} is {file_kind(mode)}, not a regular file; not read")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"{location} is {file_kind(mode)}, not a regular file; not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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


def _record_key(record, arc: bool, position: str) -> str:
    """The state key of an archive record: its WARC-Record-ID, the same wherever the WARC is read
    from; an ARC record has none (warcio makes a random one), so its file's key and offset."""
    record_id = None if arc else record.rec_headers.get_header("WARC-Record-ID")
    return "warc:" + record_id.strip() if record_id and record_id.strip() else position


def _http_status(http) -> str:
    code = (http.get_statuscode() or "").strip()
    return code if code.isdigit() else "invalid"


def _record_outcome(record, loc: str, max_bytes: int, key: str = "") -> tuple[RawPage | Skip | None, str | None]:
    """What one record gives (page, skip or nothing) and a structural problem, if any.

    Reads at most ``max_bytes`` of the (decompressed) payload.
    """
    rtype = record.rec_type
    if rtype == "revisit":
        return Skip("warc_revisit", loc, "revisit record: a duplicate of an earlier capture, no payload"), None
    if rtype != "response":
        return None, None  # warcinfo, request, metadata, resource, conversion, arc_header
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not uri.lower().startswith(("http:", "https:")):
        if uri.lower().startswith(("dns:", "whois:")):
            return None, None  # what a crawler looked up beside the pages
        return Skip("not_web_address", loc, f"the record's target {uri[:100]!r} is no http(s) address; "
                                            "not read as a web page"), None
    http = record.http_headers
    if http is None:
        return None, "response record without HTTP headers"
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
    body = read_capped(record.content_stream(), max_bytes)
    if body is None:
        return Skip("too_large", loc, f"payload is more than {mib(max_bytes)} after decoding; "
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
                   fetched_at=record.rec_headers.get_header("WARC-Date"), key=key)
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
    data = os.pread(fh.fileno(), PROBE, offset)
    if data.startswith(GZIP_MEMBER):
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, PROBE)
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
        rest = reader.read(CHUNK)
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
                  max_bytes: int, base: str) -> Iterator[RawPage | Skip]:
    """Yield the outcomes of consecutive good records from ``pos``; return the
    fault as ``(offset, message)`` or None at a clean end of file.  The offset of a
    fault is never before the last record read (warcio gives a negative one for a
    gzip member holding several records)."""
    fh.seek(pos)
    it = _StrictArchiveIterator(fh, arc)
    records = iter(it)
    last = pos
    try:
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio raises AttributeError, ArchiveLoadFailed, ...
                message = _describe(exc)
                if "non-chunked gzip" in message:
                    message = ("several records in one gzip member (a whole-file gzip, not one member "
                               "per record); fix it with `warcio recompress`")
                return max(it.offset, last), f"cannot parse a record here: {message}"
            offset = last = max(it.offset, last)
            try:
                outcome, problem = _record_outcome(record, f"{rel}#{offset}", max_bytes,
                                                   _record_key(record, arc, f"{base}#{offset}"))
                while record.raw_stream.read(CHUNK):
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
    if end < size and not only_padding_after(fh, end):
        return end, "data after the last readable record cannot be parsed (file truncated or damaged)"
    return None


def iter_pages_in_warc(path: str | os.PathLike, rel: str,
                       max_bytes: int) -> Iterator[RawPage | Skip]:
    """Pages (200 HTML responses) of one WARC or ARC file, plain or gzipped.

    ``rel`` is the location prefix (``rel#offset`` for each record).  Records
    are streamed; at most one payload (capped at ``max_bytes``) is in memory.
    """
    try:
        fh = open_regular(path, rel)
    except NotRegularFile as exc:
        yield Skip("unreadable", rel, str(exc))
        return
    except PermissionError as exc:
        yield Skip("unreadable", rel, f"permission denied ({exc.strerror}); fix the file's permissions")
        return
    except OSError as exc:
        yield Skip("unreadable", rel, f"cannot open: {exc.strerror or exc}")
        return
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            yield Skip("empty_file", rel, "the archive is empty (0 bytes)")
            return
        arc = os.fspath(path).lower().endswith((".arc", ".arc.gz"))
        if arc and first_member_holds_several_records(fh):
            try:
                with gzip.GzipFile(fileobj=fh, mode="rb") as stream:
                    yield from _read_records(stream, rel, arc, sys.maxsize, max_bytes, file_key(path))
            except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
                logger.info("warc_error %s: gzip stream damaged: %s", rel, _describe(exc))
                yield Skip("warc_error", rel, f"the gzip stream of this whole-file gzipped ARC is damaged "
                                              f"({_describe(exc)}); the rest of the file is lost")
            return
        yield from _read_records(fh, rel, arc, size, max_bytes, file_key(path))


def _read_records(fh: BinaryIO, rel: str, arc: bool, size: int, max_bytes: int,
                  base: str) -> Iterator[RawPage | Skip]:
    """The outcomes of the records of ``fh`` (``size`` bytes), resuming after each fault."""
    pos: int | None = 0
    while pos is not None:
        fault = yield from _read_segment(fh, pos, rel, arc, size, max_bytes, base)
        if fault is None:
            return
        offset, message = fault
        pos = find_next_record(fh, offset + 1, arc)
        after = (f"reading resumes at the next record (offset {pos})" if pos is not None
                 else "no further record found; the rest of the file is lost")
        logger.info("warc_error %s#%d: %s; %s", rel, offset, message, after)
        yield Skip("warc_error", f"{rel}#{offset}", f"{message}; {after}")
