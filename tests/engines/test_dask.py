"""`newsfacts run --engine dask` gives the same tables, summary and skips as the local engine."""
from __future__ import annotations

import gzip
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES, run_cli

TABLE_NAMES = ("articles", "facts", "projects", "duplicates")
WARC = SAMPLES.parent / "warc" / "ningbo-pages.warc.gz"


def summary_lines(stderr: str) -> list[str]:
    keys = ("pages read:", "articles extracted", "pages skipped:", "duplicates:", "facts:", "tables:")
    return [line for line in stderr.splitlines() if line.startswith(keys)]


def skip_lines(stderr: str) -> list[str]:
    return [line[line.index("SKIP "):] for line in stderr.splitlines() if "SKIP reason=" in line]


def assert_same_tables(a: Path, b: Path) -> None:
    for name in TABLE_NAMES:
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name


def test_dask_engine_gives_the_local_tables(corpus_run, tmp_path):
    local_out, local = corpus_run
    out = tmp_path / "dask"
    proc = run_cli("run", str(SAMPLES), "--out", str(out), "--engine", "dask", "--workers", "2",
                   "--partition-size", "8", "--dataset")
    assert proc.returncode == 0, proc.stderr
    assert_same_tables(local_out, out)
    assert summary_lines(proc.stderr) == summary_lines(local.stderr)
    assert "pages read: 42" in proc.stderr
    # the partitioned dataset: one part per partition of 8 pages, every page once
    parts = sorted(p.name for p in (out / "dataset" / "articles").glob("part-*.parquet"))
    assert parts == [f"part-{i:08d}.parquet" for i in range(0, 42, 8)]
    ds = pd.read_parquet(out / "dataset" / "articles")
    table = pd.read_parquet(out / "articles.parquet")
    assert sorted(ds["location"]) == sorted(table["location"])
    facts = pd.read_parquet(out / "dataset" / "facts")
    originals = set(table.loc[table["duplicate_of"].isna(), "location"])
    assert len(facts[facts["location"].isin(originals)]) == len(pd.read_parquet(out / "facts.parquet"))


def test_bad_inputs_are_skipped_as_locally(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    for page in sorted(SAMPLES.rglob("*.*htm*"))[:3]:
        shutil.copy(page, inp / page.name)
    (inp / "a-empty.html").write_bytes(b"")
    (inp / "b-scan.html").write_bytes(b"%PDF-1.4 not a page")
    (inp / "c-cut.html.gz").write_bytes(gzip.compress(b"<html><body>" + "新闻".encode() * 500)[:40])
    os.symlink("/etc/hostname", inp / "d-outside.html")
    shutil.copy(WARC, inp / "e-night.warc.gz")
    local = run_cli("run", str(inp), "--out", str(tmp_path / "local"))
    dask = run_cli("run", str(inp), "--out", str(tmp_path / "dask"), "--engine", "dask", "--workers", "2",
                   "--partition-size", "2")
    assert local.returncode == 0, local.stderr
    assert dask.returncode == 0, dask.stderr
    assert skip_lines(dask.stderr) == skip_lines(local.stderr)
    reasons = {re.search(r"reason=(\S+)", line).group(1) for line in skip_lines(local.stderr)}
    assert {"empty_file", "non_html", "truncated_gzip", "symlink_outside_root", "http_status_404"} <= reasons
    assert summary_lines(dask.stderr) == summary_lines(local.stderr)
    assert_same_tables(tmp_path / "local", tmp_path / "dask")


def test_listing_follows_the_local_reader(tmp_path):
    """The units of the Dask engine name the same files, in the same order, as iter_raw_pages."""
    from pipeline.engines.dask import Unit, iter_units
    from pipeline.config import default_settings
    from pipeline.read.files import iter_raw_pages

    MAX = default_settings().input.max_page_bytes

    inp = tmp_path / "in"
    shutil.copytree(SAMPLES, inp)
    (inp / "zz" / "deeper").mkdir(parents=True)
    (inp / "zz" / "deeper" / "x.htm").write_bytes(b"")
    os.symlink("../cnnb", inp / "zz" / "loop")  # a directory inside the root: walked there only
    os.symlink("missing.html", inp / "zz" / "dangling.html")
    os.symlink("/etc/hostname", inp / "zz" / "outside.html")
    single = next(SAMPLES.rglob("*.shtml"))
    units = list(iter_units([inp, single, tmp_path / "nope"]))
    local = [item.location for item in iter_raw_pages([inp, single, tmp_path / "nope"], MAX)]
    assert [u.location for u in units] == local
    assert all(Path(u.path).is_absolute() for u in units if isinstance(u, Unit))
    assert [u.index for u in units if isinstance(u, Unit)] == list(range(sum(isinstance(u, Unit) for u in units)))


def test_engine_options_need_the_dask_engine(tmp_path):
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1")
    assert proc.returncode == 2 and "--engine dask" in proc.stderr
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path), "--engine", "spark")
    assert proc.returncode == 2 and "local or dask" in proc.stderr


def test_skips_survive_the_trip_from_a_worker():
    """Workers send Skips as they are: a Skip (a frozen dataclass exception) pickles through __reduce__."""
    import pickle

    from distributed.protocol import deserialize, serialize

    from pipeline.errors import Skip

    skip = Skip("non_html", "a.warc.gz#120", "a PDF")
    assert pickle.loads(pickle.dumps(skip)) == skip
    assert deserialize(*serialize(skip)) == skip  # as Dask sends task results


def test_a_worker_with_other_code_or_dictionaries_refuses_to_work():
    from pipeline.config import default_settings
    from pipeline.engines.dask import EnvironmentMismatch, environment_fingerprint, process_partition

    settings = default_settings()
    expected = environment_fingerprint(settings)
    assert expected["user_dicts"][0][1] != "missing"
    other = dict(expected, code="0" * 40)
    with pytest.raises(EnvironmentMismatch, match="different newsfacts installation"):
        process_partition([], settings, other)
