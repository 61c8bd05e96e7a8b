"""Many small news sites on 127.0.0.1, one per port, for the crawl-at-scale tests and benchmark.

Each :class:`Host` is a threaded ``http.server`` on its own port (distinct ports are distinct
hosts for the crawler: politeness, robots.txt and the address pins are per host and port).  It
serves

* ``/robots.txt`` (with a ``Sitemap:`` line unless ``robots_sitemap=False``),
* ``/news/index.shtml``, a list page linking every article (or the newest ``list_links``),
  newest first,
* ``/sitemap.xml``, every article with ``<lastmod>`` (or, with ``news=True``, a Google news
  sitemap with ``<news:publication_date>`` and no lastmod),
* the articles, ``/news/YYYY/MM/DD/NNNNNN.shtml``: small Chinese news pages written here from
  sentence templates (a district, a project, an investment, a growth rate...), with an ETag and
  a Last-Modified header, and a 304 for a conditional request that matches either.

Every request is logged with when it arrived and when its answer was sent, and the number of
requests in flight is tracked per host and over all the hosts of a :class:`Farm`, so a test
sees politeness and concurrency from the servers' side.  ``latency`` makes every answer wait.
"""
from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_PATTERN = r"/news/\\d{4}/\\d{2}/\\d{2}/\\d+\\.shtml$"  # as written in a TOML string
DAY = 86400.0
BASE_TIME = 1714521600.0  # 2024-05-01 00:00 UTC: articles are dated from here on

DISTRICTS = (
    "鄞州区", "海曙区", "江北区", "北仑区", "镇海区", "奉化区", "余姚市", "慈溪市", "象山县", "宁海县",
    "越城区", "柯桥区", "上虞区", "诸暨市", "嵊州市", "新昌县", "南湖区", "秀洲区", "嘉善县", "海盐县",
    "海宁市", "平湖市", "桐乡市", "吴兴区", "南浔区", "德清县", "长兴县", "安吉县", "婺城区", "金东区",
    "兰溪市", "义乌市", "东阳市", "永康市", "浦江县", "武义县", "磐安县", "椒江区", "黄岩区", "路桥区",
    "临海市", "温岭市", "玉环市", "三门县", "天台县", "仙居县", "鹿城区", "龙湾区", "瓯海区", "洞头区",
)
BRANDS = ("瑞丰", "恒新", "远航", "东方明", "金桥", "博润", "华创", "海纳", "青禾", "立达", "启明", "嘉和")
INDUSTRIES = (("智能装备", "台套智能装备"), ("新能源电池", "吉瓦时动力电池"), ("新材料", "万吨高性能材料"),
              ("汽车零部件", "万套汽车零部件"), ("生物医药", "万盒创新药"), ("集成电路", "万片晶圆"))
REPORTERS = ("王博", "李静", "陈晓东", "张薇", "刘洋", "周敏", "吴磊", "郑雪")
EVENTS = ("举行重大产业项目集中签约仪式", "召开重点项目建设推进会", "举行一季度重大项目集中开工活动",
          "召开招商引资工作会议", "举行制造业高质量发展大会")


