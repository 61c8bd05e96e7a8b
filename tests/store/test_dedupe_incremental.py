"""Deciding duplicates again only for the cluster of what a run changed gives the decisions a walk
over all pages gives (issue 15, point 1): checked on random histories of runs that add, replace
and remove pages sharing URLs, texts, near-copies of texts, locations and publication times."""
from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.config import default_settings
from pipeline.records import Article, PageResult
from pipeline.store.minhash import signature, to_blob
from pipeline.store.state import Store

SETTINGS = default_settings().dedupe
WORDS = ("投资", "项目", "增长", "工业", "开工", "建设", "产值", "园区", "企业", "签约", "经济", "发展", "全年", "完成")


def text(rng: random.Random, base: int, variant: int) -> str:
    """Base text ``base`` (long enough for the near-duplicate index); a variant changes its end."""
    words = random.Random(base).choices(WORDS, k=160)
    if variant:
        tail = random.Random(base * 1000 + variant).choices(WORDS, k=12)
        words = words[:-12] + tail
    return "".join(words) + f"第{base}篇。"


def result(rng: random.Random, key: str) -> PageResult:
    url = rng.choice([None, None, *(f"http://news.example.cn/{i}.html" for i in range(6))])
    location = rng.choice([f"{key}.html", f"{key}.html", "index.html", "a/index.html"])
    base, variant = rng.randrange(8), rng.choice([0, 0, 1, 2])
    content = text(rng, base, variant)
    published = rng.choice([None, "2021-03-01", "2021-03-01T09:30:00+08:00", "2021-02-11", "2020-12-31"])
    sig = signature(content, SETTINGS.num_perm, SETTINGS.shingle_size)
    return PageResult(article=Article(location=location, url=url, published_at=published, content=content),
                      signature=to_blob(sig), found_url_is_clean=rng.random() < 0.8, key=f"file:/in/{key}")


def decisions(db_path: Path) -> dict[str, tuple]:
    with sqlite3.connect(db_path) as db:
        return {key: rest for key, *rest in db.execute(
            "SELECT page_key, article_id, duplicate_of, method, similarity FROM dedupe")}


def full_walk(db_path: Path, tmp: Path) -> dict[str, tuple]:
    copy = tmp / "full.sqlite"
    with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with Store(copy, SETTINGS) as store:
        store.deduper.decide(None)
    found = decisions(copy)
    copy.unlink()
    return found


@pytest.mark.parametrize("seed", range(6))
def test_deciding_the_cluster_equals_deciding_all_pages(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "state" / "newsfacts.sqlite"
    keys: list[str] = []
    incremental_runs = 0
    for session in range(12):
        with Store(path, SETTINGS) as store:
            for _ in range(rng.randint(1, 4) if session else 40):
                if keys and rng.random() < 0.3:
                    key = rng.choice(keys)  # the same page read again, changed
                else:
                    key = f"p{len(keys)}"
                    keys.append(key)
                store.put(result(rng, key), f"run{session}")
            if session and keys and rng.random() < 0.4:
                gone = rng.choice(keys)
                keys.remove(gone)
                store.forget(f"file:/in/{gone}")
            planned = store.deduper.plan(store.seeds)
            incremental_runs += planned is not None
            store.assign_duplicates()
        assert decisions(path) == full_walk(path, tmp_path), f"session {session}"
    assert incremental_runs >= 8  # the cluster path was the one tested


def distinct(i: int, base: int | None = None) -> PageResult:
    """Page ``i`` with a story of its own (or a copy of story ``base``)."""
    content = text(random.Random(i), base if base is not None else 100 + i, 0)
    sig = signature(content, SETTINGS.num_perm, SETTINGS.shingle_size)
    return PageResult(article=Article(location=f"p{i}.html", url=f"http://news.example.cn/{i}.html",
                                      published_at=f"2021-03-{i % 28 + 1:02d}", content=content),
                      signature=to_blob(sig), key=f"file:/in/p{i}")


def test_a_small_run_decides_its_cluster_only(tmp_path):
    path = tmp_path / "state" / "newsfacts.sqlite"
    with Store(path, SETTINGS) as store:
        for i in range(60):
            store.put(distinct(i), "run0")
        store.assign_duplicates()
    with Store(path, SETTINGS) as store:
        store.put(distinct(500, base=103), "run1")  # a copy of page 3's story
        cluster = store.deduper.plan(store.seeds)
        assert cluster == {"file:/in/p500", "file:/in/p3"}
        store.assign_duplicates()
    assert decisions(path) == full_walk(path, tmp_path)
