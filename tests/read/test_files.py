"""Reading saved pages and folders (pipeline.read.files; RELIABILITY.md F05 for files).

Real files in tmp_path; no mocks.
"""
from __future__ import annotations

import gzip
import os
import tracemalloc
import zlib
from pathlib import Path

import pytest

from pipeline.read.files import iter_raw_pages
from tests.read.conftest import MAX, collect, html, reasons


# ====================================================================== folders


def test_folder_nested_sorted_and_filtered(tmp_path):
    root = tmp_path / "site"
    files = {
        "b.html": html("b"),
        "a.htm": html("a", "gbk"),
        "z/sub/deep.shtml": html("deep"),
        "z/alpha.html": html("alpha"),
        "m/页面.html": html("中文名"),
        "m/二级/新闻.htm": html("二级"),
        "c.html.gz": gzip.compress(html("gz"), mtime=0),
        "notes.txt": b"not a page",
        "logo.png": b"\x89PNG\r\n\x1a\n....",
        "m/readme.md": b"# x",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "dir.html").mkdir()  # a directory with an HTML suffix is walked, not read
    (root / "dir.html" / "inner.html").write_bytes(html("inner"))

    pages, skips = collect(iter_raw_pages([root], MAX))
    assert skips == []  # .txt/.png/.md are ignored silently
    assert [p.location for p in pages] == [
        "a.htm", "b.html", "c.html.gz", "dir.html/inner.html",
        "m/二级/新闻.htm", "m/页面.html", "z/alpha.html", "z/sub/deep.shtml",
    ]
    by_loc = {p.location: p for p in pages}
    assert by_loc["c.html.gz"].body == html("gz")  # gunzipped
    assert by_loc["a.htm"].body == html("a", "gbk")  # bytes untouched
    assert all(p.url is None and p.content_type is None and p.fetched_at is None for p in pages)
    # deterministic
    assert [p.location for p in collect(iter_raw_pages([root], MAX))[0]] == [p.location for p in pages]


def test_single_file_location_and_unknown_suffix(tmp_path):
    (tmp_path / "deep").mkdir()
    target = tmp_path / "deep" / "article.txt"
    target.write_bytes(html("t"))
    pages, skips = collect(iter_raw_pages([str(target)], MAX))
    assert skips == [] and [p.location for p in pages] == ["article.txt"]


def test_missing_path(tmp_path):
    _, skips = collect(iter_raw_pages([tmp_path / "nope.html"], MAX))
    assert [s.reason for s in skips] == ["unreadable"]


def test_saved_from_url_comment(tmp_path):
    body = (b"<!DOCTYPE html>\r\n<!-- saved from url=(0057)http://news.cnnb.com.cn/system/2017/06/02/008650123.shtml -->\r\n"
            + html("saved"))
    (tmp_path / "saved.html").write_bytes(body)
    (tmp_path / "ie.html").write_bytes(b"<!-- saved from url=(0014)about:internet -->" + html("ie"))
    pages, _ = collect(iter_raw_pages([tmp_path], MAX))
    urls = {p.location: p.url for p in pages}
    assert urls == {"saved.html": "http://news.cnnb.com.cn/system/2017/06/02/008650123.shtml", "ie.html": None}


def test_empty_and_whitespace_files(tmp_path):
    (tmp_path / "zero.html").write_bytes(b"")
    (tmp_path / "blank.htm").write_bytes(b"  \r\n\t\n")
    (tmp_path / "empty.html.gz").write_bytes(gzip.compress(b"", mtime=0))
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert pages == []
    assert reasons(skips) == [("empty_file", "blank.htm"), ("empty_file", "empty.html.gz"),
                              ("empty_file", "zero.html")]