def article_html(host: int, n: int, site: str, revision: int = 0) -> tuple[str, bytes]:
    """Title and bytes of article ``n`` of host ``host`` (UTF-8); another ``revision`` changes a figure."""
    rng = random.Random(host * 1000 + n)
    district = DISTRICTS[(host + n) % len(DISTRICTS)]
    brand = rng.choice(BRANDS)
    industry, product = rng.choice(INDUSTRIES)
    company = f"{brand}{industry}有限公司"
    invest = rng.randint(12, 98) + revision
    day = BASE_TIME + n * DAY
    month, mday = time.gmtime(day).tm_mon, time.gmtime(day).tm_mday
    title = f"{district}{brand}{industry}项目签约落地 总投资{invest}亿元"
    paragraphs = [
        f"本报讯（记者 {rng.choice(REPORTERS)}）{month}月{mday}日，{district}{rng.choice(EVENTS)}。"
        f"记者从区发改局获悉，{company}年产{rng.randint(2, 60)}{product}项目总投资{invest}亿元，"
        f"计划于{2025 + n % 3}年底建成投产。",
        f"据介绍，该项目用地约{rng.randint(80, 600)}亩，建成后预计年产值{rng.randint(20, 180)}亿元，"
        f"年纳税{rng.randint(1, 12)}亿元，可新增就业岗位{rng.randint(3, 40) * 50}个。",
        f"今年以来，{district}已签约亿元以上产业项目{rng.randint(8, 45)}个，完成固定资产投资"
        f"{rng.randint(60, 400)}.{rng.randint(1, 9)}亿元，同比增长{rng.randint(3, 19)}.{rng.randint(0, 9)}%。",
        f"{district}有关负责人表示，下一步将围绕{industry}产业链精准招商，做好要素保障和跟踪服务，"
        "推动项目早开工、早投产、早见效。",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    date = time.strftime("%Y-%m-%d 09:%M", time.gmtime(day + n * 60))
    page = (f'<html><head><meta charset="utf-8"><title>{title}_{site}</title></head><body>'
            f'<div class="nav"><a href="/">首页</a> <a href="/news/index.shtml">要闻</a></div>'
            f'<h1>{title}</h1><div class="info">{date} 来源：{site}</div>'
            f'<div class="content">{body}</div>'
            f'<div class="footer">主办：{site} 版权所有</div></body></html>')
    return title, page.encode("utf-8")


@dataclass
class Hit:
    start: float
    end: float
    path: str
    status: int
    conditional: bool


@dataclass
class Article:
    path: str
    number: int
    modified: float  # epoch of the last change (Last-Modified, sitemap lastmod)
    revision: int = 0


@dataclass
class Host:
    """One news site on its own loopback port (see the module docstring)."""

    index: int
    articles: int = 20
    latency: float = 0.0
    robots_sitemap: bool = True
    news: bool = False                 # a news sitemap (publication_date) instead of lastmod
    list_links: int | None = None      # the list page links only the newest N articles (None: all)
    conditional: bool = True           # False: every answer is a 200, If-None-Match or not
    crawl_delay: float | None = None   # a Crawl-delay line in robots.txt
    farm: "Farm | None" = None
    hits: list = field(default_factory=list)
    items: list = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.site = f"{DISTRICTS[self.index % len(DISTRICTS)]}新闻网"
        for _ in range(self.articles):
            self.add_article()

    # -- content -------------------------------------------------------------------------------
    def add_article(self) -> Article:
        n = len(self.items) + 1
        day = time.strftime("%Y/%m/%d", time.gmtime(BASE_TIME + n * DAY))
        item = Article(f"/news/{day}/{self.index * 10000 + n:06d}.shtml", n, BASE_TIME + n * DAY + 3600)
        self.items.append(item)
        return item

    def change_article(self, item: Article, when: float) -> None:
        item.revision += 1
        item.modified = when

    def page(self, path: str) -> tuple[bytes, str, float | None] | None:
        base = self.base
        if path == "/robots.txt":
            text = "User-agent: *\nDisallow: /private/\n"
            if self.crawl_delay is not None:
                text += f"Crawl-delay: {self.crawl_delay:g}\n"
            if self.robots_sitemap:
                text += f"Sitemap: {base}/sitemap.xml\n"
            return text.encode(), "text/plain", None
        if path == "/news/index.shtml":
            items = "".join(f'<li><a href="{a.path}">{article_html(self.index, a.number, self.site, a.revision)[0]}'
                            f'</a></li>' for a in list(reversed(self.items))[:self.list_links])
            return (f'<html><head><meta charset="utf-8"><title>要闻_{self.site}</title></head><body>'
                    f'<ul class="list">{items}</ul></body></html>').encode(), "text/html; charset=utf-8", None
        if path == "/sitemap.xml":
            return self.sitemap(), "application/xml", None
        for item in self.items:
            if item.path == path:
                return (article_html(self.index, item.number, self.site, item.revision)[1],
                        "text/html; charset=utf-8", item.modified)
        return None

    def sitemap(self) -> bytes:
        if self.news:
            urls = "".join(
                f"<url><loc>{self.base}{a.path}</loc><news:news><news:publication><news:name>{self.site}"
                f"</news:name><news:language>zh</news:language></news:publication><news:publication_date>"
                f"{_iso(a.modified)}</news:publication_date><news:title>t</news:title></news:news></url>"
                for a in self.items)
            ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        else:
            urls = "".join(f"<url><loc>{self.base}{a.path}</loc><lastmod>{_iso(a.modified)}</lastmod></url>"
                           for a in self.items)
            ns = ""
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
                f"{ns}>{urls}</urlset>").encode()

    # -- serving -------------------------------------------------------------------------------
    def start(self) -> "Host":
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                host._serve(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, handler) -> None:
        start = time.monotonic()
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.farm is not None:
            self.farm.entered()
        gone = []

        def leave() -> None:
            # Called before the answer's last bytes are written, not after: a client that has the
            # whole answer may send its next request (to another host) before this thread runs again.
            if not gone:
                gone.append(True)
                with self.lock:
                    self.in_flight -= 1
                if self.farm is not None:
                    self.farm.left()

        try:
            if self.latency:
                time.sleep(self.latency)
            path = handler.path.split("?")[0]
            page = self.page(path)
            conditional = bool(handler.headers.get("If-None-Match") or handler.headers.get("If-Modified-Since"))
            if page is None:
                status = _send(handler, 404, b"<html><body>not found</body></html>", "text/html", None, None, leave)
            else:
                body, ctype, modified = page
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.conditional and _not_modified(handler.headers, etag, modified):
                    status = _send(handler, 304, b"", None, etag, modified, leave)
                else:
                    status = _send(handler, 200, body, ctype, etag, modified, leave)
        finally:
            leave()
        with self.lock:
            self.hits.append(Hit(start, time.monotonic(), path, status, conditional))

    # -- what the crawler did --------------------------------------------------------------------
    def kinds(self) -> dict[str, int]:
        """Requests by kind: robots, list, sitemap, article (304 answers counted under article too)."""
        out = {"robots": 0, "list": 0, "sitemap": 0, "article": 0}
        for hit in self.hits:
            out[kind_of(hit.path)] += 1
        return out

    def gaps(self) -> list[float]:
        """Seconds between the end of one answer and the arrival of the next request."""
        hits = sorted(self.hits, key=lambda h: h.start)
        return [b.start - a.end for a, b in zip(hits, hits[1:])]


