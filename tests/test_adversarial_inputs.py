"""A whole run over inputs that used to stop it or lose pages: a whole-file gzipped ARC, a page
whose URL has a bad port or is an IPv6 literal, a body that a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import gzip

from tests.conftest import run_cli
from tests.read.test_warc import arc_records

TEXT = "宁波市鄞州区举行重大项目集中开工仪式，共有32个项目开工，总投资达186.5亿元。"


def _page(title: str, first: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{first}{TEXT * 4}</p><p>{title}{TEXT * 3}</p></body></html>").encode()


def test_run_reads_a_gzipped_arc_keeps_bad_url_pages_and_defuses_every_cell(tmp_path):
    records = arc_records([
        ("http://news.cnnb.com.cn/a/1.shtml", _page("鄞州开工", "")),
        ("http://[::1]:99999/a.html", _page("北仑开工", "北仑区")),
        ("http://example.cn:abc/b.html", _page("镇海开工", "镇海区")),
    ])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "crawl.arc.gz").write_bytes(gzip.compress(b"".join(records)))
    (tmp_path / "in" / "z.html").write_bytes(_page("慈溪开工", "=HYPERLINK(\"http://x\",\"点击\")"))
    proc = run_cli("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "out" / "articles.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, strict=True))
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"鄞州开工", "北仑开工", "镇海开工", "慈溪开工"}
    assert by_title["鄞州开工"]["url"] == "http://news.cnnb.com.cn/a/1.shtml"
    assert by_title["北仑开工"]["url"] == "" and by_title["镇海开工"]["url"] == ""
    assert by_title["慈溪开工"]["tokens"].startswith("'=")
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values()), row
