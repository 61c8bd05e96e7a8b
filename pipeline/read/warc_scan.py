"""Finding record starts in damaged or oddly compressed WARC/ARC files, for :mod:`pipeline.read.warc`.

warcio reads records one after another and cannot resynchronise after damage: these helpers
scan forward for the next record start (a gzip member that inflates to a WARC/ARC header, or a
header in plain text), tell padding from data after the last record, and tell an ARC gzipped as
a whole file from one gzipped member by member.
"""
from __future__ import annotations

import re
import zlib
from typing import BinaryIO

from pipeline.read.limits import CHUNK, GZIP_MAGIC

_SCAN_CHUNK = 1 << 20
PROBE = 16 * 1024  # bytes read at a candidate record start to validate it
GZIP_MEMBER = GZIP_MAGIC + b"\x08"  # a gzip member of deflate data: a candidate record start
_WARC_LINE_RE = re.compile(rb"WARC/1\.[01]\r?\n")
_ARC_LINE_RE = re.compile(rb"(?:https?|dns|filedesc|ftp)://\S* \S+ \d{14} \S+ \d+\r?\n")
_ARC_SCAN_RE = re.compile(rb"\n(?=(?:https?|dns|filedesc|ftp)://)")


def _looks_like_record_head(head: bytes, arc: bool) -> bool:
    if head.startswith((b"WARC/1.0", b"WARC/1.1")):
        block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0].lower()
        return b"\nwarc-type:" in block
    return arc and _ARC_LINE_RE.match(head) is not None


def _valid_start(data: bytes | memoryview, arc: bool) -> bool:
    """Do these bytes (from a candidate offset) begin a WARC/ARC record, plain or gzipped?"""
    if bytes(data[:3]) == GZIP_MEMBER:
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
        i = window.find(GZIP_MEMBER)
        while i >= 0:
            hits.append(i)
            i = window.find(GZIP_MEMBER, i + 1)
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
            if i + PROBE <= len(window):
                probe = view[i:i + PROBE]
            else:
                fh.seek(offset)
                probe = fh.read(PROBE)
            if _valid_start(probe, arc):
                return offset
        if len(window) < _SCAN_CHUNK:
            return None
        pos += len(window) - 32  # overlap so a header split between windows is seen


def only_padding_after(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            return True
        if chunk.strip(b" \t\r\n\x00"):
            return False


def first_member_holds_several_records(fh: BinaryIO) -> bool:
    """Does the file begin with a gzip member that holds more than its first ARC record (a
    whole-file gzip)?  Inflates the first member only as far as the end of that record."""
    fh.seek(0)
    if fh.read(3) != GZIP_MEMBER:
        return False
    fh.seek(0)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = b""
    seen = 0  # bytes inflated
    record_end = None
    try:
        while True:
            chunk = fh.read(CHUNK)
            data = inflater.decompress(chunk) if chunk else inflater.flush()
            seen += len(data)
            if record_end is None:
                head += data
                line_end = head.find(b"\n")
                if line_end >= 0:
                    length = head[:line_end].split()[-1:]
                    if not length or not length[0].isdigit():
                        return False  # not an ARC header: the normal reader reports it
                    record_end = line_end + 1 + int(length[0])
                    data, head = head, b""
                elif len(head) > PROBE:
                    return False
            if record_end is not None and seen > record_end:
                beyond = data[max(0, len(data) - (seen - record_end)):]  # inflated past the first record
                if beyond.strip():
                    return True
            if record_end is not None and seen > record_end + PROBE:
                return False
            if inflater.eof or not chunk:
                return False
    except zlib.error:
        return False  # a damaged member: the normal reader reports and resyncs
    finally:
        fh.seek(0)
