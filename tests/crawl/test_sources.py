"""The sources file: a source's host check is the fetcher's (one allow-list rule)."""
from __future__ import annotations

import pytest

from pipeline.crawl.netguard import host_allowed
from pipeline.crawl.sources import load_sources
from pipeline.errors import ConfigError


def source(tmp_path, allowed: list[str] | None = None):
    hosts = f"allowed_hosts = {allowed!r}\n" if allowed is not None else ""
    path = tmp_path / "sources.toml"
    path.write_text('user_agent = "newsfacts-test/1.0"\n[[sources]]\nname = "a"\n'
                    f'start_urls = ["http://news.example.cn:8080/list/"]\n{hosts}'.replace("'", '"'), encoding="utf-8")
    return load_sources(path).sources[0]


@pytest.mark.parametrize("url, host, port", [
    ("http://news.example.cn:8080/a.html", "news.example.cn", 8080),
    ("http://News.Example.cn.:8080/a.html", "news.example.cn.", 8080),  # trailing dot: the same host
    ("http://news.example.cn/a.html", "news.example.cn", 80),
    ("http://[::1]:8080/a.html", "::1", 8080),
    ("https://other.example.cn/a.html", "other.example.cn", 443),
])
@pytest.mark.parametrize("allowed", [None, ["news.example.cn"], ["news.example.cn:80"], ["[::1]:8080"], []])
def test_source_and_fetcher_agree_on_allowed_hosts(tmp_path, url, host, port, allowed):
    s = source(tmp_path, allowed)
    assert s.host_allowed(url) == host_allowed(host, port, s.allowed_hosts)


def test_allowed_hosts_default_to_the_hosts_of_the_entry_points(tmp_path):
    s = source(tmp_path)
    assert s.allowed_hosts == frozenset({"news.example.cn:8080"})
    assert s.host_allowed("http://news.example.cn:8080/x.html") and not s.host_allowed("http://news.example.cn/x.html")


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('user_agent = "x/1"\n[[sources]]\nname = "a"\nstart_urls = ["http://a.cn/"]\nmax_dept = 3\n')
    with pytest.raises(ConfigError, match="max_dept"):
        load_sources(path)
