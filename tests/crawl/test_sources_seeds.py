"""The URLs and names of a sources file are checked before anything is fetched (issue 14, point
14 and 16 in part): a bad port, a broken or private IP literal, an interface zone, a negative
delay and two sources of the same name are one clear line naming the file, the source, the key
and the URL, and exit 2, never a traceback or a crawl that fetches nothing and exits 0."""
from __future__ import annotations

import pytest

from pipeline.crawl.sources import load_sources
from pipeline.errors import ConfigError
from tests.conftest import run_cli

HEAD = 'user_agent = "newsfacts-test/1.0"\n'


def write(tmp_path, body: str):
    path = tmp_path / "sources.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def one_source(key: str, url: str, extra: str = "") -> str:
    seed = "" if key == "start_urls" else 'start_urls = ["http://news.example.cn/list/"]\n'
    return f'[[sources]]\nname = "a"\n{seed}{key} = ["{url}"]\n{extra}'


# (url, words the message must hold besides the file, the source, the key and the URL)
BAD_URLS = [
    ("http://example.cn:99999/", ["port 99999", "1 to 65535"]),
    ("http://example.cn:0/", ["port 0", "1 to 65535"]),
    ("http://example.cn:abc/", ["port", "abc"]),
    ("http://[::1/", ["not a valid URL"]),
    ("http://[::1]:80/", ["loopback", "allow_private_addresses"]),
    ("http://[fe80::1%eth0]/", ["zone", "%eth0"]),
    ("http://127.0.0.1:8080/", ["loopback", "allow_private_addresses"]),
    ("http://10.1.2.3/", ["private", "allow_private_addresses"]),
    ("http://localhost:8080/", ["loopback", "allow_private_addresses"]),
]


@pytest.mark.parametrize("key", ["start_urls", "feeds", "sitemaps"])
@pytest.mark.parametrize("url, words", BAD_URLS, ids=[u for u, _ in BAD_URLS])
def test_a_bad_entry_url_is_named_with_what_is_wrong(tmp_path, key, url, words):
    path = write(tmp_path, one_source(key, url))
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    message = str(err.value)
    for word in [str(path), "source 'a'", key, url, *words]:
        assert word in message, (word, message)
    assert "not http(s)" not in message  # what the message said before: true of none of these


@pytest.mark.parametrize("url", ["http://[::1]:80/", "http://127.0.0.1:8080/", "http://localhost:8080/"])
def test_a_private_entry_url_is_kept_when_private_addresses_are_allowed(tmp_path, url):
    spec = load_sources(write(tmp_path, one_source("start_urls", url, "allow_private_addresses = true\n")))
    assert spec.sources[0].start_urls == (url,)


def test_an_interface_zone_is_refused_even_when_private_addresses_are_allowed(tmp_path):
    # the fetcher connects to the checked address without its zone, so fe80::1%eth0 could never work
    with pytest.raises(ConfigError, match="zone"):
        load_sources(write(tmp_path, one_source("start_urls", "http://[fe80::1%eth0]/",
                                                "allow_private_addresses = true\n")))


@pytest.mark.parametrize("entry, words", [
    ("[::1]:99999", ["port 99999", "1 to 65535"]),
    ("news.example.cn:0", ["port 0", "1 to 65535"]),
    ("news.example.cn:http", ["port", "'http'"]),
    ("[::1", ["not a host"]),
])
def test_a_bad_allowed_host_is_named(tmp_path, entry, words):
    path = write(tmp_path, one_source("start_urls", "http://news.example.cn/", f'allowed_hosts = ["{entry}"]\n'))
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    message = str(err.value)
    for word in [str(path), "source 'a'", "allowed_hosts", entry, *words]:
        assert word in message, (word, message)


def test_an_ipv6_allowed_host_in_brackets_without_port_allows_that_host(tmp_path):
    spec = load_sources(write(tmp_path, one_source("start_urls", "http://[::1]:8080/",
                                                   'allowed_hosts = ["[::1]"]\nallow_private_addresses = true\n')))
    assert spec.sources[0].host_allowed("http://[::1]:8080/a.html")
    assert not spec.sources[0].host_allowed("http://[::2]:8080/a.html")


# loopback seeds on a port nobody listens on: even a crawl that went ahead would stay on this machine
DUPLICATES = "".join(f'[[sources]]\nname = "{name}"\nstart_urls = ["http://127.0.0.1:9/{n}/"]\n'
                     "allow_private_addresses = true\n" for n, name in enumerate(["xinhua", "people", " xinhua"]))


def test_two_sources_of_the_same_name_are_refused_naming_both(tmp_path):
    path = write(tmp_path, DUPLICATES)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    message = str(err.value)
    assert str(path) in message and "xinhua" in message
    assert "sources 1 and 3" in message, message  # both entries, as they are counted in the file
    assert "rename" in message


@pytest.mark.parametrize("body, words", [
    (one_source("start_urls", "http://example.cn:99999/"), ["start_urls", "port 99999"]),
    (one_source("start_urls", "http://[::1]:80/"), ["start_urls", "allow_private_addresses"]),
    (one_source("sitemaps", "http://[fe80::1%eth0]/"), ["sitemaps", "zone"]),
    (one_source("start_urls", "http://news.example.cn/", "min_delay_s = -1\n"), ["min_delay_s", "at least 0"]),
    (DUPLICATES, ["sources 1 and 3", "xinhua"]),
], ids=["port", "loopback", "zone", "negative-delay", "duplicate-name"])
def test_the_command_line_says_it_in_one_line_and_exits_2(tmp_path, body, words):
    path = write(tmp_path, body)
    proc = run_cli("crawl", "--sources", str(path), "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert str(path) in lines[0] and all(w in lines[0] for w in words), lines[0]
    assert not (tmp_path / "state").exists()  # refused before the state folder is touched
