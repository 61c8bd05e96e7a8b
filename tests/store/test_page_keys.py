"""New input adds, the same input replaces (issue 14, point 1).

Pages used to be keyed in the state by their location alone, which is relative to the input: two
folders both holding ``index.html``, or two nightly WARCs with records at the same offsets,
replaced each other silently.  A saved page is now keyed by its real path and a WARC record by
its WARC-Record-ID; the location shown in the tables is unchanged.
"""
from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.config import default_settings
from pipeline.engines.run import run

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "corpora" / "samples"

PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><div class="time">2021年4月{day}日 09:30</div>
<div class="content"><p>{city}今年一季度完成固定资产投资{amount}亿元，同比增长{rate}%，其中工业投资增长较快。</p>
<p>{city}新签约的智能装备项目计划总投资{project}亿元，建成后预计年产各类机器人{units}万台。</p></div>
</body></html>"""


def page(n: int, url: str | None = None) -> bytes:
    html = PAGE.format(title=f"第{n}个县一季度经济运行情况", day=n, city=f"第{n}县", amount=10 + n,
                       rate=5 + n, project=3 + n, units=n)
    if url:
        html = f"<!-- saved from url=({len(url):04d}){url} -->\n" + html
    return html.encode("utf-8")


def write_warc(path: Path, records: list[tuple[str, bytes]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))


def articles(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)


def facts(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "facts.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def settings():
    return default_settings()


def test_two_folders_with_the_same_file_names_both_stay_and_a_rerun_replaces(tmp_path, settings):
    for day in (1, 2):
        (tmp_path / f"day{day}").mkdir()
        (tmp_path / f"day{day}" / "index.html").write_bytes(page(day))
    out = tmp_path / "out"
    run([str(tmp_path / "day1")], out, settings)
    run([str(tmp_path / "day2")], out, settings)
    table = articles(out)
    assert sorted(table["title"]) == ["第1个县一季度经济运行情况", "第2个县一季度经济运行情况"]
    assert list(table["location"]) == ["index.html", "index.html"]  # shown as before
    assert table["article_id"].nunique() == 2  # two pages without a URL never share an id
    assert set(facts(out)["article_id"]) == set(table["article_id"])

    before = (articles(out), facts(out))
    summary = run([str(tmp_path / "day1")], out, settings)  # the same input again: replaced, not added
    assert summary.articles == 1
    pd.testing.assert_frame_equal(articles(out), before[0])
    pd.testing.assert_frame_equal(facts(out), before[1])


def test_a_changed_file_at_the_same_path_replaces_its_row(tmp_path, settings):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "index.html").write_bytes(page(1))
    out = tmp_path / "out"
    run([str(tmp_path / "in")], out, settings)
    (tmp_path / "in" / "index.html").write_bytes(page(2))
    run([str(tmp_path / "in")], out, settings)
    assert list(articles(out)["title"]) == ["第2个县一季度经济运行情况"]


def test_the_same_url_saved_in_two_folders_gives_two_rows_with_their_own_ids(tmp_path, settings):
    url = "http://news.example.cn/a/2021/0401/1.html"
    for day in (1, 2, 3):
        (tmp_path / f"day{day}").mkdir()
        (tmp_path / f"day{day}" / "index.html").write_bytes(page(day, url))
    out = tmp_path / "out"
    for day in (1, 2, 3):
        run([str(tmp_path / f"day{day}")], out, settings)
    table = articles(out)
    assert len(table) == 3 and table["article_id"].nunique() == 3
    originals = table[table["duplicate_of"] == ""]
    assert len(originals) == 1  # the other two are URL duplicates of the earliest publication
    dups = pd.read_csv(out / "duplicates.csv", dtype=str)
    assert sorted(dups["method"]) == ["url", "url"]


def test_two_nightly_warcs_with_records_at_the_same_offsets_both_stay(tmp_path, settings):
    write_warc(tmp_path / "night1" / "crawl.warc.gz", [("http://news.example.cn/a/1.html", page(1)),
                                                       ("http://news.example.cn/a/2.html", page(2))])
    write_warc(tmp_path / "night2" / "crawl.warc.gz", [("http://news.example.cn/b/3.html", page(3)),
                                                       ("http://news.example.cn/b/4.html", page(4))])
    out = tmp_path / "out"
    run([str(tmp_path / "night1")], out, settings)
    run([str(tmp_path / "night2")], out, settings)
    table = articles(out)
    assert len(table) == 4
    assert sorted(table["url"]) == [f"http://news.example.cn/{d}/{n}.html" for d, n in
                                    (("a", 1), ("a", 2), ("b", 3), ("b", 4))]
    summary = run([str(tmp_path / "night1")], out, settings)  # rerun: the same records replace
    assert summary.articles == 2 and len(articles(out)) == 4


def test_a_state_of_the_previous_version_is_migrated(tmp_path, settings):
    """tests/store/data/state_v3.sqlite was written by the previous version (schema 3, pages keyed
    by location) from cwd ``tmp`` with ``newsfacts run day1 night1/crawl.warc.gz --out out``:
    day1/index.html was corpora/samples/cnnb/beilun-20160920.html, the WARC held one response
    record of corpora/samples/cnnb/yinzhou-20170602.html at offset 0."""
    (tmp_path / "day1").mkdir()
    shutil.copy(SAMPLES / "cnnb" / "beilun-20160920.html", tmp_path / "day1" / "index.html")
    yinzhou = (SAMPLES / "cnnb" / "yinzhou-20170602.html").read_bytes()
    write_warc(tmp_path / "night1" / "crawl.warc.gz", [("http://news.example.cn/a/20170602/1.html", yinzhou)])
    out = tmp_path / "out"
    (out / ".state").mkdir(parents=True)
    shutil.copy(DATA / "state_v3.sqlite", out / ".state" / "newsfacts.sqlite")

    # Another folder with an index.html of its own adds a page: it is not the migrated one.
    (tmp_path / "day2").mkdir()
    (tmp_path / "day2" / "index.html").write_bytes(page(2))
    run([str(tmp_path / "day2")], out, settings)
    assert len(articles(out)) == 3

    # The inputs of the old run, read again, replace their migrated rows instead of adding.
    import os
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the old run named its inputs relative to this folder
    try:
        run(["day1", "night1/crawl.warc.gz"], out, settings)
    finally:
        os.chdir(cwd)
    table = articles(out)
    assert len(table) == 3, table[["location", "title"]]
    assert sorted(table["location"]) == ["crawl.warc.gz#0", "index.html", "index.html"]
    with sqlite3.connect(out / ".state" / "newsfacts.sqlite") as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "4"
