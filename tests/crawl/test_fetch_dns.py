"""DNS under the whole-fetch deadline (issue 15, point 6): ``getaddrinfo`` takes no timeout, and
a resolver that takes its time (resolv.conf retries: tens of seconds) used to be waited for before
the deadline was looked at; the address guard now stops waiting when the fetch's time is up."""
from __future__ import annotations

import dataclasses
import socket
import time

import pytest

from pipeline.config import default_settings
from pipeline.crawl.crawler import Crawler
from pipeline.crawl.fetch import Fetcher, FetchError, FetchPolicy
from pipeline.crawl.sources import load_sources
from tests.crawl.many_hosts import Host


@pytest.fixture()
def port():
    host = Host(0, articles=1).start()
    yield host.port
    host.stop()


def test_a_slow_dns_answer_counts_against_the_whole_fetch_deadline(port):
    def slow_resolver(host, port, *args, **kwargs):
        time.sleep(2.0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    settings = default_settings()
    limits = dataclasses.replace(settings.crawl, deadline_s=0.3)
    with Fetcher(FetchPolicy(limits=limits, allow_private=True), resolver=slow_resolver) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetcher.fetch(f"http://news.test:{port}/robots.txt", html_only=False)
        took = time.monotonic() - started
    assert caught.value.reason == "deadline" and "resolv" in caught.value.detail, caught.value
    assert took < 0.8, took


def test_a_quick_dns_answer_still_fetches(port):
    calls = []

    def resolver(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    with Fetcher(FetchPolicy(limits=default_settings().crawl, allow_private=True), resolver=resolver) as fetcher:
        assert fetcher.fetch(f"http://news.test:{port}/robots.txt", html_only=False).status == 200
    assert calls == ["news.test"]


def test_a_host_whose_dns_hangs_costs_the_crawl_the_deadline_not_the_resolvers_time(port, tmp_path):
    def resolver(host, port, *args, **kwargs):
        time.sleep(3.0)  # a name server that does not answer: resolv.conf's retries
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    sources = tmp_path / "sources.toml"
    sources.write_text('user_agent = "newsfacts-test/1.0"\n[[sources]]\nname = "slow"\n'
                       f'start_urls = ["http://slow.test:{port}/news/index.shtml"]\n'
                       "allow_private_addresses = true\nmin_delay_s = 0\n", encoding="utf-8")
    settings = default_settings()
    settings = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl, deadline_s=0.3))
    started = time.monotonic()
    summary = Crawler(load_sources(sources), tmp_path / "out", tmp_path / "state", settings, resolver=resolver).run()
    assert time.monotonic() - started < 2.5
    assert summary.skipped == {"robots_unavailable": 1}, summary.skipped
    assert "deadline" in summary.unreachable["slow"] and "resolving slow.test" in summary.unreachable["slow"]
