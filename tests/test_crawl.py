"""The nightly crawl against a real news site on 127.0.0.1 built from the bundled corpus."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.crawl import Crawler
from pipeline.export import load_outputs
from pipeline.runlock import LockHeld, RunLock
from pipeline.sources import load_sources
from tests.conftest import REPO, run_cli
from tests.news_site import ARTICLES, PRIVATE, SAMPLES, NewsSite


@pytest.fixture()
def site():
    s = NewsSite().start()
    yield s
    s.stop()


def crawl(site: NewsSite, tmp_path: Path, **kw):
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(**kw), encoding="utf-8")
    return Crawler(load_sources(sources), tmp_path / "out", tmp_path / "state", load_config()).run()


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


def test_second_night_unchanged_costs_304s_and_changes_nothing(site, tmp_path):
    crawl(site, tmp_path)
    before = csv_hashes(tmp_path / "out")
    n = len(site.hits)
    second = crawl(site, tmp_path)
    assert second.new_or_changed == 0 and "nothing new" in second.line()
    article_hits = [h for h in site.hits[n:] if h.path in ARTICLES.values()]
    assert article_hits and all(h.status == 304 for h in article_hits)
    assert csv_hashes(tmp_path / "out") == before


def test_changed_page_is_re_extracted_and_old_facts_replaced(site, tmp_path):
    crawl(site, tmp_path)
    path = ARTICLES["zjol/t20180926_8348721.shtml.html"]
    body = site.pages[path][0].replace("总投资126亿元".encode(), "总投资136亿元".encode())
    assert body != site.pages[path][0]
    site.set_page(path, body)
    second = crawl(site, tmp_path)
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
        handler.send_response(429)
        handler.send_header("Retry-After", "86400")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return 429

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
