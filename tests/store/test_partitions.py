"""Large outputs as a dataset partitioned by publication month: a run rewrites only the months
it changed, and the tables read back equal those of a snapshot of the same state (issue 15,
point 1)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import load_settings
from pipeline.engines.run import run
from pipeline.store.export import load_outputs
from pipeline.store.tableset import MANIFEST, TABLE_FILES, read_manifest

SAMPLES = Path(__file__).resolve().parents[2] / "corpora" / "samples"
TABLES = ("articles", "facts", "projects", "duplicates")
KEYS = {"articles": "article_id", "facts": "fact_id", "projects": "project_id", "duplicates": "article_id"}

PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>
<div class="time">{date} 09:00</div><div class="content">{paragraphs}</div></body></html>"""


def page(title: str, date: str, sentences: list[str]) -> bytes:
    return PAGE.format(title=title, date=date, paragraphs="".join(f"<p>{s}</p>" for s in sentences)).encode()


STORY = ["某县今年前三季度完成固定资产投资86.4亿元，同比增长9.7%，其中工业投资增长12.1%。",
         "该县新能源电池项目计划总投资35亿元，建成后预计年产动力电池8万套，新增产值60亿元。",
         "全县规模以上工业增加值增长7.5%，高新技术产业增加值占比提高到52.3%。"]


def settings(partition_above: int):
    return load_settings(overrides={"output": {"partition_above_articles": partition_above}})


def sorted_tables(out: Path) -> dict[str, pd.DataFrame]:
    tables = load_outputs(out)
    return {t: tables[t].sort_values(KEYS[t]).reset_index(drop=True) for t in TABLES}


def inodes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_ino for p in out.glob("*/month=*/*.*")}


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    for sub in ("cnnb", "gov-cixi", "hzrb", "portal-163"):
        shutil.copytree(SAMPLES / sub, folder / sub)
    return folder


def test_a_partitioned_output_reads_back_as_the_snapshot_of_the_same_state(tmp_path, samples):
    run([str(samples)], tmp_path / "snap", settings(10**9))
    run([str(samples)], tmp_path / "part", settings(0))
    part = tmp_path / "part"
    assert not any((part / name).exists() for name in TABLE_FILES)
    manifest = read_manifest(part)
    assert manifest["layout"] == "partitioned" and len(manifest["partitions"]) > 3
    for month in manifest["partitions"]:
        for table in TABLES:
            assert (part / table / f"month={month}" / f"{table}.parquet").is_file()
            assert (part / table / f"month={month}" / f"{table}.csv").is_file()
    snap, parted = sorted_tables(tmp_path / "snap"), sorted_tables(part)
    for table in TABLES:
        pd.testing.assert_frame_equal(parted[table], snap[table])
    csv = load_outputs(part, fmt="csv")
    assert sorted(csv["facts"]["fact_id"]) == sorted(snap["facts"]["fact_id"])


def test_a_run_rewrites_only_the_months_it_changed(tmp_path, samples):
    out = tmp_path / "out"
    run([str(samples)], out, settings(0))
    before = inodes(out)
    months = set(read_manifest(out)["partitions"])

    new = tmp_path / "new"
    new.mkdir()
    (new / "a.html").write_bytes(page("某县前三季度经济运行稳中向好", "2021年10月20日", STORY))
    summary = run([str(new)], out, settings(0))
    assert summary.articles == 1
    after = inodes(out)
    assert set(read_manifest(out)["partitions"]) == months | {"2021-10"}
    rewritten = {name for name in before if after.get(name) != before[name]}
    assert rewritten == set(), rewritten  # no earlier month was touched
    assert {name.split("/")[1] for name in set(after) - set(before)} == {"month=2021-10"}

    # An earlier-published copy of that article makes it a duplicate: its month is rewritten,
    # the copy's month is new, and no other month is touched.
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "b.html").write_bytes(page("某县前三季度经济运行稳中向好", "2021-09-30", STORY))
    run([str(copy)], out, settings(0))
    third = inodes(out)
    changed = {name.split("/")[1] for name in after if third.get(name) != after[name]}
    assert changed == {"month=2021-10"}
    assert {name.split("/")[1] for name in set(third) - set(after)} == {"month=2021-09"}
    dups = load_outputs(out)["duplicates"]
    assert len(dups[dups["method"] == "exact"]) >= 1

    # The same state exported whole gives the same tables.
    fresh = tmp_path / "fresh"
    run([str(samples), str(new), str(copy)], fresh, settings(10**9))
    got, want = sorted_tables(out), sorted_tables(fresh)
    for table in TABLES:
        pd.testing.assert_frame_equal(got[table], want[table])


def test_crossing_the_threshold_switches_the_layout_and_leaves_no_stale_files(tmp_path, samples):
    out = tmp_path / "out"
    run([str(samples / "cnnb")], out, settings(10))
    assert all((out / name).is_file() for name in TABLE_FILES)  # 6 articles: a snapshot
    run([str(samples)], out, settings(10))  # more than 10 now
    assert not any((out / name).exists() for name in TABLE_FILES)
    assert read_manifest(out)["layout"] == "partitioned"
    run([str(samples)], out, settings(10**9))  # the threshold raised: a snapshot again
    assert all((out / name).is_file() for name in TABLE_FILES)
    assert not list(out.glob("*/month=*"))
    assert read_manifest(out)["layout"] == "snapshot"


def test_a_missing_month_file_is_written_again(tmp_path, samples):
    out = tmp_path / "out"
    run([str(samples / "cnnb")], out, settings(0))
    victim = next(out.glob("facts/month=*/facts.parquet"))
    os.unlink(victim)
    run([str(samples / "cnnb")], out, settings(0))  # the same input: nothing new, yet written
    assert victim.is_file()
    assert (out / MANIFEST).is_file()
