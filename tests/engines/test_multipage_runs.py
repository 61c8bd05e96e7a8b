"""Batch runs join multi-page articles (pipeline.read.multipage) as the crawl does: through
``pipeline.engines.run.run`` on real files, with the local engine (1 and 2 workers) and Dask."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import default_settings
from pipeline.engines.dask import Unit, environment_fingerprint, iter_units, plan, process_partition
from pipeline.engines.run import run
from pipeline.errors import Skip
from pipeline.page import process_pages
from pipeline.read.files import iter_raw_pages
from pipeline.read.multipage import Joined, iter_articles
from pipeline.records import PageResult
from pipeline.store.export import load_outputs
from tests.multipage_pages import (
    ORPHAN,
    ORPHAN_TITLE,
    OTHER,
    OTHER_TITLE,
    PAGES,
    SITE,
    TITLE,
    bar,
    page,
    write_archive,
    write_folder,
    write_people_folder,
)
from tests.read.conftest import MAX

TABLE_NAMES = ("articles", "facts", "projects", "duplicates")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("multipage")
    return {"saved": write_folder(root / "saved"), "warc": write_archive(root / "night.warc.gz")}


def csv_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLE_NAMES}


def first_page_location(source: str, path: Path) -> str:
    if source == "saved":
        return "0086.shtml"
    return next(raw.location for raw in iter_raw_pages([path], MAX) if raw.url == SITE + "0086.shtml")


@pytest.mark.parametrize("source", ["saved", "warc"])
def test_a_batch_run_stores_one_article_for_the_three_pages(inputs, tmp_path, source):
    settings = default_settings()
    summary = run([str(inputs[source])], tmp_path / "out", settings, workers=1, progress=False)
    assert (summary.pages_read, summary.articles, summary.joined_pages) == (5, 3, 2)
    assert not summary.skipped, "following pages are joined, not skipped"
    assert "pages joined into multi-page articles: 2" in summary.lines()

    arts = load_outputs(tmp_path / "out")["articles"].set_index("title")
    assert sorted(arts.index) == sorted([TITLE, OTHER_TITLE, ORPHAN_TITLE])
    article = arts.loc[TITLE]
    assert article["location"] == first_page_location(source, inputs[source])
    assert article["url"] == SITE + "0086.shtml"
    sentences = [sentence for paragraphs in PAGES for sentence in paragraphs]
    positions = [article["content"].find(sentence) for sentence in sentences]
    assert -1 not in positions and positions == sorted(positions), "the text of all three pages, in page order"
    assert all(sentence in arts.loc[OTHER_TITLE, "content"] for sentence in OTHER)
    assert all(sentence in arts.loc[ORPHAN_TITLE, "content"] for sentence in ORPHAN)
    assert arts.loc[ORPHAN_TITLE, "url"] == SITE + "0107_2.shtml"  # its page 1 is not in the input

    # the body the crawl stores: process_pages over the three pages, page 1 first
    by_url = {raw.url or raw.location: raw for raw in iter_raw_pages([inputs[source]], MAX)}
    names = ["0086.shtml", "0086_2.shtml", "0086_3.shtml"]
    raws = [by_url.get(SITE + name) or by_url[name] for name in names]
    assert article["content"] == process_pages(raws, settings).article.content


def test_two_workers_and_a_rerun_give_the_same_tables(inputs, tmp_path):
    given = [str(inputs["saved"]), str(inputs["warc"])]
    settings = default_settings()
    one = run(given, tmp_path / "one", settings, workers=1, progress=False)
    two = run(given, tmp_path / "two", settings, workers=2, progress=False)
    assert csv_bytes(tmp_path / "one") == csv_bytes(tmp_path / "two")
    assert (one.pages_read, one.articles, one.joined_pages) == (two.pages_read, two.articles, two.joined_pages) == (10, 6, 4)
    before = csv_bytes(tmp_path / "one")
    again = run(given, tmp_path / "one", settings, workers=1, progress=False)
    assert csv_bytes(tmp_path / "one") == before and again.joined_pages == 4


def test_the_dask_engine_gives_the_local_tables(inputs, tmp_path):
    pytest.importorskip("distributed")
    given = [str(inputs["saved"]), str(inputs["warc"])]
    settings = default_settings()
    local = run(given, tmp_path / "local", settings, workers=1, progress=False)
    # partitions of 2 saved pages: the article's pages fall into two partitions
    dask = run(given, tmp_path / "dask", settings, workers=2, progress=False, engine="dask", partition_size=2,
               dataset_dir=tmp_path / "dataset")
    assert csv_bytes(tmp_path / "local") == csv_bytes(tmp_path / "dask")
    assert dask.lines() == local.lines()
    # the dataset parts written by the workers hold one row per article too
    parts = pd.read_parquet(tmp_path / "dataset" / "articles")
    assert sorted(parts["location"]) == sorted(load_outputs(tmp_path / "dask")["articles"]["location"])


def test_a_following_page_without_article_text_skips_the_article_as_the_crawl_does(tmp_path, caplog):
    folder = write_folder(tmp_path / "saved")
    (folder / "0086_2.shtml").write_bytes(page(TITLE, ["第二页"], bar("0086", 3, 2), SITE + "0086_2.shtml"))
    summary = run([str(folder)], tmp_path / "out", default_settings(), workers=1, progress=False)
    assert summary.skipped == {"empty_body": 1} and summary.joined_pages == 2 and summary.articles == 2
    skip = next(r.getMessage() for r in caplog.records if "SKIP" in r.getMessage())
    assert skip.startswith("SKIP reason=empty_body location=0086.shtml: page 2 (0086_2.shtml) of this 3-page article")


# --------------------------------------------------------------------------- Dask partitions


def _shape(items) -> list:
    out = []
    for item in items:
        if isinstance(item, (list, PageResult)):
            out.append(item[0].location if isinstance(item, list) else item.article.location)
        elif isinstance(item, Joined):
            out.append(("joined", item.location, item.into))
        else:
            out.append(("skip", item.reason, item.location))
    return out


def _dask_shape(inputs, partition_size: int) -> list:
    """What the Dask engine hands on, partition by partition, computed here without a cluster."""
    settings = default_settings()
    expected = environment_fingerprint(settings)
    out = []
    for part in plan(iter_units(inputs), partition_size):
        if isinstance(part, Skip):
            out.append(("skip", part.reason, part.location))
            continue
        out.extend(_shape(process_partition(list(part.units), settings, expected, None, part.before, part.after)))
    return out


def test_dask_partitions_decide_as_the_local_run(tmp_path):
    """An article cut by partition boundaries (any partition size, following pages before or after
    their first page) is joined by the partition of its first page; the partitions around it read
    its pages as context and hand on nothing of them."""
    root = tmp_path / "in"
    saved = write_folder(root / "saved")
    write_people_folder(root / "people")
    write_archive(root / "night.warc.gz")
    shutil.copy(saved / "0086_3.shtml", root / "0086_3.shtml")  # alone in the top folder
    (saved / "0086_0.shtml").write_bytes(b"")  # a skip inside the run
    local = _shape(iter_articles([root], MAX))
    assert ("joined", "saved/0086_3.shtml", "saved/0086.shtml") in local
    assert ("joined", "people/c1004-40189999-2.html", "people/c1004-40189999.html") in local
    for size in (1, 2, 3, 16):
        assert _dask_shape([root], size) == local, size


def test_dask_partitions_name_the_pages_around_them_in_their_run_only(tmp_path):
    write_folder(tmp_path / "in" / "a")
    write_folder(tmp_path / "in" / "b")
    parts = [p for p in plan(iter_units([tmp_path / "in"]), 3) if not isinstance(p, Skip)]
    names = [([u.location for u in p.before], [u.location for u in p.units], [u.location for u in p.after])
             for p in parts]
    assert names[0] == ([], ["a/0086.shtml", "a/0086_2.shtml", "a/0086_3.shtml"], ["a/0091.shtml", "a/0107_2.shtml"])
    assert names[1] == (["a/0086.shtml", "a/0086_2.shtml", "a/0086_3.shtml"],
                        ["a/0091.shtml", "a/0107_2.shtml", "b/0086.shtml"],
                        ["b/0086_2.shtml", "b/0086_3.shtml", "b/0091.shtml", "b/0107_2.shtml"])
    assert names[2] == (["b/0086.shtml"], ["b/0086_2.shtml", "b/0086_3.shtml", "b/0091.shtml"], ["b/0107_2.shtml"])
    assert all(isinstance(u, Unit) for p in parts for u in p.units)


def test_a_page_an_earlier_run_kept_alone_is_dropped_once_its_article_is_joined(tmp_path):
    folder = write_folder(tmp_path / "saved")
    later = {name: (folder / name).read_bytes() for name in ("0086.shtml", "0086_3.shtml")}
    for name in later:
        (folder / name).unlink()
    settings = default_settings()
    first = run([str(folder)], tmp_path / "out", settings, workers=1, progress=False)
    assert first.joined_pages == 0  # page 2 alone: an article of its own
    assert "0086_2.shtml" in set(load_outputs(tmp_path / "out")["articles"]["location"])
    for name, body in later.items():
        (folder / name).write_bytes(body)
    second = run([str(folder)], tmp_path / "out", settings, workers=1, progress=False)
    assert second.joined_pages == 2
    tables = load_outputs(tmp_path / "out")
    assert "0086_2.shtml" not in set(tables["articles"]["location"])
    assert (tables["articles"]["title"] == TITLE).sum() == 1
    ids = set(tables["articles"]["article_id"])
    assert set(tables["facts"]["article_id"]) <= ids and set(tables["duplicates"]["article_id"]) <= ids
