"""A response record whose target is no web address (javascript:, file:, data:) is counted as a
skip naming it, not dropped silently (issue 14, point 16); dns: and whois: records, which crawlers
write beside the pages, are not pages and not skips."""
from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.errors import Skip
from pipeline.read.warc import iter_pages_in_warc
from pipeline.records import RawPage

HTML = "<html><head><meta charset='utf-8'><title>标题</title></head><body><p>正文内容。</p></body></html>".encode()


def test_response_records_for_no_web_address_are_counted(tmp_path):
    path = tmp_path / "night.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def response(uri: str, http: bool, payload: bytes = HTML, ctype: str = "text/html; charset=utf-8"):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1") if http else None
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers,
                                               warc_content_type=None if http else ctype)
            writer.write_record(record)

        response("http://news.example.cn/a.html", http=True)
        response("javascript:alert(document.cookie)", http=True)
        response("file:///etc/passwd", http=True)
        response("file:///srv/page.html", http=False)
        response("dns:news.example.cn", http=False, payload=b"20240101\tnews.example.cn.\t300\tIN\tA\t192.0.2.1\n",
                 ctype="text/dns")
    items = list(iter_pages_in_warc(path, "night.warc.gz", 1 << 20))
    pages = [i for i in items if isinstance(i, RawPage)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert [p.url for p in pages] == ["http://news.example.cn/a.html"]
    assert [s.reason for s in skips] == ["not_web_address"] * 3
    assert "javascript:" in skips[0].detail and "file:///etc/passwd" in skips[1].detail
