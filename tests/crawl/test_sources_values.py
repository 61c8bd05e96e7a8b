"""Every value of the sources file is checked for its TOML type and range before anything is fetched."""
from __future__ import annotations

import pytest

from pipeline.config import default_settings
from pipeline.crawl.sources import load_sources
from pipeline.errors import ConfigError
from tests.conftest import run_cli

HEAD = 'user_agent = "newsfacts-test/1.0"\n'
SOURCE = '[[sources]]\nname = "a"\nstart_urls = ["http://news.example.cn/list/"]\n'


def write(tmp_path, top: str = "", source: str = "", head: str = HEAD):
    path = tmp_path / "sources.toml"
    path.write_text(head + top + SOURCE + source, encoding="utf-8")
    return path


@pytest.mark.parametrize("line, key, expected, given", [
    ('allow_private_addresses = "false"', "allow_private_addresses", "boolean", "string"),
    ("allow_private_addresses = 0", "allow_private_addresses", "boolean", "integer"),
    ('max_depth = "3"', "max_depth", "integer", "string"),
    ("max_depth = true", "max_depth", "integer", "boolean"),
    ("max_depth = 2.5", "max_depth", "integer", "float"),
    ('min_delay_s = "1"', "min_delay_s", "number", "string"),
    ("min_delay_s = false", "min_delay_s", "number", "boolean"),
    ("max_pages = 1e3", "max_pages", "integer", "float"),
    ('allowed_hosts = "news.example.cn"', "allowed_hosts", "array of strings", "string"),
    ("allowed_hosts = [1]", "allowed_hosts", "array of strings", "integer"),
    ("article_url_pattern = 3", "article_url_pattern", "string", "integer"),
    ('headers = "Referer: x"', "headers", "table", "string"),
    ("headers = { Referer = 1 }", "headers.Referer", "string", "integer"),
    ("start_urls = 'http://a.cn/'", "start_urls", "array", "string"),
])
def test_a_source_value_of_the_wrong_type_is_named(tmp_path, line, key, expected, given):
    text = HEAD + '[[sources]]\nname = "a"\n'
    if not line.startswith("start_urls"):
        text += 'start_urls = ["http://news.example.cn/list/"]\n'
    path = tmp_path / "sources.toml"
    path.write_text(text + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    message = str(err.value)
    assert key in message and expected in message and given in message and "sources.toml" in message, message


def test_allow_private_addresses_as_a_string_does_not_switch_the_guard_off(tmp_path):
    with pytest.raises(ConfigError, match="allow_private_addresses"):
        load_sources(write(tmp_path, source='allow_private_addresses = "false"\n'))
    assert load_sources(write(tmp_path, source="allow_private_addresses = false\n")).sources[0].allow_private_addresses \
        is False
    assert load_sources(write(tmp_path, source="allow_private_addresses = true\n")).sources[0].allow_private_addresses


@pytest.mark.parametrize("top, line, key", [
    ("", "min_delay_s = -1", "min_delay_s"),
    ("", "min_delay_s = nan", "min_delay_s"),
    ("", "min_delay_s = inf", "min_delay_s"),
    ("", "max_depth = -1", "max_depth"),
    ("", "max_pages = 0", "max_pages"),
    ("max_retry_after_s = -5\n", "", "max_retry_after_s"),
    ("failure_threshold = 1.5\n", "", "failure_threshold"),
    ("failure_threshold = -0.1\n", "", "failure_threshold"),
    ("concurrency = 0\n", "", "concurrency"),
    ("revisit_min_days = 0\n", "", "revisit_min_days"),
    ("revisit_max_days = -1\n", "", "revisit_max_days"),
    ("revisit_min_days = 8\nrevisit_max_days = 4\n", "", "revisit_min_days"),
])
def test_a_value_out_of_range_is_refused_when_read(tmp_path, top, line, key):
    with pytest.raises(ConfigError, match="sources.toml") as err:
        load_sources(write(tmp_path, top=top, source=line + "\n"))
    assert key in str(err.value)


@pytest.mark.parametrize("head, top, key, expected", [
    ("user_agent = 1\n", "", "user_agent", "string"),
    (HEAD, 'max_retry_after_s = "120"\n', "max_retry_after_s", "number"),
    (HEAD, "failure_threshold = true\n", "failure_threshold", "number"),
    (HEAD, "concurrency = 2.5\n", "concurrency", "integer"),
    (HEAD, "robots_sitemaps = false\n", "robots_sitemaps", "robots_sitemaps"),  # a source's key, not the file's
    (HEAD, "user_agnet = 1\n", "user_agnet", "user_agent"),  # an unknown key, and the nearest one
])
def test_top_level_values_are_checked(tmp_path, head, top, key, expected):
    with pytest.raises(ConfigError, match="sources.toml") as err:
        load_sources(write(tmp_path, top=top, head=head))
    assert key in str(err.value) and expected in str(err.value)


@pytest.mark.parametrize("text", ["sources = [1]\n", 'sources = "a"\n', 'sources = [{ name = 1, start_urls = ["http://a.cn/"] }]\n'])
def test_sources_that_are_not_tables_are_refused(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    with pytest.raises(ConfigError, match="sources"):
        load_sources(path)


def test_a_misspelled_source_key_names_the_nearest_one(tmp_path):
    with pytest.raises(ConfigError, match="did you mean 'min_delay_s'"):
        load_sources(write(tmp_path, source="min_delay = 2\n"))


def test_good_values_are_kept(tmp_path):
    spec = load_sources(write(tmp_path, top="max_retry_after_s = 0\nfailure_threshold = 1\n",
                              source="min_delay_s = 0\nmax_depth = 0\nmax_pages = 1\nheaders = { Referer = \"x\" }\n"))
    s = spec.sources[0]
    assert (s.min_delay_s, s.max_depth, s.max_pages, s.headers) == (0.0, 0, 1, (("Referer", "x"),))
    assert (spec.max_retry_after_s, spec.failure_threshold) == (0.0, 1.0)
    assert (spec.concurrency, spec.revisit_min_days, spec.revisit_max_days, s.robots_sitemaps) == (None, None, None, True)
    crawl = spec.crawl_settings(default_settings().crawl)  # not set in the file: the config's [crawl] holds
    assert (crawl.concurrency, crawl.revisit_min_days, crawl.revisit_max_days) == (8, 1.0, 30.0)
    spec = load_sources(write(tmp_path, top="concurrency = 1\nrevisit_min_days = 0.5\nrevisit_max_days = 7\n",
                              source="robots_sitemaps = false\n"))
    assert (spec.concurrency, spec.revisit_min_days, spec.revisit_max_days) == (1, 0.5, 7.0)
    assert spec.sources[0].robots_sitemaps is False


def test_a_sources_value_of_the_wrong_type_exits_2_with_one_line(tmp_path):
    path = write(tmp_path, source='allow_private_addresses = "false"\n')
    proc = run_cli("crawl", "--sources", str(path), "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "allow_private_addresses" in lines[0] and "boolean" in lines[0] and "string" in lines[0]
    assert str(path) in lines[0] and "Traceback" not in proc.stderr
