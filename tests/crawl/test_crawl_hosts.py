"""Hosts that cannot be crawled tonight (issue 14, points 15, 16 in part and 17), against the test
news site on 127.0.0.1:

* a source whose robots.txt cannot be read, or whose every address the guard refuses, is its
  own reason (``robots_unavailable``, ``address_refused``), named in the summary, and exit 1 --
  not ``robots_disallowed`` and exit 0 as if the site had asked us to stay away;
* a sitemap index pointing to an index pointing to ... stops at the source's ``max_depth``;
* a host that drips bytes costs at most ``MAX_HOST_TIMEOUTS`` timeouts a night: then its other
  URLs are deferred to the next run (kept in the state, fetched next night), and the summary
  names the host.
"""
from __future__ import annotations

import dataclasses
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from pipeline.config import default_settings
from pipeline.crawl.crawler import Crawler
from pipeline.crawl.hosts import MAX_HOST_TIMEOUTS
from pipeline.crawl.sources import load_sources
from tests.conftest import run_cli
from tests.news_site import ARTICLES, NewsSite


@pytest.fixture()
def site():
    s = NewsSite().start()
    yield s
    s.stop()


def send_status(handler, code: int) -> int:
    handler.send_response(code)
    handler.send_header("Content-Length", "0")
    handler.end_headers()
    return code


def crawler(tmp_path: Path, toml: str, settings=None, **kwargs) -> Crawler:
    sources = tmp_path / "sources.toml"
    sources.write_text(toml, encoding="utf-8")
    return Crawler(load_sources(sources), tmp_path / "out", tmp_path / "state", settings or default_settings(),
                   **kwargs)


