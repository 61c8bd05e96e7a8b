"""robots.txt policy: which URLs we may fetch, what a failed fetch means, and the delay per host."""
from __future__ import annotations

import pytest

from pipeline.crawl.robots import PolitenessPolicy, RobotsRules, product_token, robots_url, rules_from_response

UA = "newsfacts/1.0 (+mailto:ops@example.org)"


ROBOTS = b"""\
# a typical Chinese news site
User-agent: *
Disallow: /admin/
Disallow: /search
Allow: /admin/public/
Crawl-delay: 3

User-agent: Baiduspider
Disallow:

User-agent: newsfacts
Disallow: /news/paid/
Allow: /news/paid/free-
Disallow: /*.pdf$
Crawl-delay: 60
"""


def rules(body: bytes = ROBOTS, status: int | None = 200, ua: str = UA, **kw) -> RobotsRules:
    return rules_from_response("news.example.cn", status, body, ua, **kw)


def test_product_token_group_applies_to_us_with_allow_overrides():
    r = rules()
    assert r.status == "parsed" and r.token == "newsfacts"
    assert not r.allowed("http://news.example.cn/news/paid/2024/a.shtml")
    assert r.allowed("http://news.example.cn/news/paid/free-2024.shtml")  # longer Allow wins
    assert not r.allowed("http://news.example.cn/files/report.pdf")
    assert r.allowed("http://news.example.cn/files/report.pdf?download=1")  # "$" anchors the end
    # Our own group replaces "*": /admin/ is not disallowed for us.
    assert r.allowed("http://news.example.cn/admin/x.html")
    assert r.crawl_delay_s == 60.0


def test_star_group_when_no_group_names_us():
    r = rules(ua="otherbot/2.0")
    assert r.token == "otherbot"
    assert not r.allowed("http://news.example.cn/admin/x.html")
    assert r.allowed("http://news.example.cn/admin/public/notice.html")  # Allow overrides Disallow
    assert not r.allowed("http://news.example.cn/search?q=%E6%96%B0%E9%97%BB")
    assert r.allowed("http://news.example.cn/news/paid/2024/a.shtml")
    assert r.crawl_delay_s == 3.0


def test_group_is_matched_on_the_product_token_only():
    # The full UA string mentions "example" and "ops"; a group for them must not apply to us.
    body = b"User-agent: ops\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n"
    r = rules(body)
    assert r.allowed("http://news.example.cn/news/a.html")
    assert not r.allowed("http://news.example.cn/private/a.html")
    assert product_token(UA) == "newsfacts"
    # Matching is case-insensitive.
    assert not rules(b"User-agent: NewsFacts\nDisallow: /x/\n").allowed("http://news.example.cn/x/1.html")


@pytest.mark.parametrize("status", [404, 403, 410, 401])
def test_4xx_means_allow_all(status):
    r = rules(b"<html>not found</html>", status=status)
    assert r.status == "missing"
    assert r.allowed("http://news.example.cn/anything/at/all.html")
    assert r.crawl_delay_s is None


@pytest.mark.parametrize("status", [500, 502, 503, 429, None])
def test_server_error_or_no_response_means_disallow_all(status):
    # RFC 9309 2.3.1.4 (stricter than Scrapy, Heritrix and trafilatura, which fail open).
    r = rules(None if status is None else b"User-agent: *\nAllow: /\n", status=status)
    assert r.status == "unavailable"
    assert not r.allowed("http://news.example.cn/")
    assert not r.allowed("http://news.example.cn/news/a.html")


def test_empty_or_garbage_200_allows_all():
    assert rules(b"", status=200).allowed("http://news.example.cn/a.html")
    assert rules(None, status=200).allowed("http://news.example.cn/a.html")
    assert rules(b"\xff\xfe<html><body>\xd6\xd0\xce\xc4</body></html>").allowed("http://news.example.cn/a.html")


def test_crawl_delay_3_and_60_with_max_30():
    policy = PolitenessPolicy(min_delay_s=1.0, max_crawl_delay_s=30.0)
    assert policy.delay_for(rules(ua="otherbot")) == 3.0       # Crawl-delay: 3
    assert policy.delay_for(rules()) is None                   # Crawl-delay: 60 -> skip the host this run
    assert PolitenessPolicy(5.0, 30.0).delay_for(rules(ua="otherbot")) == 5.0  # our minimum wins
    assert policy.delay_for(rules(b"User-agent: *\nCrawl-delay: 30\n")) == 30.0  # at the limit is fine
    assert policy.delay_for(rules(b"User-agent: *\nCrawl-delay: abc\n")) == 1.0  # malformed is ignored
    assert policy.delay_for(None) == 1.0
    assert policy.delay_for(rules(status=404)) == 1.0
    with pytest.raises(ValueError):
        PolitenessPolicy(-1, 30.0)


def test_only_the_first_500_kib_is_parsed():
    head = b"User-agent: *\nDisallow: /early/\n"
    filler = b"# " + b"x" * 98 + b"\n"
    early = head + filler * (500 * 1024 // len(filler) + 1)
    body = early + b"Disallow: /late/\n" + filler * 1100
    assert len(early) > 500 * 1024 and len(body) > 600 * 1024
    r = rules(body)
    assert r.truncated
    assert not r.allowed("http://news.example.cn/early/a.html")
    assert r.allowed("http://news.example.cn/late/a.html")


def test_line_cut_by_the_limit_is_dropped_not_widened():
    # "Allow: /news/" cut to "Allow: /" would open the whole site; the cut line is ignored instead.
    prefix = b"User-agent: *\nDisallow: /\n"
    limit = len(prefix) + len(b"Allow: /")
    r = rules(prefix + b"Allow: /news/\n", max_bytes=limit)
    assert not r.allowed("http://news.example.cn/sports/a.html")
    assert not r.allowed("http://news.example.cn/news/a.html")


def test_sitemaps_are_reported():
    r = rules(b"User-agent: *\nDisallow:\nSitemap: http://news.example.cn/sitemap.xml\n")
    assert r.sitemaps == ("http://news.example.cn/sitemap.xml",)


@pytest.mark.parametrize("url, expected", [
    ("http://news.example.cn/a/b.shtml", "http://news.example.cn/robots.txt"),
    ("http://news.example.cn:8080/a/b.shtml?id=1&x=2#frag", "http://news.example.cn:8080/robots.txt"),
    ("https://News.Example.CN/search?q=新闻", "https://news.example.cn/robots.txt"),
    ("https://news.example.cn:443/", "https://news.example.cn/robots.txt"),
    ("http://news.example.cn:80", "http://news.example.cn/robots.txt"),
    ("https://news.example.cn:8443/x", "https://news.example.cn:8443/robots.txt"),
    ("http://127.0.0.1:5000/robots.txt", "http://127.0.0.1:5000/robots.txt"),
    ("http://user:secret@[::1]:8000/a", "http://[::1]:8000/robots.txt"),
])
def test_robots_url(url, expected):
    assert robots_url(url) == expected


@pytest.mark.parametrize("url", ["ftp://x.cn/a", "file:///etc/passwd", "javascript:void(0)", "http://x.cn:port/"])
def test_robots_url_refuses_non_http(url):
    with pytest.raises(ValueError):
        robots_url(url)
