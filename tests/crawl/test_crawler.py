"""The nightly crawl against a real news site on 127.0.0.1 built from the bundled corpus."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import default_settings
from pipeline.crawl.crawler import Crawler
from pipeline.store.lock import LockHeld, RunLock
from pipeline.crawl.sources import load_sources
from pipeline.store.export import load_outputs
from tests.conftest import REPO, run_cli
from tests.news_site import ARTICLES, PRIVATE, SAMPLES, NewsSite


@pytest.fixture()
def site():
    s = NewsSite().start()
    yield s
    s.stop()


def send_page(handler, body: bytes) -> int:
    """Answer a fault-injection handler's request with the page after all."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
    return 200


def send_status(handler, code: int, retry_after: str | None = None) -> int:
    """Answer a fault-injection handler's request with an empty response of this status."""
    handler.send_response(code)
    if retry_after is not None:
        handler.send_header("Retry-After", retry_after)
    handler.send_header("Content-Length", "0")
    handler.end_headers()
    return code


def crawl(site: NewsSite, tmp_path: Path, days_later: float = 0, **kw):
    """One night's crawl; ``days_later`` moves the crawler's wall clock on (known articles fall due)."""
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(**kw), encoding="utf-8")
    wall = (lambda: time.time() + days_later * 86400) if days_later else time.time
    return Crawler(load_sources(sources), tmp_path / "out", tmp_path / "state", default_settings(), wall=wall).run()


def csv_hashes(out: Path) -> dict:
    return {n: hashlib.sha1((out / f"{n}.csv").read_bytes()).hexdigest() for n in ("articles", "facts", "projects", "duplicates")}


def test_crawl_fetches_each_article_once_politely_and_obeys_robots(site, tmp_path):
    summary = crawl(site, tmp_path)
    assert summary.new_or_changed == len(ARTICLES), summary.line()
    for path in ARTICLES.values():
        assert len(site.article_hits(path)) == 1, path
    assert site.article_hits(PRIVATE) == []  # robots.txt Disallow: /private/
    times = [h.at for h in site.hits]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.2 - 0.02, gaps  # min_delay_s from the server's own log
    ua = {h.headers.get("User-Agent") for h in site.hits}
    assert ua == {"newsfacts-test/1.0 (+mailto:test@example.org)"}
    tables = load_outputs(tmp_path / "out")
    assert len(tables["articles"]) == len(ARTICLES) and len(tables["facts"]) > 30
    assert (tmp_path / "out" / "runs" / summary.run_id / "articles.csv").exists()


def test_crawl_gives_the_tables_of_a_batch_run_over_the_same_pages(site, tmp_path):
    crawl(site, tmp_path)
    folder = tmp_path / "pages"
    for src in ARTICLES:
        (folder / src).parent.mkdir(parents=True, exist_ok=True)
        (folder / src).write_bytes((SAMPLES / src).read_bytes())
    assert run_cli("run", str(folder), "--out", str(tmp_path / "batch"), "-q").returncode == 0
    crawled, batch = load_outputs(tmp_path / "out"), load_outputs(tmp_path / "batch")
    key = ["title", "published_at", "source_name", "authors", "editor", "content"]
    assert sorted(map(tuple, crawled["articles"][key].fillna("").values.tolist())) == \
        sorted(map(tuple, batch["articles"][key].fillna("").values.tolist()))
    fkey = ["fact_type", "subject", "value", "unit", "raw_text"]
    assert sorted(map(tuple, crawled["facts"][fkey].fillna("").values.tolist())) == \
        sorted(map(tuple, batch["facts"][fkey].fillna("").values.tolist()))