@pytest.mark.parametrize("magic, what", [
    (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"GIF89a\x01\x00", "GIF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"<html>\x00\x00\x00binary", "NUL"),
])
def test_non_html_bytes_with_html_name(tmp_path, magic, what):
    (tmp_path / "report.htm").write_bytes(magic + b"x" * 2000)
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert pages == [] and reasons(skips) == [("non_html", "report.htm")]
    assert what in skips[0].detail


def test_utf16_page_with_bom_is_not_binary(tmp_path):
    (tmp_path / "u16.html").write_bytes(html("u16").decode("utf-8").encode("utf-16"))
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert skips == [] and len(pages) == 1


def test_truncated_and_corrupt_gzip(tmp_path):
    good = gzip.compress(html("g") * 50, mtime=0)
    (tmp_path / "cut.html.gz").write_bytes(good[: len(good) // 2])
    bad = bytearray(good)
    bad[20:40] = b"\xff" * 20
    (tmp_path / "corrupt.html.gz").write_bytes(bytes(bad))
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert pages == []
    assert reasons(skips) == [("corrupt_gzip", "corrupt.html.gz"), ("truncated_gzip", "cut.html.gz")]


def _bomb(path: Path, mib: int) -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * 2**20
    with open(path, "wb") as fh:
        for _ in range(mib):
            fh.write(comp.compress(zeros))
        fh.write(comp.flush())


def test_gzip_bomb_stops_at_the_cap_without_inflating_it_all(tmp_path):
    bomb = tmp_path / "bomb.html.gz"
    _bomb(bomb, 50)  # 50 MiB of zeros in ~50 KiB
    assert bomb.stat().st_size < 200_000
    cap = 2**20
    tracemalloc.start()
    try:
        pages, skips = collect(iter_raw_pages([tmp_path], max_bytes=cap))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pages == [] and reasons(skips) == [("too_large", "bomb.html.gz")]
    assert peak < 4 * cap  # never held the 50 MiB
    # the default cap (20 MiB) also stops it
    assert [s.reason for s in collect(iter_raw_pages([bomb], MAX))[1]] == ["too_large"]


def test_plain_file_over_the_cap(tmp_path):
    (tmp_path / "big.html").write_bytes(b"<html>" + b"x" * 5000)
    _, skips = collect(iter_raw_pages([tmp_path], max_bytes=1000))
    assert reasons(skips) == [("too_large", "big.html")]


def test_symlinks(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_bytes(html("secret"))
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "real" / "page.html").write_bytes(html("page"))
    (root / "out_file.html").symlink_to(outside / "secret.html")
    (root / "out_dir").symlink_to(outside, target_is_directory=True)
    (root / "out_other.txt").symlink_to(outside / "secret.html")  # not a page name: ignored
    (root / "in_file.html").symlink_to(root / "real" / "page.html")
    (root / "in_dir").symlink_to(root / "real", target_is_directory=True)  # walked once, as real/
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.html").symlink_to(root / "gone.html")
    pages, skips = collect(iter_raw_pages([root], MAX))
    assert [p.location for p in pages] == ["in_file.html", "real/page.html"]
    assert all(b"secret" not in p.body for p in pages)
    assert reasons(skips) == [("unreadable", "dangling.html"), ("symlink_outside_root", "out_dir"),
                              ("symlink_outside_root", "out_file.html")]


def test_fifo_with_html_name_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.html")
    _, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert reasons(skips) == [("unreadable", "pipe.html")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission bits")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.html"
    path.write_bytes(html("locked"))
    path.chmod(0)
    try:
        _, skips = collect(iter_raw_pages([tmp_path], MAX))
    finally:
        path.chmod(0o644)
    assert reasons(skips) == [("unreadable", "locked.html")]


_READ_IN_A_CHILD = """
import sys
from pipeline.read.files import iter_raw_pages
from tests.read.conftest import MAX, collect, reasons
_, skips = collect(iter_raw_pages([sys.argv[1]], MAX))
print(reasons(skips))
print([s.detail for s in skips])
"""


def _read_with_deadline(path: Path) -> tuple[list, list]:
    """The skips of reading ``path``, in a child process that is killed if it blocks (the test
    itself cannot hang on a FIFO)."""
    import ast
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    try:
        proc = subprocess.run([sys.executable, "-c", _READ_IN_A_CHILD, str(path)], cwd=repo,
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path} blocked (a FIFO was opened)")
    assert proc.returncode == 0, proc.stderr
    found, details = proc.stdout.splitlines()
    return ast.literal_eval(found), ast.literal_eval(details)


def test_symlink_to_a_fifo_is_skipped_without_opening_it(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    os.mkfifo(root / "pipe")
    (root / "page.html").symlink_to(root / "pipe")  # a page name, a FIFO behind it
    (root / "night.warc").symlink_to(root / "pipe")  # an archive name, the same
    (root / "real.html").write_bytes(html("real"))
    found, details = _read_with_deadline(root)
    assert found == [("unreadable", "night.warc"), ("unreadable", "page.html")]
    assert all("FIFO" in d and "not a regular file" in d for d in details)
    assert "night.warc" in details[0] and "page.html" in details[1]


def test_named_symlink_to_a_fifo_is_skipped(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "page.html").symlink_to(tmp_path / "pipe")
    found, details = _read_with_deadline(tmp_path / "page.html")
    assert found == [("unreadable", "page.html")] and "FIFO" in details[0]


def test_a_stray_nul_in_the_first_kilobyte_does_not_cost_the_page(tmp_path):
    """Issue 14, point 18: one NUL (a CMS bug) made a good page 'binary data'."""
    good = html("nul")
    at = good.index(b"<title>")
    (tmp_path / "stray.html").write_bytes(good[:at] + b"\x00" + good[at:])
    pages, skips = collect(iter_raw_pages([tmp_path], MAX))
    assert skips == [] and len(pages) == 1
    from pipeline.page import process_page

    article = process_page(pages[0]).article
    assert article.title and "\x00" not in article.title + article.content