def kind_of(path: str) -> str:
    if path == "/robots.txt":
        return "robots"
    if path.startswith("/sitemap"):
        return "sitemap"
    if path.startswith("/news/index"):
        return "list"
    return "article"


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


def _not_modified(headers, etag: str, modified: float | None) -> bool:
    if headers.get("If-None-Match"):
        return headers.get("If-None-Match") == etag
    since = headers.get("If-Modified-Since")
    if since and modified is not None:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(modified)
        except (TypeError, ValueError):
            return False
    return False


def _send(handler, status: int, body: bytes, ctype, etag, modified, leave) -> int:
    """Answer; ``leave()`` is called before anything the client could read as the whole answer
    is written (the headers are held in a buffer until ``end_headers``)."""
    handler.send_response(status)
    if ctype:
        handler.send_header("Content-Type", ctype)
    if etag:
        handler.send_header("ETag", etag)
    if modified is not None:
        handler.send_header("Last-Modified", formatdate(modified, usegmt=True))
    handler.send_header("Content-Length", str(len(body)))
    leave()
    handler.end_headers()
    if body:
        handler.wfile.write(body)
    return status


class Farm:
    """``n`` hosts started together; tracks how many requests are in flight over all of them."""

    def __init__(self, n: int, articles: int = 20, latency: float = 0.0, **host_kwargs):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.hosts = [Host(i, articles, latency, farm=self, **host_kwargs).start() for i in range(n)]

    def entered(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def left(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def stop(self) -> None:
        for host in self.hosts:
            host.stop()

    def clear(self) -> None:
        """Forget the requests seen so far (a new night)."""
        with self.lock:
            self.max_in_flight = 0
        for host in self.hosts:
            with host.lock:
                host.hits.clear()
                host.max_in_flight = 0

    def sources_toml(self, min_delay_s: float = 1.0, sitemaps: bool = False, **top) -> str:
        """A sources file with one source per host: its list page (and its sitemap if ``sitemaps``)."""
        lines = ['user_agent = "newsfacts-test/1.0 (+mailto:test@example.org)"']
        lines += [f"{key} = {value}" for key, value in top.items()]
        for host in self.hosts:
            lines += [
                "[[sources]]",
                f'name = "host-{host.index:02d}"',
                f'start_urls = ["{host.base}/news/index.shtml"]',
                f'sitemaps = ["{host.base}/sitemap.xml"]' if sitemaps else "",
                f'allowed_hosts = ["127.0.0.1:{host.port}"]',
                f'article_url_pattern = "{ARTICLE_PATTERN}"',
                f"min_delay_s = {min_delay_s}",
                "allow_private_addresses = true",
            ]
        return "\n".join(line for line in lines if line) + "\n"
