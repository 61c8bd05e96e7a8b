"""Write WARC files with warcio: the archive of a crawl run, and deterministic files for tests.

:class:`RunWarc` is the WARC file of one crawl run: every fetched page, appended as it arrives.
The file is written as ``<run-id>.warc.gz.open`` and renamed when the run ends (Heritrix does
the same), so a reader can tell a finished night from one still being written.  A run that was
killed leaves its ``.open`` file behind; the next run renames it (:func:`finish_stale`), and
``newsfacts run`` reads it like any WARC (a record cut by the kill is skipped with a warc_error).

:func:`write_warc` turns a list of :class:`WarcEntry` into a WARC file: one
``warcinfo`` record first, then one record per entry (responses with real HTTP
headers, requests, revisits, metadata).  Every value that would otherwise
change between runs is fixed: record ids are UUID-5s of the record type and
URL, ``WARC-Date`` comes from the entry (or a fixed base date plus the entry's
index), the HTTP ``Date`` header follows the WARC date and gzip members carry
mtime 0 (zlib's gzip wrapper writes no time).  Running it twice on the same
entries gives identical bytes.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import uuid
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: WARC-Date of the first entry that has no date of its own; later ones add 1 s each.
BASE_DATE = "2017-06-01T08:00:00Z"

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            403: "Forbidden", 404: "Not Found", 410: "Gone", 500: "Internal Server Error",
            503: "Service Unavailable"}


@dataclass(frozen=True)
class WarcEntry:
    """One record to write.

    ``record_type`` is ``response`` (default), ``request``, ``revisit`` or
    ``metadata``.  For a response, ``body`` is the HTTP payload as sent on the
    wire before any ``content_encoding`` is applied; ``content_type`` is the
    HTTP Content-Type header (None: no such header).
    """

    url: str
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    date: str | None = None  # WARC-Date, ISO 8601 UTC with Z
    server: str = "nginx"
    content_encoding: str | None = None  # 'gzip' or 'deflate': body is compressed on write
    record_type: str = "response"
    extra_headers: tuple[tuple[str, str], ...] = ()
    warc_headers: tuple[tuple[str, str], ...] = ()  # e.g. (("WARC-Truncated", "length"),)


@dataclass(frozen=True)
class WrittenRecord:
    """Where a record landed in the output file (offsets of the raw file)."""

    record_type: str
    url: str
    offset: int
    length: int


@dataclass
class _State:
    index: int = 0
    records: list[WrittenRecord] = field(default_factory=list)


def record_id(record_type: str, url: str, salt: str = "") -> str:
    """Stable WARC-Record-ID for a record of ``record_type`` about ``url``.

    >>> record_id("response", "http://news.cnnb.com.cn/a.html")  # doctest: +ELLIPSIS
    '<urn:uuid:...>'
    """
    name = f"{record_type} {url} {salt}"
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


def warc_date(index: int, base: str = BASE_DATE) -> str:
    """The fixed WARC-Date of the ``index``-th entry without a date.

    >>> warc_date(0), warc_date(61)
    ('2017-06-01T08:00:00Z', '2017-06-01T08:01:01Z')
    """
    start = datetime.strptime(base, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (start + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(iso: str) -> str:
    """RFC 7231 date for an ISO 8601 UTC time.

    >>> http_date("2017-06-01T08:00:00Z")
    'Thu, 01 Jun 2017 08:00:00 GMT'
    """
    moment = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return format_datetime(moment, usegmt=True)


def _encode_body(body: bytes, encoding: str | None) -> bytes:
    if encoding is None:
        return body
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    raise ValueError(f"unsupported content_encoding {encoding!r}")


def _sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _write_entry(writer: WARCWriter, entry: WarcEntry, date: str, index: int) -> None:
    host = entry.url.split("/")[2] if "://" in entry.url else ""
    warc_headers = {"WARC-Date": date,
                    "WARC-Record-ID": record_id(entry.record_type, entry.url, f"{date} {index}")}
    warc_headers.update(dict(entry.warc_headers))
    if entry.record_type == "request":
        path = "/" + entry.url.split("/", 3)[3] if entry.url.count("/") >= 3 else "/"
        http = StatusAndHeaders(
            f"GET {path} HTTP/1.1",
            [("Host", host), ("User-Agent", "newsfacts-corpus/0.1"), ("Accept", "text/html")],
            is_http_request=True,
        )
        record = writer.create_warc_record(entry.url, "request", http_headers=http,
                                           warc_headers_dict=warc_headers)
    elif entry.record_type == "metadata":
        record = writer.create_warc_record(entry.url, "metadata", payload=io.BytesIO(entry.body),
                                           length=len(entry.body), warc_headers_dict=warc_headers)
    elif entry.record_type in ("response", "revisit"):
        payload = _encode_body(entry.body, entry.content_encoding)
        headers = []
        if entry.content_type is not None:
            headers.append(("Content-Type", entry.content_type))
        headers += [("Date", http_date(date)), ("Server", entry.server)]
        if entry.content_encoding:
            headers.append(("Content-Encoding", entry.content_encoding))
        headers += list(entry.extra_headers)
        status = f"{entry.status} {_REASONS.get(entry.status, 'Unknown')}"
        if entry.record_type == "revisit":
            headers.append(("Content-Length", str(len(payload))))
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_revisit_record(
                entry.url, _sha1_digest(payload), entry.url, date, http_headers=http,
                warc_headers_dict=warc_headers,
            )
        else:
            headers.append(("Content-Length", str(len(payload))))
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(entry.url, "response", payload=io.BytesIO(payload),
                                               length=len(payload), http_headers=http,
                                               warc_headers_dict=warc_headers)
    else:
        raise ValueError(f"unsupported record_type {entry.record_type!r}")
    writer.write_record(record)


def write_warc(
    entries: Iterable[WarcEntry],
    out_path: str | os.PathLike,
    *,
    info: Mapping[str, str] | None = None,
    compress: bool | None = None,
    base_date: str = BASE_DATE,
) -> list[WrittenRecord]:
    """Write ``entries`` to ``out_path`` (gzip per record when it ends in .gz).

    A ``warcinfo`` record (dated ``base_date``) comes first; an entry without a
    date gets ``base_date`` plus its index in seconds.  Returns where each
    record was written.
    The file is written to a temporary name next to ``out_path`` and renamed
    when complete, so a crash never leaves a half-written WARC under the
    final name.
    """
    out = Path(out_path)
    if compress is None:
        compress = out.name.endswith(".gz")
    # (the software text is kept as the committed corpus archive carries it: its bytes are tested)
    fields = {"software": "newsfacts pipeline.warcs (warcio)", "format": "WARC File Format 1.0",
              "description": "Sample pages of the newsfacts corpus"}
    fields.update(info or {})
    state = _State()
    tmp = out.with_name(out.name + ".open")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(tmp, "wb") as fh:
            writer = WARCWriter(fh, gzip=compress)
            payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
            info_headers = {"WARC-Date": base_date, "WARC-Filename": out.name,
                            "WARC-Record-ID": record_id("warcinfo", out.name)}
            start = fh.tell()
            writer.write_record(writer.create_warc_record(
                "", "warcinfo", payload=io.BytesIO(payload), length=len(payload),
                warc_headers_dict=info_headers,
            ))
            state.records.append(WrittenRecord("warcinfo", "", start, fh.tell() - start))
            for entry in entries:
                date = entry.date or warc_date(state.index, base_date)
                start = fh.tell()
                _write_entry(writer, entry, date, state.index)
                state.index += 1
                state.records.append(WrittenRecord(entry.record_type, entry.url, start, fh.tell() - start))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return state.records


def entries_from_table(
    table: Iterable[tuple[str, str, str | None]], root: str | os.PathLike
) -> list[WarcEntry]:
    """200 response entries for rows ``(path under root, URL, Content-Type header)``.

    Raises FileNotFoundError naming every missing file at once.
    """
    base = Path(root)
    rows = list(table)
    missing = [rel for rel, _url, _ctype in rows if not (base / rel).is_file()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} file(s) of the table are missing under {base}: "
                                + ", ".join(missing))
    return [WarcEntry(url=url, body=(base / rel).read_bytes(), content_type=ctype)
            for rel, url, ctype in rows]


# --------------------------------------------------------------------------- a crawl run's archive

# Headers that describe the wire form; the payload we store is already decoded.
WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def finish_stale(warc_dir: Path) -> list[Path]:
    """Rename WARCs left open by killed runs, so they can be reprocessed offline."""
    done = []
    for p in sorted(warc_dir.glob("*.warc.gz.open")):
        target = p.with_name(p.name.removesuffix(".open"))
        os.replace(p, target)
        done.append(target)
    return done


class RunWarc:
    """``<run-id>.warc.gz.open`` in ``warc_dir`` until :meth:`close` renames it."""

    def __init__(self, warc_dir: Path, run_id: str, user_agent: str):
        warc_dir.mkdir(parents=True, exist_ok=True)
        self.path = warc_dir / f"{run_id}.warc.gz"
        self.open_path = self.path.with_name(self.path.name + ".open")
        self.fh = open(self.open_path, "ab")
        self.writer = WARCWriter(self.fh, gzip=True)
        info = self.writer.create_warcinfo_record(self.path.name, {"software": "newsfacts", "user-agent": user_agent})
        self.writer.write_record(info)

    def add(self, url: str, status: int, headers: tuple[tuple[str, str], ...], body: bytes, fetched_at: str) -> None:
        """One response record; flushed so a kill loses at most the record being written."""
        kept = [(k, v) for k, v in headers if k.lower() not in WIRE_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {'OK' if status == 200 else ''}".strip(), kept, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": fetched_at.replace("+00:00", "Z")},
        )
        self.writer.write_record(record)
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> Path:
        self.fh.close()
        os.replace(self.open_path, self.path)
        return self.path
