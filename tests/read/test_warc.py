"""Reading WARC and ARC archives (pipeline.read.warc; RELIABILITY.md W01, W02).

Real WARC files written with warcio, damaged by byte edits; no mocks.
"""
from __future__ import annotations

import gzip
import random
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest

from pipeline.read.files import iter_raw_pages
from pipeline.read.warc import iter_pages_in_warc
from pipeline.read.warc_scan import find_next_record
from pipeline.read.warc_writer import WarcEntry, write_warc
from tests.read.conftest import MAX, collect, html, reasons

REPO = Path(__file__).resolve().parents[2]


# ====================================================================== WARC: record types


def page_entry(i: int, **kw) -> WarcEntry:
    return WarcEntry(url=f"http://news.cnnb.com.cn/system/2017/06/0{i}/page{i}.shtml",
                     body=html(f"p{i}", "utf-8", repeat=10 + i), **kw)


def test_warc_record_types(tmp_path):
    entries = [
        WarcEntry(url="http://news.cnnb.com.cn/a.shtml", record_type="request"),
        WarcEntry(url="http://news.cnnb.com.cn/a.shtml", body=html("a", "gbk"),
                  content_type="text/html; charset=gb2312"),
        WarcEntry(url="http://news.cnnb.com.cn/a.shtml", body=html("a", "gbk"), record_type="revisit"),
        WarcEntry(url="http://news.cnnb.com.cn/missing.shtml", body=b"<html>404</html>", status=404),
        WarcEntry(url="http://news.cnnb.com.cn/old.shtml", body=b"", status=301,
                  extra_headers=(("Location", "http://news.cnnb.com.cn/a.shtml"),)),
        WarcEntry(url="http://news.cnnb.com.cn/logo.png", body=b"\x89PNG\r\n\x1a\n" + b"\0" * 50,
                  content_type="image/png"),
        WarcEntry(url="http://news.cnnb.com.cn/fake.shtml", body=b"%PDF-1.4 " + b"x" * 100,
                  content_type="text/html"),
        WarcEntry(url="http://news.cnnb.com.cn/notype.shtml", body=html("notype"), content_type=None),
        WarcEntry(url="http://news.cnnb.com.cn/api.json", body=b'{"a": 1}', content_type=None),
        WarcEntry(url="http://news.cnnb.com.cn/gz.shtml", body=html("gz"), content_encoding="gzip"),
        WarcEntry(url="http://news.cnnb.com.cn/xhtml.shtml", body=html("x"),
                  content_type="application/xhtml+xml; charset=utf-8"),
        WarcEntry(url="http://news.cnnb.com.cn/cut.shtml", body=html("cut"),
                  warc_headers=(("WARC-Truncated", "length"),)),
        WarcEntry(url="http://news.cnnb.com.cn/empty.shtml", body=b""),
        WarcEntry(url="http://news.cnnb.com.cn/a.shtml", body=b"metadata: yes\r\n", record_type="metadata"),
    ]
    path = tmp_path / "crawl.warc.gz"
    written = write_warc(entries, path)
    offset = {(r.record_type, r.url): r.offset for r in written}
    pages, skips = collect(iter_raw_pages([path], MAX))

    assert [p.url for p in pages] == [
        "http://news.cnnb.com.cn/a.shtml", "http://news.cnnb.com.cn/notype.shtml",
        "http://news.cnnb.com.cn/gz.shtml", "http://news.cnnb.com.cn/xhtml.shtml",
    ]
    first = pages[0]
    assert first.location == f"crawl.warc.gz#{offset[('response', 'http://news.cnnb.com.cn/a.shtml')]}"
    assert first.body == html("a", "gbk")
    assert first.content_type == "text/html; charset=gb2312"
    assert first.fetched_at == "2017-06-01T08:00:01Z"
    assert pages[2].body == html("gz")  # Content-Encoding: gzip undone
    assert pages[1].content_type is None

    def at(rtype, url):
        return f"crawl.warc.gz#{offset[(rtype, 'http://news.cnnb.com.cn/' + url)]}"

    assert reasons(skips) == [
        ("warc_revisit", at("revisit", "a.shtml")),
        ("http_status_404", at("response", "missing.shtml")),
        ("http_status_301", at("response", "old.shtml")),
        ("non_html", at("response", "logo.png")),
        ("non_html", at("response", "fake.shtml")),
        ("non_html", at("response", "api.json")),
        ("warc_error", at("response", "cut.shtml")),
        ("empty_body", at("response", "empty.shtml")),
    ]
    assert "WARC-Truncated" in skips[6].detail


