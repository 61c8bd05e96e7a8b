"""A small news site on 127.0.0.1 for crawl tests, built from the bundled corpus.

It serves list pages with pagination (index.shtml -> index_1.shtml), an RSS
feed, a sitemap, robots.txt (with a disallowed /private/ article), and the
corpus pages as articles with ETags, and logs every request with its time so
tests can check politeness from the server's side.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"

# corpus page -> article path on the test site (one per original story; duplicates left out)
ARTICLES = {
    "cnnb/yinzhou-20170602.html": "/news/2017/06/02/8650123.shtml",
    "cnnb/beilun-20160920.html": "/news/2016/09/20/8571846.shtml",
    "zjol/t20180926_8348721.shtml.html": "/news/2018/09/26/8348721.shtml",
    "gov-yinzhou/tjxx-20180521.html": "/news/2018/05/21/1630521.shtml",
    "old-cixi/content_90316.html": "/news/2007/04/16/90316.shtml",
    "hzrb/content_7051206.htm": "/news/2018/08/16/7051206.shtml",
}
PRIVATE = "/private/2018/01/01/1.shtml"


@dataclass
class Hit:
    at: float
    method: str
    path: str
    headers: dict
    status: int


@dataclass
class NewsSite:
    robots: str = "User-agent: *\nDisallow: /private/\n"
    pages: dict = field(default_factory=dict)  # path -> (bytes, content type)
    hits: list = field(default_factory=list)
    overrides: dict = field(default_factory=dict)  # path -> callable(handler) for fault injection
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        for src, path in ARTICLES.items():
            self.pages[path] = ((SAMPLES / src).read_bytes(), "text/html")
        self.pages[PRIVATE] = ((SAMPLES / "zjol/t20180920_8318876.shtml.html").read_bytes(), "text/html")
        paths = list(ARTICLES.values())
        self.pages["/news/index.shtml"] = (self._list(paths[:3] + [PRIVATE], "/news/index_1.shtml"), "text/html; charset=utf-8")
        self.pages["/news/index_1.shtml"] = (self._list(paths[3:5], None), "text/html; charset=utf-8")
        self.pages["/rss.xml"] = (self._rss(paths[4:6]), "application/rss+xml")
        self.pages["/sitemap.xml"] = (self._sitemap(paths), "application/xml")
        self.pages["/robots.txt"] = (self.robots.encode(), "text/plain")

    # -- content -------------------------------------------------------------------------------
    def _list(self, paths, next_page) -> bytes:
        items = "".join(f'<li><a href="{p}">报道{i}</a> <span>2018-09-2{i}</span></li>' for i, p in enumerate(paths))
        nxt = f'<a href="{next_page}">下一页</a>' if next_page else ""
        return (f'<html><head><meta charset="utf-8"><title>鄞州新闻_测试新闻网</title></head><body>'
                f'<div class="nav"><a href="/">首页</a> <a href="/news/index.shtml">新闻</a></div>'
                f'<ul class="list">{items}</ul><div class="page">{nxt}</div></body></html>').encode()

    def _rss(self, paths) -> bytes:
        items = "".join(f"<item><title>t</title><link>{{base}}{p}</link></item>" for p in paths)
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()

    def _sitemap(self, paths) -> bytes:
        urls = "".join(f"<url><loc>{{base}}{p}</loc></url>" for p in paths)
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()

    def set_page(self, path: str, body: bytes) -> None:
        self.pages[path] = (body, self.pages.get(path, (b"", "text/html"))[1])

    def article_hits(self, path: str) -> list:
        return [h for h in self.hits if h.path == path]

    # -- serving -------------------------------------------------------------------------------
    def start(self) -> "NewsSite":
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                override = site.overrides.get(path)
                if override is not None:
                    status = override(self)
                    site._log(self, status)
                    return
                page = site.pages.get(path)
                if page is None:
                    self._send(404, b"<html><body>not found</body></html>", "text/html")
                    return
                body, ctype = page
                body = body.replace(b"{base}", site.base.encode())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", None, etag)
                    return
                self._send(200, body, ctype, etag)

            def _send(self, status, body, ctype, etag=None):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                site._log(self, status)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def _log(self, handler, status) -> None:
        with self.lock:
            self.hits.append(Hit(time.monotonic(), handler.command, handler.path.split("?")[0],
                                 dict(handler.headers), status))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sources_toml(self, min_delay_s: float = 0.2, **extra) -> str:
        lines = [
            'user_agent = "newsfacts-test/1.0 (+mailto:test@example.org)"',
            f"max_retry_after_s = {extra.pop('max_retry_after_s', 5)}",
            "[[sources]]",
            'name = "testsite"',
            f'start_urls = ["{self.base}/news/index.shtml"]',
            f'feeds = ["{self.base}/rss.xml"]',
            f'sitemaps = ["{self.base}/sitemap.xml"]',
            f'allowed_hosts = ["127.0.0.1:{self.port}"]',
            'article_url_pattern = "/(news|private)/\\\\d{4}/\\\\d{2}/\\\\d{2}/\\\\d+\\\\.shtml$"',
            "max_depth = 2",
            f"min_delay_s = {min_delay_s}",
            "allow_private_addresses = true",
        ]
        return "\n".join(lines) + "\n"
