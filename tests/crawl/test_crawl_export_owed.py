"""A crawl killed while it writes the tables: the next crawl writes them (issue 14, point 2).

Before, the next crawl found nothing new, said "tables unchanged" and exited 0 with no tables.
The state now records its generation in the tables' manifest; tables missing or older than
the state are written by any run or crawl.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from pipeline.store.export import load_outputs
from pipeline.store.tableset import MANIFEST
from tests.conftest import REPO
from tests.crawl.test_crawler import crawl, csv_hashes, site  # noqa: F401 (site is a fixture)


def test_a_crawl_killed_while_writing_its_tables_has_them_written_by_the_next_crawl(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "pipeline", "crawl", "--sources", str(sources), "--out", str(out),
           "--state", str(tmp_path / "state"), "-q"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(".tmp-" in name for name in os.listdir(out)):
            proc.send_signal(signal.SIGKILL)  # while the tables are being written
            break
        time.sleep(0.001)
    assert proc.wait() == -signal.SIGKILL, "the crawl ended before it wrote its tables"
    assert not (out / "articles.csv").exists() or not (out / MANIFEST).exists()

    second = crawl(site, tmp_path)  # nothing new on the site
    assert second.new_or_changed == 0
    assert "tables unchanged" not in second.line()
    tables = load_outputs(out)
    clean = tmp_path / "clean"
    clean.mkdir()
    crawl(site, clean)
    assert sorted(tables["articles"]["content"]) == sorted(load_outputs(clean / "out")["articles"]["content"])
    assert not [name for name in os.listdir(out) if ".tmp-" in name]

    third = crawl(site, tmp_path)  # now the tables are the state's: nothing to write
    assert "nothing new, tables unchanged" in third.line()


def test_tables_deleted_by_hand_are_written_again_by_the_next_crawl(site, tmp_path):
    crawl(site, tmp_path)
    before = csv_hashes(tmp_path / "out")
    (tmp_path / "out" / "facts.csv").unlink()
    crawl(site, tmp_path)
    assert csv_hashes(tmp_path / "out") == before
