"""robots.txt rules and the politeness delay for one host, without any network I/O.

The crawler fetches ``/robots.txt`` with its own guarded fetcher (SSRF checks,
size cap, at most 5 redirects as RFC 9309 asks) and hands the status and bytes
to :func:`rules_from_response`.  Protego does the matching (Google/RFC 9309
longest-match semantics, ``Allow`` beats ``Disallow`` on a tie, ``*`` and
``$`` wildcards).

What a status means (RFC 9309 section 2.3.1):

* 2xx: the file is parsed (an empty or non-robots body allows everything);
* 4xx except 429: "missing", everything is allowed;
* 5xx, 429, or no response at all (timeout, connection error): "unavailable",
  nothing is fetched from the host this run.  This is stricter than Scrapy,
  Heritrix and trafilatura, which all fail open;
* 3xx should not arrive here (the fetcher follows redirects); if it does, the
  redirect chain was not followed to the end, which RFC 9309 and Google treat
  like a missing file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 2.5: parsers must read at least 500 KiB; we read exactly that

# RFC 9309 2.2.1: a product token is letters, "_" and "-" only.
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")


def product_token(user_agent: str) -> str:
    """The token robots.txt groups are matched against: the product name of our User-Agent.

    >>> product_token("newsfacts/1.0 (+mailto:ops@example.org)")
    'newsfacts'
    >>> product_token("  News_Facts-Bot ")
    'News_Facts-Bot'
    >>> product_token("1.0/???")
    '*'
    """
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    return match.group(0) if match else "*"


def robots_url(url: str) -> str:
    """The robots.txt URL that governs ``url``: same scheme, host and port (default port dropped).

    >>> robots_url("http://News.Example.cn:8080/a/b.shtml?id=3#top")
    'http://news.example.cn:8080/robots.txt'
    >>> robots_url("https://example.cn:443/x?q=1")
    'https://example.cn/robots.txt'
    >>> robots_url("http://user:pw@[::1]:8000/")
    'http://[::1]:8000/robots.txt'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname  # lower-cased, without user info and brackets
    if ":" in host:
        host = f"[{host}]"
    port = parts.port  # raises ValueError on a non-numeric port, which is what we want
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}/robots.txt"


@dataclass(frozen=True)
class RobotsRules:
    """One host's robots.txt rules for this run.

    ``status`` is ``parsed``, ``missing`` (4xx: allow all) or ``unavailable``
    (5xx, 429, no response: disallow all).  ``crawl_delay_s`` is the
    Crawl-delay of the group that applies to us, or None.

    >>> RobotsRules("example.cn", "missing", None).allowed("http://example.cn/a")
    True
    >>> RobotsRules("example.cn", "unavailable", None).allowed("http://example.cn/a")
    False
    """

    host: str
    status: str
    crawl_delay_s: float | None
    token: str = "*"
    sitemaps: tuple[str, ...] = ()
    truncated: bool = False  # the file was longer than max_bytes; the rest was ignored
    _parser: Protego | None = field(default=None, repr=False, compare=False)

    def allowed(self, url: str) -> bool:
        """Whether we may fetch ``url`` (a URL on this host)."""
        if self.status == "missing":
            return True
        if self.status != "parsed" or self._parser is None:
            return False
        return self._parser.can_fetch(url, self.token)


def rules_from_response(host: str, status: int | None, body: bytes | None, user_agent: str,
                        max_bytes: int = MAX_ROBOTS_BYTES) -> RobotsRules:
    """Rules for ``host`` from the robots.txt fetch result (``status`` None = no response).

    >>> rules = rules_from_response("a.cn", 200, b"User-agent: *\\nDisallow: /private/\\nCrawl-delay: 2", "newsfacts/1.0")
    >>> rules.allowed("http://a.cn/private/x.html"), rules.allowed("http://a.cn/news/x.html"), rules.crawl_delay_s
    (False, True, 2.0)
    >>> rules_from_response("a.cn", 404, b"Not found", "newsfacts/1.0").status
    'missing'
    >>> rules_from_response("a.cn", None, None, "newsfacts/1.0").status
    'unavailable'
    """
    token = product_token(user_agent)
    if status is None or status == 429 or status >= 500 or status < 200:
        return RobotsRules(host, "unavailable", None, token)
    if status >= 300:
        return RobotsRules(host, "missing", None, token)
    data = body or b""
    truncated = len(data) > max_bytes
    if truncated:
        # Drop the line cut by the limit too: "Allow: /news/" cut to "Allow: /" would widen it.
        data = data[:max_bytes]
        data = data[: data.rfind(b"\n") + 1]
    # RFC 9309 says UTF-8; a stray byte in a comment must not lose the whole file.
    text = data.decode("utf-8-sig", errors="replace")
    parser = Protego.parse(text)
    return RobotsRules(
        host, "parsed", parser.crawl_delay(token), token,
        sitemaps=tuple(parser.sitemaps), truncated=truncated, _parser=parser,
    )


class PolitenessPolicy:
    """The delay between two requests to one host: our minimum or the host's Crawl-delay.

    A host asking for more than ``max_crawl_delay_s`` is skipped for the run
    (Nutch's ``fetcher.max.crawl.delay``), instead of tying up the crawl.

    >>> policy = PolitenessPolicy(1.0, max_crawl_delay_s=30.0)
    >>> policy.delay_for(None), policy.delay_for(RobotsRules("a.cn", "parsed", 3.0))
    (1.0, 3.0)
    >>> policy.delay_for(RobotsRules("a.cn", "parsed", 60.0)) is None
    True
    """

    def __init__(self, min_delay_s: float, max_crawl_delay_s: float):
        if min_delay_s < 0 or max_crawl_delay_s < 0:
            raise ValueError("delays must not be negative")
        self.min_delay_s = float(min_delay_s)
        self.max_crawl_delay_s = float(max_crawl_delay_s)

    def delay_for(self, rules: RobotsRules | None) -> float | None:
        """Seconds to wait between requests, or None to skip the host this run."""
        asked = rules.crawl_delay_s if rules is not None else None
        if asked is None:
            return self.min_delay_s
        if asked > self.max_crawl_delay_s:
            return None
        return max(self.min_delay_s, asked)
