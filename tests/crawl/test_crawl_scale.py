"""The nightly crawl at scale (issue 15, point 6), against many small news sites on 127.0.0.1
(``tests/crawl/many_hosts.py``: one threaded server per port, each port a host of its own).

* several hosts are fetched at once, one request in flight per host, never more than the
  sources file's ``concurrency`` over all hosts, and no host asked faster than its delay;
* the queue is read through an index by host and due time: no statement the scheduler repeats
  scans ``crawl_urls`` or sorts it, and an old state folder gets the new columns and the index;
* the sitemaps a robots.txt lists are read, and a known article whose sitemap ``<lastmod>`` (or
  news sitemap ``<news:publication_date>``) is not newer than our last fetch is not asked for;
* a known article still linked from a list page is revisited on a schedule that doubles after
  each unchanged visit (304 or the same text) and starts again at one day after a change;
* a night with nothing new asks each host for its robots.txt, list page and sitemap only.

The back-off tests move the crawler's wall clock (``Crawler(wall=...)``) instead of waiting days.
"""
from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import pipeline.store.state as state_module
from pipeline.config import default_settings
from pipeline.crawl.crawler import Crawler
from pipeline.crawl.sources import load_sources
from pipeline.page import process_page
from pipeline.records import RawPage
from pipeline.store.export import load_outputs
from pipeline.store.state import Store
from tests.conftest import REPO
from tests.crawl.many_hosts import DAY, Farm, article_html, kind_of


def crawl(farm: Farm, tmp_path: Path, wall=None, **toml):
    sources = tmp_path / "sources.toml"
    sources.write_text(farm.sources_toml(**toml), encoding="utf-8")
    kwargs = {"wall": wall} if wall is not None else {}
    return Crawler(load_sources(sources), tmp_path / "out", tmp_path / "state", default_settings(), **kwargs).run()


def warm_up() -> None:
    """Load the language pipeline (seconds, once per process) before a crawl is timed."""
    _, body = article_html(0, 1, "测试新闻网")
    process_page(RawPage(location="http://127.0.0.1/a.shtml", body=body, url="http://127.0.0.1/a.shtml"))


def article_requests(host) -> list[str]:
    return [h.path for h in host.hits if kind_of(h.path) == "article"]


# --------------------------------------------------------------------------- several hosts at once


def test_several_hosts_are_fetched_at_once_one_request_each_and_no_faster(farms, tmp_path):
    farm = farms(6, articles=3, latency=0.2)
    farm.hosts[0].crawl_delay = 0.5  # robots.txt asks more than min_delay_s: kept under concurrency too
    warm_up()
    summary = crawl(farm, tmp_path, min_delay_s=0.3, concurrency=3)
    assert summary.new_or_changed == 18, summary.line()
    assert farm.max_in_flight == 3  # several hosts at once, never more than the limit
    assert [h.max_in_flight for h in farm.hosts] == [1] * 6  # one request at a time per host
    assert min(farm.hosts[0].gaps()) >= 0.5 - 0.02
    assert min(min(h.gaps()) for h in farm.hosts[1:]) >= 0.3 - 0.02
    # robots.txt, list page, sitemap and 3 articles a host: one at a time, the 36 requests alone
    # take 36 x 0.2 s; at once, the slowest host's 6 x 0.2 s + 5 x 0.5 s
    hits = [hit for host in farm.hosts for hit in host.hits]
    span = max(h.end for h in hits) - min(h.start for h in hits)
    assert len(hits) == 36 and span < 5.5, span


def test_concurrency_one_is_one_request_at_a_time(farms, tmp_path):
    farm = farms(3, articles=2, latency=0.05)
    summary = crawl(farm, tmp_path, min_delay_s=0.05, concurrency=1)
    assert summary.new_or_changed == 6 and farm.max_in_flight == 1