def test_warc_payload_over_the_cap(tmp_path):
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = comp.compress(b"<html>" + b" " * (30 * 2**20)) + comp.flush()
    path = tmp_path / "bomb.warc.gz"
    write_warc([WarcEntry(url="http://x.cn/bomb.html", body=bomb,
                          extra_headers=(("Content-Encoding", "gzip"),)),
                page_entry(1)], path)
    pages, skips = collect(iter_pages_in_warc(path, "bomb.warc.gz", max_bytes=2**20))
    assert [s.reason for s in skips] == ["too_large"] and len(pages) == 1


def test_warc_inside_folder_location(tmp_path):
    (tmp_path / "arch").mkdir()
    written = write_warc([page_entry(1), page_entry(2)], tmp_path / "arch" / "x.warc")
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert skips == []
    assert [p.location for p in pages] == [f"arch/x.warc#{r.offset}" for r in written[1:]]


def test_write_warc_is_deterministic(tmp_path):
    entries = [page_entry(1), page_entry(2, content_encoding="gzip"),
               WarcEntry(url="http://x.cn/404", body=b"nope", status=404)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_warc(entries, tmp_path / "a" / "same.warc.gz")
    write_warc(entries, tmp_path / "b" / "same.warc.gz")
    assert (tmp_path / "a" / "same.warc.gz").read_bytes() == (tmp_path / "b" / "same.warc.gz").read_bytes()
    assert not list(tmp_path.glob("*/*.open"))


def _script():
    import runpy

    return runpy.run_path(str(REPO / "corpora" / "build_warc.py"), run_name="build_warc")


def test_build_warc_script(tmp_path, capsys):
    samples = tmp_path / "samples"
    (samples / "site").mkdir(parents=True)
    (samples / "site" / "one.html").write_bytes(html("one", "gbk"))
    (samples / "site" / "two.html").write_bytes(html("two"))
    table = [("site/one.html", "http://a.cn/1.shtml", "text/html; charset=gb2312"),
             ("site/two.html", "http://a.cn/2.shtml", "text/html")]
    out = tmp_path / "archive" / "out.warc.gz"
    script = _script()
    assert script["main"](["--out", str(out)], table=table, root=samples) == 0
    first = out.read_bytes()
    pages, skips = collect(iter_raw_pages([out], MAX))
    assert [p.url for p in pages] == ["http://a.cn/1.shtml", "http://a.cn/2.shtml"]
    assert pages[0].content_type == "text/html; charset=gb2312"
    assert pages[0].body == html("one", "gbk")
    assert [s.reason for s in skips] == ["http_status_404"]
    from warcio.archiveiterator import ArchiveIterator

    with open(out, "rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types == ["warcinfo", "request", "response", "response", "response"]
    # rerun: identical bytes
    assert _script()["main"](["--out", str(out)], table=table, root=samples) == 0
    assert out.read_bytes() == first


def test_bundled_warc_is_what_the_script_builds(tmp_path):
    script = _script()
    assert script["TABLE"] and all(len(row) == 3 for row in script["TABLE"])
    committed = Path(script["DEFAULT_OUT"])
    assert committed.parts[-2:] == ("warc", "ningbo-pages.warc.gz") and committed.exists()
    fresh = tmp_path / committed.name  # the warcinfo record names the file
    assert script["main"](["--out", str(fresh)]) == 0
    assert fresh.read_bytes() == committed.read_bytes()


def test_build_warc_script_reports_missing_files(tmp_path, capsys):
    code = _script()["main"](["--out", str(tmp_path / "o.warc.gz")],
                             table=[("no/such.html", "http://a.cn/", "text/html")], root=tmp_path)
    assert code == 1 and "no/such.html" in capsys.readouterr().err
    assert not (tmp_path / "o.warc.gz").exists()


# ====================================================================== WARC: damage (W01)

URLS = [f"http://news.cnnb.com.cn/system/2017/06/0{i}/page{i}.shtml" for i in range(1, 6)]


def make_warc(tmp_path: Path, name: str) -> tuple[Path, bytes, list[int]]:
    """Five 200 pages; returns the path, the bytes and the offsets of the 5 responses + EOF."""
    path = tmp_path / name
    written = write_warc([page_entry(i) for i in range(1, 6)], path)
    data = path.read_bytes()
    return path, data, [r.offset for r in written[1:]] + [len(data)]


def damaged(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / ("bad-" + name)
    path.write_bytes(data)
    return path, collect(iter_pages_in_warc(path, path.name, MAX))


def page_urls(pages):
    urls = [p.url for p in pages]
    assert all(n == 1 for n in Counter(urls).values()), "a record was emitted twice"
    return urls


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_intact_warc_reads_every_page_once(tmp_path, name):
    path, _data, offsets = make_warc(tmp_path, name)
    pages, skips = collect(iter_pages_in_warc(path, name, MAX))
    assert skips == []
    assert page_urls(pages) == URLS
    assert [p.location for p in pages] == [f"{name}#{o}" for o in offsets[:-1]]


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_warc_cut_inside_the_last_record(tmp_path, name):
    _path, data, off = make_warc(tmp_path, name)
    for cut in range(off[4] + 1, off[5]):  # every cut position inside the record
        if not name.endswith(".gz") and cut >= off[5] - 4:
            continue  # only the blank-line separator is gone: the record itself is whole
        path, (pages, skips) = damaged(tmp_path, name, data[:cut])
        assert page_urls(pages) == URLS[:4], cut
        assert reasons(skips) == [("warc_error", f"{path.name}#{off[4]}")], (cut, skips)
        assert "no further record" in skips[0].detail


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_warc_record_cut_short_in_the_middle(tmp_path, name):
    """Bytes missing from the middle of record 2 (a gzip member cut short): the records
    after it are still read."""
    _path, data, off = make_warc(tmp_path, name)
    bad = data[: off[2] - 40] + data[off[2]:]
    path, (pages, skips) = damaged(tmp_path, name, bad)
    assert page_urls(pages) == URLS[:1] + URLS[2:]
    assert reasons(skips) == [("warc_error", f"{path.name}#{off[1]}")]
    assert "resumes" in skips[0].detail
    assert [p.location for p in pages][1:] == [f"{path.name}#{o - 40}" for o in off[2:5]]


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_every_shortening_of_a_middle_record(tmp_path, name):
    """Remove the last k bytes of record 2 (0-based 1), for every k: record 2 is
    reported once at its offset and records 1, 3, 4, 5 are emitted once each."""
    _path, data, off = make_warc(tmp_path, name)
    for k in range(1, off[2] - off[1]):
        if not name.endswith(".gz") and k <= 4:
            continue  # only the blank-line separator is gone: the record itself is whole
        bad = data[: off[2] - k] + data[off[2]:]
        path, (pages, skips) = damaged(tmp_path, name, bad)
        assert page_urls(pages) == URLS[:1] + URLS[2:], k
        assert reasons(skips) == [("warc_error", f"{path.name}#{off[1]}")], (k, skips)


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
@pytest.mark.parametrize("junk", [b"JUNK JUNK junk\r\n", b"\x00\x01garbage-without-newline",
                                  b"\r\n<html>stray</html>\r\n" * 5, random.Random(3).randbytes(3000)])
def test_junk_between_records(tmp_path, name, junk):
    _path, data, off = make_warc(tmp_path, name)
    path, (pages, skips) = damaged(tmp_path, name, data[: off[2]] + junk + data[off[2]:])
    assert page_urls(pages) == URLS
    blank = len(junk) - len(junk.lstrip(b"\r\n"))  # blank lines before junk are separators
    assert reasons(skips) in ([("warc_error", f"{path.name}#{off[2]}")],
                              [("warc_error", f"{path.name}#{off[2] + blank}")])
    assert [p.location for p in pages][2:] == [f"{path.name}#{o + len(junk)}" for o in off[2:5]]


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_junk_before_the_first_record(tmp_path, name):
    _path, data, off = make_warc(tmp_path, name)
    path, (pages, skips) = damaged(tmp_path, name, b"garbage\n" + data)
    assert page_urls(pages) == URLS
    assert reasons(skips) == [("warc_error", f"{path.name}#0")]


def _edit_content_length(data: bytes, start: int, end: int, delta: int, gz: bool) -> bytes:
    block = gzip.decompress(data[start:end]) if gz else data[start:end]
    match = re.search(rb"\r\nContent-Length: (\d+)\r\n", block)  # the WARC header comes first
    new = block[: match.start(1)] + str(int(match.group(1)) + delta).encode() + block[match.end(1):]
    if gz:
        new = gzip.compress(new, mtime=0)
    return data[:start] + new + data[end:]


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
@pytest.mark.parametrize("delta", [-2, -40, 2, 4, 6, 300])
def test_content_length_off(tmp_path, name, delta):
    _path, data, off = make_warc(tmp_path, name)
    bad = _edit_content_length(data, off[2], off[3], delta, name.endswith(".gz"))
    path, (pages, skips) = damaged(tmp_path, name, bad)
    assert page_urls(pages) == URLS[:2] + URLS[3:]
    assert reasons(skips) == [("warc_error", f"{path.name}#{off[2]}")]
    # the pages that are emitted are whole
    assert all(p.body.endswith(b"</html>") for p in pages)


def test_content_length_swallowing_the_next_record(tmp_path):
    _path, data, off = make_warc(tmp_path, "t.warc")
    swallow = off[4] - off[3]  # record 3 (0-based 2) now also covers record 4
    bad = _edit_content_length(data, off[2], off[3], swallow, gz=False)
    path, (pages, skips) = damaged(tmp_path, "t.warc", bad)
    assert page_urls(pages) == URLS[:2] + URLS[3:]
    assert reasons(skips) == [("warc_error", f"{path.name}#{off[2]}")]


def test_not_a_warc_at_all(tmp_path):
    path = tmp_path / "fake.warc"
    path.write_bytes(html("x") * 100)
    pages, skips = collect(iter_raw_pages([path], MAX))
    assert pages == [] and reasons(skips) == [("warc_error", "fake.warc#0")]
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert reasons(collect(iter_raw_pages([empty], MAX))[1]) == [("empty_file", "empty.warc.gz")]


def test_find_next_record_streams_over_large_junk(tmp_path):
    _path, data, off = make_warc(tmp_path, "t.warc.gz")
    junk = (b"\x1f\x8b\x08 fake member header " * 50000  # 2.6 MB of false gzip starts
            + b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03junk" * 50000
            + b"WARC/1.0\r\nnot a header\r\n\r\n" * 1000)
    path = tmp_path / "junky.warc.gz"
    path.write_bytes(data[: off[1]] + junk + data[off[1]:])
    with open(path, "rb") as fh:
        assert find_next_record(fh, off[1] + 1) == off[1] + len(junk)
    pages, skips = collect(iter_pages_in_warc(path, "junky.warc.gz", MAX))
    assert page_urls(pages) == URLS and len(skips) == 1


# ====================================================================== ARC


def make_arc(records: list[tuple[str, bytes]]) -> bytes:
    """A version-1 ARC file written by hand (warcio cannot write ARC)."""
    desc_body = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    out = [b"filedesc://sample.arc 0.0.0.0 20170601080000 text/plain %d\n" % len(desc_body), desc_body, b"\n"]
    for url, payload in records:
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gb2312\r\n"
                b"Content-Length: %d\r\n\r\n" % len(payload)) + payload
        out.append(b"%s 10.0.0.1 20170601080102 text/html %d\n" % (url.encode(), len(http)))
        out += [http, b"\n"]
    return b"".join(out)


@pytest.mark.parametrize("compressed", [False, True])
def test_arc_file(tmp_path, compressed):
    records = [("http://www.cxnews.com.cn/news/2007-04/16/content_90316.htm", html("arc1", "gbk")),
               ("http://www.cxnews.com.cn/news/2007-04/17/content_90400.htm", html("arc2", "gbk"))]
    data = make_arc(records)
    if compressed:  # one gzip member per record, like real .arc.gz
        parts = re.split(rb"(?=\nhttp://)", data)
        data = b"".join(gzip.compress(p.lstrip(b"\n") + (b"\n" if i else b""), mtime=0)
                        for i, p in enumerate(parts))
    path = tmp_path / ("old.arc.gz" if compressed else "old.arc")
    path.write_bytes(data)
    pages, skips = collect(iter_raw_pages([path], MAX))
    assert skips == []
    assert [p.url for p in pages] == [r[0] for r in records]
    assert [p.body for p in pages] == [r[1] for r in records]
    assert pages[0].fetched_at == "2017-06-01T08:01:02Z"
    assert pages[0].content_type == "text/html; charset=gb2312"
    assert all(re.fullmatch(rf"{re.escape(path.name)}#\d+", p.location) for p in pages)


def test_arc_with_junk_resyncs(tmp_path):
    records = [(f"http://www.cxnews.com.cn/news/{i}.htm", html(f"arc{i}", "gbk")) for i in range(3)]
    data = make_arc(records)
    second = data.index(b"\nhttp://www.cxnews.com.cn/news/1.htm") + 1
    path = tmp_path / "junk.arc"
    path.write_bytes(data[:second] + b"##garbage##\n" + data[second:])
    pages, skips = collect(iter_raw_pages([path], MAX))
    assert [p.url for p in pages] == [r[0] for r in records]
    assert reasons(skips) == [("warc_error", f"junk.arc#{second}")]


# --------------------------------------------------------------------------- gzipped ARC files


def arc_records(pages: list[tuple[str, bytes]]) -> list[bytes]:
    """An ARC v1 file as its records: the version block, then one record per (URL, HTML)."""
    version = b"1 0 newsfacts\nURL IP-address Archive-date Content-type Archive-length\n"
    out = [b"filedesc://crawl.arc 0.0.0.0 20170601000000 text/plain %d\n" % len(version) + version + b"\n"]
    for url, page in pages:
        http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
        out.append(url.encode() + b" 10.0.0.1 20170601000000 text/html %d\n" % len(http) + http + b"\n")
    return out


ARC_PAGES = [(f"http://news.cnnb.com.cn/system/2017/06/0{i}/page{i}.shtml", html(f"arc{i}")) for i in (1, 2, 3)]


@pytest.mark.parametrize("layout", ["plain", "whole_file_gzip", "gzip_per_record"])
def test_arc_plain_or_gzipped_is_read(tmp_path, layout):
    records = arc_records(ARC_PAGES)
    data = {"plain": b"".join(records), "whole_file_gzip": gzip.compress(b"".join(records)),
            "gzip_per_record": b"".join(gzip.compress(r) for r in records)}[layout]
    name = "crawl.arc" if layout == "plain" else "crawl.arc.gz"
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z.html").write_bytes(html("after"))  # the run goes on after the archive
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert skips == []
    assert [p.url for p in pages[:3]] == [url for url, _ in ARC_PAGES]
    assert [p.body for p in pages[:3]] == [body for _, body in ARC_PAGES]
    assert all(p.location.startswith(name + "#") for p in pages[:3])
    assert len({p.location for p in pages[:3]}) == 3 and pages[3].location == "z.html"


def test_whole_file_gzip_arc_damaged_is_skipped_with_the_file_named(tmp_path):
    records = arc_records(ARC_PAGES)
    data = gzip.compress(b"".join(records))
    (tmp_path / "cut.arc.gz").write_bytes(data[: len(data) * 2 // 3])  # the gzip stream cut short
    (tmp_path / "z.html").write_bytes(html("after"))
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert pages[-1].location == "z.html"
    assert skips and all(s.reason == "warc_error" and s.location.startswith("cut.arc.gz") for s in skips)


def test_several_arc_records_in_one_later_gzip_member_do_not_stop_the_run(tmp_path):
    records = arc_records(ARC_PAGES)
    # the version block and page 1 each in a member, pages 2 and 3 in one member
    data = gzip.compress(records[0]) + gzip.compress(records[1]) + gzip.compress(records[2] + records[3])
    (tmp_path / "mixed.arc.gz").write_bytes(data)
    (tmp_path / "z.html").write_bytes(html("after"))
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert pages[0].url == ARC_PAGES[0][0] and pages[-1].location == "z.html"
    urls = [p.url for p in pages[:-1]]
    assert len(urls) == len(set(urls))  # no record read twice when reading resumes
    assert [s.reason for s in skips] == ["warc_error"]
    assert skips[0].location.startswith("mixed.arc.gz#") and int(skips[0].location.rsplit("#", 1)[1]) >= 0
    assert "several records in one gzip member" in skips[0].detail
