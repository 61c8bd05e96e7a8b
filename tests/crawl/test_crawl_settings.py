"""The crawl's ``concurrency``, ``revisit_min_days`` and ``revisit_max_days`` are ``[crawl]`` settings.

Shipped in ``pipeline/defaults.toml``, overlaid by a ``--config`` file, checked for type and range
like every setting; a sources file may still set them as top-level keys for its own crawl, over
the config's, and ``Crawler(concurrency=...)`` wins over both.  The crawls run against real HTTP
servers on 127.0.0.1 (``tests/crawl/many_hosts.py``).
"""
from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from pipeline.config import DEFAULTS_PATH, load_settings
from pipeline.crawl.crawler import Crawler
from pipeline.crawl.sources import load_sources
from pipeline.errors import ConfigError
from tests.conftest import run_cli
from tests.crawl.many_hosts import DAY, Farm, kind_of

HEAD = 'user_agent = "newsfacts-test/1.0"\n'
SOURCE = '[[sources]]\nname = "a"\nstart_urls = ["http://news.example.cn/list/"]\n'


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sources(tmp_path: Path, top: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(HEAD + top + SOURCE, encoding="utf-8")
    return path


def crawl(farm: Farm, tmp_path: Path, cfg: str = "", top: dict | None = None, wall=None, concurrency=None):
    """One night's crawl of ``farm`` with the config ``cfg`` and the sources file's ``top`` keys."""
    path = tmp_path / "sources.toml"
    path.write_text(farm.sources_toml(min_delay_s=0.02, **(top or {})), encoding="utf-8")
    settings = load_settings(config(tmp_path, cfg))
    kwargs = {"wall": wall} if wall is not None else {}
    return Crawler(load_sources(path), tmp_path / "out", tmp_path / "state", settings, concurrency=concurrency,
                   **kwargs).run()


# --------------------------------------------------------------------------- the settings


def test_the_shipped_defaults_hold_them_with_the_values_of_before():
    with open(DEFAULTS_PATH, "rb") as fh:
        shipped = tomllib.load(fh)["crawl"]
    assert (shipped["concurrency"], shipped["revisit_min_days"], shipped["revisit_max_days"]) == (8, 1.0, 30.0)
    crawl_settings = load_settings().crawl
    assert (crawl_settings.concurrency, crawl_settings.revisit_min_days, crawl_settings.revisit_max_days) == (8, 1.0, 30.0)


def test_a_config_file_overlays_them_key_by_key(tmp_path):
    s = load_settings(config(tmp_path, "[crawl]\nconcurrency = 3\nrevisit_min_days = 2\n")).crawl
    assert (s.concurrency, s.revisit_min_days, s.revisit_max_days, s.deadline_s) == (3, 2.0, 30.0, 30.0)


def test_a_sources_file_sets_them_for_its_crawl_over_the_config(tmp_path):
    base = load_settings(config(tmp_path, "[crawl]\nconcurrency = 3\nrevisit_min_days = 2\nrevisit_max_days = 10\n")).crawl
    merged = load_sources(sources(tmp_path, "concurrency = 5\n")).crawl_settings(base)
    assert (merged.concurrency, merged.revisit_min_days, merged.revisit_max_days) == (5, 2.0, 10.0)
    untouched = load_sources(sources(tmp_path)).crawl_settings(base)
    assert untouched == base


def test_revisit_days_of_the_sources_file_and_of_the_config_must_fit_together(tmp_path):
    base = load_settings(config(tmp_path, "[crawl]\nrevisit_max_days = 5\n")).crawl
    with pytest.raises(ConfigError) as err:
        load_sources(sources(tmp_path, "revisit_min_days = 10\n")).crawl_settings(base)
    message = str(err.value)
    assert "sources.toml" in message and "revisit_min_days (10)" in message, message
    assert "crawl.revisit_max_days of the config (5)" in message, message


@pytest.mark.parametrize("cfg, top, words", [
    ('[crawl]\nconcurrency = "4"\n', "", ["crawl.concurrency", "integer", "string", "my.toml"]),
    ("[crawl]\nrevisit_max_days = 5\n", "revisit_min_days = 10\n", ["revisit_min_days", "sources.toml", "config"]),
])
def test_the_command_line_exits_2_with_one_line_before_anything_is_fetched(tmp_path, cfg, top, words):
    proc = run_cli("crawl", "--sources", str(sources(tmp_path, top)), "--config", str(config(tmp_path, cfg)),
                   "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in proc.stderr, proc.stderr
    assert all(word in lines[0] for word in words), lines[0]
    assert not (tmp_path / "state" / "newsfacts.sqlite").exists()


# --------------------------------------------------------------------------- real crawls


@pytest.mark.parametrize("cfg, top, argument, most", [
    ("[crawl]\nconcurrency = 2\n", {}, None, 2),                      # the config's, no key in the sources file
    ("[crawl]\nconcurrency = 3\n", {"concurrency": 1}, None, 1),      # the sources file's over the config's
    ("[crawl]\nconcurrency = 1\n", {"concurrency": 1}, 3, 3),         # Crawler(concurrency=...) over both
], ids=["config", "sources-file", "argument"])
def test_concurrency_of_a_crawl(farms, tmp_path, cfg, top, argument, most):
    farm = farms(4, articles=2, latency=0.2)
    summary = crawl(farm, tmp_path, cfg, top, concurrency=argument)
    assert summary.new_or_changed == 8, summary.line()
    assert farm.max_in_flight == most
    assert [h.max_in_flight for h in farm.hosts] == [1] * 4


def test_the_command_line_crawls_with_the_config_concurrency(farms, tmp_path):
    farm = farms(3, articles=2, latency=0.1)
    path = tmp_path / "sources.toml"
    path.write_text(farm.sources_toml(min_delay_s=0.02), encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(path), "--config", str(config(tmp_path, "[crawl]\nconcurrency = 1\n")),
                   "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert farm.max_in_flight == 1 and sum(h.kinds()["article"] for h in farm.hosts) == 6


@pytest.mark.parametrize("cfg, top, asked", [
    ("", {}, [3, 3, 0, 3]),  # shipped: 1 day, then 2
    ("[crawl]\nrevisit_min_days = 3\nrevisit_max_days = 3\n", {}, [3, 0, 0, 3]),  # the config's 3 days
    ("[crawl]\nrevisit_min_days = 3\nrevisit_max_days = 3\n", {"revisit_min_days": 1}, [3, 3, 0, 3]),  # 1, then 2 (<= 3)
], ids=["shipped", "config", "sources-file"])
def test_revisit_days_of_a_crawl(farms, tmp_path, cfg, top, asked):
    farm = farms(1, articles=3, robots_sitemap=False)  # no sitemap: the schedule alone
    host = farm.hosts[0]
    seen = []
    for day in range(4):
        farm.clear()
        crawl(farm, tmp_path, cfg, top, wall=lambda day=day: time.time() + day * DAY)
        seen.append(sum(1 for hit in host.hits if kind_of(hit.path) == "article"))
    assert seen == asked