def test_a_killed_crawl_of_many_hosts_resumes_to_the_same_tables(farms, tmp_path):
    farm = farms(4, articles=4, latency=0.05)
    sources = tmp_path / "sources.toml"
    sources.write_text(farm.sources_toml(min_delay_s=0.2, concurrency=4), encoding="utf-8")
    cmd = [sys.executable, "-m", "pipeline", "crawl", "--sources", str(sources), "--out", str(tmp_path / "out"),
           "--state", str(tmp_path / "state"), "-q"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(len(article_requests(h)) for h in farm.hosts) < 6:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)  # with fetches of several hosts in flight
    proc.wait()
    resumed = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    clean = tmp_path / "clean"
    clean.mkdir()
    crawl(farm, clean, min_delay_s=0.02, concurrency=4)
    killed, fresh = load_outputs(tmp_path / "out"), load_outputs(clean / "out")
    assert len(fresh["articles"]) == 16
    assert sorted(killed["articles"]["content"]) == sorted(fresh["articles"]["content"])
    assert killed["articles"]["article_id"].is_unique


# --------------------------------------------------------------------------- the queue by due time


def _shape(sql: str) -> str:
    """A statement with its values taken out, to count how often the same statement runs."""
    return re.sub(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b", "?", sql)


def test_the_scheduler_reads_the_queue_through_its_index(farms, tmp_path, monkeypatch):
    executed: Counter = Counter()
    sample: dict[str, str] = {}
    real_connect = sqlite3.connect

    def traced(*args, **kwargs):
        db = real_connect(*args, **kwargs)

        def record(sql: str) -> None:
            if "crawl_urls" in sql and sql.lstrip().upper().startswith("SELECT"):
                executed[_shape(sql)] += 1
                sample.setdefault(_shape(sql), sql)

        db.set_trace_callback(record)
        return db

    monkeypatch.setattr(state_module.sqlite3, "connect", traced)
    farm = farms(3, articles=8)
    assert crawl(farm, tmp_path, min_delay_s=0.0).new_or_changed == 24
    monkeypatch.undo()
    repeated = [shape for shape, n in executed.items() if n >= 10]  # run at every step, not once a night
    assert repeated
    with sqlite3.connect(tmp_path / "state" / "newsfacts.sqlite") as db:
        for shape in repeated:
            plan = " / ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sample[shape]))
            assert "SCAN crawl_urls" not in plan and "TEMP B-TREE" not in plan, (sample[shape], plan)


OLD_CRAWL_DDL = """
CREATE TABLE IF NOT EXISTS crawl_urls (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, depth INTEGER NOT NULL,
    status TEXT NOT NULL, not_before REAL NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, etag TEXT, last_modified TEXT, fetched_at TEXT, seen_run TEXT, done_run TEXT);
CREATE INDEX IF NOT EXISTS crawl_urls_queue ON crawl_urls(seen_run, status);
"""


def test_a_state_of_the_last_version_gets_the_new_columns_and_the_index(farms, tmp_path):
    farm = farms(1, articles=3, robots_sitemap=False)
    host = farm.hosts[0]
    with Store(tmp_path / "state" / "newsfacts.sqlite", default_settings().dedupe) as store:
        store.add_tables(OLD_CRAWL_DDL)
        store.db.execute("INSERT INTO crawl_urls (url, source, kind, depth, status, seen_run) VALUES (?,?,?,?,?,?)",
                         (f"{host.base}{host.items[0].path}", "host-00", "article", 1, "pending", "old-run"))
    summary = crawl(farm, tmp_path, min_delay_s=0.02)
    assert summary.new_or_changed == 3, summary.line()
    assert article_requests(host).count(host.items[0].path) == 1
    with sqlite3.connect(tmp_path / "state" / "newsfacts.sqlite") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(crawl_urls)")}
        indexes = {row[1] for row in db.execute("PRAGMA index_list(crawl_urls)")}
        hosts = {row[0] for row in db.execute("SELECT host FROM crawl_urls")}
    assert {"host", "visited_at", "revisit_s", "next_visit", "lastmod"} <= columns
    assert "crawl_urls_due" in indexes and hosts == {f"127.0.0.1:{host.port}"}


def test_urls_left_pending_by_a_killed_run_are_fetched_by_the_next(farms, tmp_path):
    farm = farms(1, articles=3, list_links=1, robots_sitemap=False)
    host = farm.hosts[0]
    orphan = host.items[0]  # no longer linked from the list page, queued by a run that was killed
    with Store(tmp_path / "state" / "newsfacts.sqlite", default_settings().dedupe) as store:
        store.add_tables(OLD_CRAWL_DDL)
        store.db.execute("INSERT INTO crawl_urls (url, source, kind, depth, status, seen_run) VALUES (?,?,?,?,?,?)",
                         (f"{host.base}{orphan.path}", "host-00", "article", 1, "fetching", "killed-run"))
    crawl(farm, tmp_path, min_delay_s=0.02)
    assert orphan.path in article_requests(host)


# --------------------------------------------------------------------------- sitemaps and lastmod


def test_sitemaps_listed_in_robots_txt_are_read(farms, tmp_path):
    farm = farms(1, articles=6, list_links=2)  # the list page shows two; the sitemap lists all six
    summary = crawl(farm, tmp_path, min_delay_s=0.02)
    assert summary.new_or_changed == 6, summary.line()
    assert farm.hosts[0].kinds()["sitemap"] == 1


def test_robots_sitemaps_can_be_switched_off_per_source(farms, tmp_path):
    farm = farms(1, articles=6, list_links=2)
    sources = tmp_path / "sources.toml"
    sources.write_text(farm.sources_toml(min_delay_s=0.02).replace("[[sources]]\n", "[[sources]]\nrobots_sitemaps = false\n"),
                       encoding="utf-8")
    summary = Crawler(load_sources(sources), tmp_path / "out", tmp_path / "state", default_settings()).run()
    assert summary.new_or_changed == 2 and farm.hosts[0].kinds()["sitemap"] == 0


@pytest.mark.parametrize("news", [False, True], ids=["lastmod", "news_publication_date"])
def test_a_known_article_whose_sitemap_date_is_not_newer_is_not_asked_for(farms, tmp_path, news):
    farm = farms(1, articles=5, news=news)
    host = farm.hosts[0]
    crawl(farm, tmp_path, min_delay_s=0.02)
    changed = host.items[2]
    host.change_article(changed, time.time() + 5 * DAY)
    farm.clear()
    # ten days on, every article would be due by the revisit schedule alone
    summary = crawl(farm, tmp_path, wall=lambda: time.time() + 10 * DAY, min_delay_s=0.02)
    assert article_requests(host) == [changed.path]  # no request at all for the four others
    assert summary.new_or_changed == 1 and summary.lastmod_unchanged == 4, summary.line()
    assert "4 unchanged by sitemap date" in summary.line()


def test_a_sitemap_date_does_not_put_a_visit_off_beyond_the_longest_interval(farms, tmp_path):
    farm = farms(1, articles=2)
    host = farm.hosts[0]
    crawl(farm, tmp_path, min_delay_s=0.02)
    farm.clear()
    # the sitemap says unchanged, but 30 days is the longest wait
    crawl(farm, tmp_path, wall=lambda: time.time() + 31 * DAY, min_delay_s=0.02)
    assert sorted(article_requests(host)) == sorted(a.path for a in host.items)


# --------------------------------------------------------------------------- revisits that back off


@pytest.mark.parametrize("conditional", [True, False], ids=["304", "same_text"])
def test_known_articles_are_revisited_on_a_schedule_that_backs_off(farms, tmp_path, conditional):
    farm = farms(1, articles=3, robots_sitemap=False, conditional=conditional)  # no sitemap: the schedule alone
    host = farm.hosts[0]
    asked = []
    for day in range(9):
        if day == 7:
            host.change_article(host.items[0], time.time() + 6.5 * DAY)
        farm.clear()
        summary = crawl(farm, tmp_path, wall=lambda day=day: time.time() + day * DAY, min_delay_s=0.02)
        asked.append(len(article_requests(host)))
        assert host.kinds()["list"] == 1
    # intervals 1, 2, 4 days while nothing changes; the change on day 7 starts again at 1 day
    assert asked == [3, 3, 0, 3, 0, 0, 0, 3, 1], asked
    assert summary.not_due == 2 and "2 not due" in summary.line()


def test_a_night_with_nothing_new_asks_each_host_for_its_list_page_and_sitemap_only(farms, tmp_path):
    farm = farms(3, articles=4)
    crawl(farm, tmp_path, min_delay_s=0.02)
    farm.clear()
    summary = crawl(farm, tmp_path, min_delay_s=0.02)
    assert [h.kinds() for h in farm.hosts] == [{"robots": 1, "list": 1, "sitemap": 1, "article": 0}] * 3
    assert summary.new_or_changed == 0 and "nothing new" in summary.line()