def closed_port() -> int:
    """A loopback port nobody listens on (connect: refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- whole source uncrawlable


def test_unreachable_robots_is_its_own_reason_and_exits_1_naming_the_source(site, tmp_path):
    site.overrides["/robots.txt"] = lambda handler: send_status(handler, 503)
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(min_delay_s=0.05), encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(sources), "--out", str(tmp_path / "out"), "--state", str(tmp_path / "st"))
    assert proc.returncode == 1, proc.stderr
    assert [h.path for h in site.hits] == ["/robots.txt"]  # still nothing fetched from the host
    assert "Traceback" not in proc.stderr
    summary = next(line for line in proc.stderr.splitlines() if line.startswith("crawl "))
    assert "robots_unavailable" in summary and "robots_disallowed" not in summary, summary
    error = next(line for line in proc.stderr.splitlines() if line.startswith("error: "))
    for word in ("'testsite'", f"127.0.0.1:{site.port}", "robots.txt", "503"):
        assert word in error, (word, error)


def test_robots_of_a_host_that_refuses_connections_is_robots_unavailable(tmp_path):
    port = closed_port()
    toml = ('user_agent = "newsfacts-test/1.0"\n[[sources]]\nname = "gone"\n'
            f'start_urls = ["http://127.0.0.1:{port}/news/index.shtml"]\nallow_private_addresses = true\n'
            "min_delay_s = 0\n")
    summary = crawler(tmp_path, toml).run()
    assert summary.skipped == {"robots_unavailable": 1}, summary.skipped
    assert "gone" in summary.unreachable and "connect_error" in summary.unreachable["gone"]
    assert "source 'gone'" in summary.line() and "robots_unavailable" in summary.line()


def test_a_source_whose_every_address_is_refused_is_address_refused(site, tmp_path):
    # a name that resolves to loopback, with the guard on: refused before any connection
    toml = site.sources_toml(min_delay_s=0.05).replace("127.0.0.1", "news.test").replace(
        "allow_private_addresses = true", "allow_private_addresses = false")
    resolve = lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]  # noqa: E731
    summary = crawler(tmp_path, toml, resolver=resolve).run()
    assert site.hits == []
    assert summary.skipped["address_refused"] == 3 and "robots_disallowed" not in summary.skipped
    why = summary.unreachable["testsite"]
    assert "address_refused" in why and f"news.test:{site.port}" in why and "127.0.0.1" in why, why


def test_a_source_that_was_crawled_is_not_unreachable(site, tmp_path):
    summary = crawler(tmp_path, site.sources_toml(min_delay_s=0.05)).run()
    assert summary.unreachable == {} and summary.new_or_changed == len(ARTICLES)


# --------------------------------------------------------------------------- sitemap index chain


def test_a_sitemap_index_chain_stops_at_max_depth(site, tmp_path):
    def index(n: int) -> bytes:
        return (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{{base}}/sm/{n}.xml</loc></sitemap></sitemapindex>").encode()

    site.pages["/sitemap.xml"] = (index(1), "application/xml")
    for n in range(1, 10):
        site.pages[f"/sm/{n}.xml"] = (index(n + 1), "application/xml")
    summary = crawler(tmp_path, site.sources_toml(min_delay_s=0.02)).run()  # max_depth = 2
    fetched = [h.path for h in site.hits if h.path.startswith("/sm/")]
    assert fetched == ["/sm/1.xml", "/sm/2.xml"], fetched  # depth 0 is /sitemap.xml itself
    assert summary.new_or_changed == len(ARTICLES)  # the list pages and the feed still lead to every article


# --------------------------------------------------------------------------- a host that drips


DRIPPED: list[str] = []  # paths asked for, logged when asked (the site logs a request when it is answered)


def drip(handler) -> int:
    """Headers, then one byte every 50 ms of a body that would take minutes (until we hang up)."""
    DRIPPED.append(handler.path)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        for _ in range(200):
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(0.05)
    except OSError:
        pass  # the crawler cut the connection at its deadline
    handler.close_connection = True
    return 200


def quick_settings():
    settings = default_settings()
    return dataclasses.replace(settings, crawl=dataclasses.replace(
        settings.crawl, deadline_s=0.4, read_timeout_s=0.4, connect_timeout_s=0.4))


def test_a_dripping_host_is_deferred_to_the_next_run_after_a_few_timeouts(site, tmp_path):
    for path in ARTICLES.values():
        site.overrides[path] = drip
    DRIPPED.clear()
    toml = site.sources_toml(min_delay_s=0.05)
    started = time.monotonic()
    summary = crawler(tmp_path, toml, settings=quick_settings()).run()
    took = time.monotonic() - started
    assert len(DRIPPED) == MAX_HOST_TIMEOUTS, DRIPPED
    assert summary.errors["deadline"] == MAX_HOST_TIMEOUTS and summary.failed == 0
    host = f"127.0.0.1:{site.port}"
    assert summary.deferred_hosts == {host: summary.deferred} and summary.deferred >= len(ARTICLES)
    assert host in summary.line() and "host_deferred" in summary.line(), summary.line()
    assert took < MAX_HOST_TIMEOUTS * 0.4 + 4, took  # not 3 tries x every URL x the deadline
    with sqlite3.connect(tmp_path / "state" / "newsfacts.sqlite") as db:
        kept = dict(db.execute("SELECT url, last_error FROM crawl_urls WHERE status='deferred'").fetchall())
    assert {site.base + p for p in ARTICLES.values()} <= set(kept) and set(kept.values()) == {"host_deferred"}

    site.overrides.clear()  # the next night the host is well again: the deferred URLs are fetched
    second = crawler(tmp_path, toml, settings=quick_settings()).run()
    assert second.new_or_changed == len(ARTICLES) and second.deferred == 0, second.line()


def test_timeouts_on_one_host_do_not_defer_another(site, tmp_path):
    other = NewsSite().start()
    try:
        for path in ARTICLES.values():
            site.overrides[path] = drip
        second = other.sources_toml(min_delay_s=0.05)
        second = second[second.index("[[sources]]"):].replace('name = "testsite"', 'name = "other"')
        toml = site.sources_toml(min_delay_s=0.05) + second
        DRIPPED.clear()
        summary = crawler(tmp_path, toml, settings=quick_settings()).run()
        assert set(summary.deferred_hosts) == {f"127.0.0.1:{site.port}"} and len(DRIPPED) == MAX_HOST_TIMEOUTS
        assert len([h for h in other.hits if h.path in ARTICLES.values()]) == len(ARTICLES)
    finally:
        other.stop()
