"""The WARC file of one crawl run: every fetched page, appended as it arrives.

The file is written as ``<run-id>.warc.gz.open`` and renamed when the run
ends (Heritrix does the same), so a reader can tell a finished night from one
still being written.  A run that was killed leaves its ``.open`` file behind;
the next run renames it, and ``newsfacts run`` reads it like any WARC (a
record cut by the kill is skipped with a warc_error).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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