def test_crawl_and_batch_runs_are_recorded_alike(site, tmp_path):
    """One run-id format in the runs table, whoever wrote the run."""
    summary = crawl(site, tmp_path)
    page = SAMPLES / next(iter(ARTICLES))
    done = run_cli("run", str(page), "--out", str(tmp_path / "batch"), "--state", str(tmp_path / "state"), "-q")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "state" / "newsfacts.sqlite") as db:
        run_ids = [row[0] for row in db.execute("SELECT run_id FROM runs ORDER BY started_at")]
    assert len(run_ids) == 2 and run_ids[0] == summary.run_id
    assert all(re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", run_id) for run_id in run_ids), run_ids


def test_second_night_unchanged_costs_304s_and_changes_nothing(site, tmp_path):
    crawl(site, tmp_path)
    before = csv_hashes(tmp_path / "out")
    n = len(site.hits)
    second = crawl(site, tmp_path, days_later=1)  # the known articles are due for their first revisit
    assert second.new_or_changed == 0 and "nothing new" in second.line()
    article_hits = [h for h in site.hits[n:] if h.path in ARTICLES.values()]
    assert len(article_hits) == len(ARTICLES) and all(h.status == 304 for h in article_hits)
    assert csv_hashes(tmp_path / "out") == before
    n = len(site.hits)
    crawl(site, tmp_path, days_later=1)  # the same night again: none is due (tests/crawl/test_crawl_scale.py)
    assert [h for h in site.hits[n:] if h.path in ARTICLES.values()] == []


def test_changed_page_is_re_extracted_and_old_facts_replaced(site, tmp_path):
    crawl(site, tmp_path)
    path = ARTICLES["zjol/t20180926_8348721.shtml.html"]
    body = site.pages[path][0].replace("总投资126亿元".encode(), "总投资136亿元".encode())
    assert body != site.pages[path][0]
    site.set_page(path, body)
    second = crawl(site, tmp_path, days_later=1)
    assert second.new_or_changed == 1
    facts = load_outputs(tmp_path / "out")["facts"]
    assert 13.6e9 in set(facts["value"]) and 12.6e9 not in set(facts["value"])
    new_rows = load_outputs(tmp_path / "out" / "runs" / second.run_id)["articles"]
    assert len(new_rows) == 1


def test_warc_of_the_night_can_be_reprocessed_offline(site, tmp_path):
    summary = crawl(site, tmp_path)
    warc = tmp_path / "state" / "warc" / f"{summary.run_id}.warc.gz"
    assert warc.exists() and not list((tmp_path / "state" / "warc").glob("*.open"))
    proc = run_cli("run", str(warc), "--out", str(tmp_path / "again"), "-q")
    assert proc.returncode == 0, proc.stderr
    again = load_outputs(tmp_path / "again")["articles"]
    assert set(again["title"]) == set(load_outputs(tmp_path / "out")["articles"]["title"])


def test_retry_after_beyond_the_cap_defers_to_the_next_run(site, tmp_path):
    path = ARTICLES["cnnb/beilun-20160920.html"]

    def busy(handler):
        return send_status(handler, 429, retry_after="86400")

    site.overrides[path] = busy
    summary = crawl(site, tmp_path)
    assert summary.deferred == 1 and len(site.article_hits(path)) == 1
    n = len(site.article_hits(path))
    crawl(site, tmp_path)  # the server asked for a day: not asked again tonight
    assert len(site.article_hits(path)) == n


def test_a_second_run_exits_at_once_naming_the_pid(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(), encoding="utf-8")
    with RunLock(tmp_path / "state" / "newsfacts.lock"):
        proc = run_cli("crawl", "--sources", str(sources), "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
        assert proc.returncode == 75
        assert f"pid {os.getpid()}" in proc.stderr
        with pytest.raises(LockHeld):
            RunLock(tmp_path / "state" / "newsfacts.lock").acquire()
    assert site.hits == []


def test_killed_run_resumes_to_the_same_tables(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(min_delay_s=0.3), encoding="utf-8")
    cmd = [sys.executable, "-m", "pipeline", "crawl", "--sources", str(sources), "--out", str(tmp_path / "out"),
           "--state", str(tmp_path / "state"), "-q"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(len(site.article_hits(p)) for p in ARTICLES.values()) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    lock_free = RunLock(tmp_path / "state" / "newsfacts.lock").acquire()  # the kernel freed it
    lock_free.release()
    resumed = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    clean = tmp_path / "clean"
    clean.mkdir()
    crawl(site, clean)
    killed, fresh = load_outputs(tmp_path / "out"), load_outputs(clean / "out")
    assert sorted(killed["articles"]["content"]) == sorted(fresh["articles"]["content"])
    assert killed["articles"]["article_id"].is_unique
    assert len(killed["facts"]) == len(fresh["facts"])


def test_sources_file_errors_name_file_and_source(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('user_agent = "x"\n[[sources]]\nname = "a"\nstart_urls = ["ftp://x.cn/"]\n', encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(bad), "--out", str(tmp_path / "o"), "--state", str(tmp_path / "st"))
    assert proc.returncode == 2 and "s.toml" in proc.stderr and "'a'" in proc.stderr


def _two_page_article(site: NewsSite) -> tuple[str, str]:
    first = "/news/2018/10/01/100.shtml"
    second = "/news/2018/10/01/100_2.shtml"
    bar = ('<div class="page"><a href="/news/2018/10/01/100.shtml">1</a> <a href="/news/2018/10/01/100_2.shtml">2</a> '
           '<a href="/news/2018/10/01/100_2.shtml">下一页</a></div>')
    head = ('<html><head><meta charset="utf-8"><title>鄞州新签约项目集中开工_测试新闻网</title></head><body>'
            '<h1>鄞州新签约项目集中开工</h1><div class="info">2018-10-01 09:00 来源：宁波日报</div><div class="content">')
    p1 = "<p>本报讯（记者 王博）昨天，鄞州区12个重大产业项目集中开工，总投资86亿元，涵盖智能制造、新材料和现代服务业等领域，是今年规模最大的一次集中开工。</p>"
    p2 = "<p>其中，总投资32亿元的新能源汽车零部件产业园项目规模最大，建成后可年产驱动电机80万台，预计实现年产值60亿元，年税收约5亿元。</p>"
    site.pages[first] = ((head + p1 + "</div>" + bar + "</body></html>").encode(), "text/html; charset=utf-8")
    site.pages[second] = ((head + p2 + "</div>" + bar + "</body></html>").encode(), "text/html; charset=utf-8")
    listing = site.pages["/news/index_1.shtml"][0].replace(b"</ul>", f'<li><a href="{first}">新闻</a></li></ul>'.encode())
    site.set_page("/news/index_1.shtml", listing)
    return first, second


def test_multi_page_article_is_joined(site, tmp_path):
    first, second = _two_page_article(site)
    crawl(site, tmp_path)
    arts = load_outputs(tmp_path / "out")["articles"]
    joined = arts[arts["title"] == "鄞州新签约项目集中开工"]
    assert len(joined) == 1
    content = joined.iloc[0]["content"]
    assert "集中开工，总投资86亿元" in content and "年产驱动电机80万台" in content
    assert len(site.article_hits(second)) == 1
    facts = load_outputs(tmp_path / "out")["facts"]
    assert 800000 in set(facts["value"]) and 8.6e9 in set(facts["value"])


def test_robots_crawl_delay_is_kept(tmp_path):
    site = NewsSite(robots="User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n").start()
    try:
        crawl(site, tmp_path, min_delay_s=0.1)
        times = [h.at for h in site.hits]
        assert min(b - a for a, b in zip(times, times[1:])) >= 0.5 - 0.02
    finally:
        site.stop()


def test_unavailable_robots_means_nothing_is_fetched(tmp_path):
    site = NewsSite().start()
    try:
        def down(handler):
            return send_status(handler, 503)

        site.overrides["/robots.txt"] = down
        summary = crawl(site, tmp_path)
        assert [h.path for h in site.hits] == ["/robots.txt"]
        # not the site's wish (robots_disallowed): its robots.txt could not be read (tests/crawl/test_crawl_hosts.py)
        assert summary.skipped["robots_unavailable"] >= 1 and summary.new_or_changed == 0
    finally:
        site.stop()


def test_server_errors_are_retried_then_recorded(site, tmp_path):
    flaky = ARTICLES["gov-yinzhou/tjxx-20180521.html"]
    broken = ARTICLES["hzrb/content_7051206.htm"]
    calls = {"n": 0}

    def once_then_ok(handler):
        calls["n"] += 1
        if calls["n"] == 1:
            return send_status(handler, 503)
        return send_page(handler, site.pages[flaky][0])

    def always_500(handler):
        return send_status(handler, 500)

    site.overrides[flaky] = once_then_ok
    site.overrides[broken] = always_500
    summary = crawl(site, tmp_path)
    assert len(site.article_hits(flaky)) == 2 and len(site.article_hits(broken)) == 3  # 3 tries in all
    assert summary.failed == 1 and summary.errors["http_500"] == 3
    assert summary.new_or_changed == len(ARTICLES) - 1


def test_wrong_charset_header_is_recognised(site, tmp_path):
    path = ARTICLES["cnnb/yinzhou-20170602.html"]  # GBK bytes
    site.pages[path] = (site.pages[path][0], "text/html; charset=utf-8")
    crawl(site, tmp_path)
    arts = load_outputs(tmp_path / "out")["articles"]
    assert not any("\ufffd" in c for c in arts["content"])
    assert arts["content"].str.contains("钱珺|陈喆|鄞州").any()


def test_entity_bomb_sitemap_is_refused_and_the_crawl_goes_on(site, tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><urlset><url><loc>&lol3;</loc></url></urlset>')
    site.set_page("/sitemap.xml", bomb.encode())
    summary = crawl(site, tmp_path)
    assert summary.skipped["xml_entities_refused"] == 1
    assert summary.new_or_changed >= 4  # the list pages and the feed still lead to the articles


def test_failure_share_above_the_threshold_exits_non_zero(site, tmp_path):
    def gone(handler):
        return send_status(handler, 404)

    for path in ARTICLES.values():
        site.overrides[path] = gone
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(min_delay_s=0.05), encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(sources), "--out", str(tmp_path / "out"), "--state", str(tmp_path / "st"))
    assert proc.returncode == 1 and "failed" in proc.stderr and "threshold" in proc.stderr


def test_short_retry_after_is_waited_for_that_host(site, tmp_path):
    path = ARTICLES["old-cixi/content_90316.html"]
    calls = {"n": 0}

    def busy_once(handler):
        calls["n"] += 1
        if calls["n"] == 1:
            return send_status(handler, 429, retry_after="1")
        return send_page(handler, site.pages[path][0])

    site.overrides[path] = busy_once
    summary = crawl(site, tmp_path, min_delay_s=0.05)
    hits = site.article_hits(path)
    # the site logs an answer after sending it (its thread may wait for the crawler's): 20 ms of slack, as above
    assert [h.status for h in hits] == [429, 200] and hits[1].at - hits[0].at >= 1.0 - 0.02
    assert summary.new_or_changed == len(ARTICLES) and summary.deferred == 0


def test_damaged_state_database_is_refused_not_replaced(site, tmp_path):
    db = tmp_path / "state" / "newsfacts.sqlite"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(), encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(sources), "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
    assert proc.returncode == 1 and "newsfacts.sqlite" in proc.stderr and "move it away" in proc.stderr
    assert db.read_bytes() == b"this is not a database" * 100
    assert site.hits == []


def test_gone_pages_are_not_asked_for_again(site, tmp_path):
    path = ARTICLES["hzrb/content_7051206.htm"]

    def gone(handler):
        return send_status(handler, 410)

    site.overrides[path] = gone
    crawl(site, tmp_path, min_delay_s=0.05)
    crawl(site, tmp_path, min_delay_s=0.05)
    assert len(site.article_hits(path)) == 1


def test_shipped_example_sources_file_loads():
    spec = load_sources(REPO / "deploy" / "sources.example.toml")
    cnnb = spec.sources[0]
    assert cnnb.is_article("http://news.cnnb.com.cn/system/2017/05/15/008634125.shtml")
    assert not cnnb.is_article("http://news.cnnb.com.cn/yinzhou/index_2.shtml")
    assert cnnb.host_allowed("http://news.cnnb.com.cn/x") and not cnnb.host_allowed("http://evil.example/x")
    assert not cnnb.allow_private_addresses and spec.user_agent.startswith("newsfacts/")
