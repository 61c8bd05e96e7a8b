"""URL identity: tracking parameters, fragments, index pages and http/https map to one article id."""
from __future__ import annotations

import pytest

from pipeline.records import Article
from pipeline.urls import canonical_url, has_tracking, identity_url

BASE = "http://news.cnnb.com.cn/system/2018/03/14/008725196.shtml"


@pytest.mark.parametrize("variant", [
    BASE,
    BASE + "?utm_source=wechat&utm_medium=social&from=timeline&spm=a2c4g.1",
    BASE + "#comments",
    "HTTP://NEWS.cnnb.com.cn:80/system/2018/03/14/008725196.shtml",
    "https://news.cnnb.com.cn/system/2018/03/14/008725196.shtml",
    " " + BASE + "?from=singlemessage&isappinstalled=0 ",
])
def test_variants_share_one_identity(variant):
    assert identity_url(variant) == BASE
    assert Article(location="x", url=canonical_url(variant)).article_id == Article(location="y", url=BASE).article_id


def test_index_pages_and_real_parameters():
    assert canonical_url("http://a.example.cn/news/index.html") == "http://a.example.cn/news/"
    assert canonical_url("http://a.example.cn/show.asp?id=7&spm=1") == "http://a.example.cn/show.asp?id=7"
    assert canonical_url("http://a.example.cn/show.asp?id=7") != canonical_url("http://a.example.cn/show.asp?id=8")


@pytest.mark.parametrize("bad", [None, "", "javascript:void(0)", "mailto:x@y.cn", "ftp://a.cn/x", "file:///etc/passwd"])
def test_non_http_urls_have_no_identity(bad):
    assert canonical_url(bad) is None


def test_article_without_url_is_identified_by_location():
    a = Article(location="jx-news/pinghu.html")
    b = Article(location="jx-news/other.html")
    assert a.article_id != b.article_id and len(a.article_id) == 16


def test_tracking_detection():
    assert has_tracking(BASE + "?utm_source=x") and not has_tracking(BASE)


BAD_URLS = ["http://[::1]:99999/a.html", "http://example.cn:abc/a.html", "http://example.cn:70000/a.html",
            "http://[::1/a.html", "http://[2001:db8::1]:8o80/x.html"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_port_or_ipv6_url_gives_none_not_an_error(url):
    from pipeline.urls import host_of

    assert canonical_url(url) is None and identity_url(url) is None and host_of(url) is None


def test_ipv6_literal_keeps_its_brackets():
    assert canonical_url("http://[2001:DB8::1]:8080/a/index.html?utm_source=x") == "http://[2001:db8::1]:8080/a/"


@pytest.mark.parametrize("url", BAD_URLS[:2])
def test_page_with_a_bad_url_is_kept_without_its_url(url):
    from pipeline.extract.article import extract_article

    text = "宁波市鄞州区举行重大项目集中开工仪式，共有32个项目开工，总投资达186.5亿元。" * 5
    page = f"<html><head><title>开工</title></head><body><h1>开工</h1><p>{text}</p></body></html>"
    article = extract_article(page.encode("utf-8"), url=url, location="x.warc.gz#10")
    assert article.url is None and "bad_url" in article.flags and article.content.startswith("宁波")
    good = extract_article(page.encode("utf-8"), url="http://example.cn/a.html", location="y.html")
    assert good.url == "http://example.cn/a.html" and "bad_url" not in good.flags


def test_a_remembered_canonical_url_or_host_is_the_one_computed_again():
    from pipeline.urls import canonical_url, host_of
    urls = ["HTTP://News.Example.cn:80/yz/a.shtml?utm_source=wx#p2", "http://[::1]:99999/a.html", None, "",
            "https://www.example.cn/news/index.html?spm=a&id=7", "javascript:void(0)", "http://例子.cn/新闻?q=甲"]
    for _ in range(2):  # the second round is answered from memory
        for url in urls:
            assert canonical_url(url) == canonical_url.__wrapped__(url), url
            assert host_of(url) == host_of.__wrapped__(url), url
    assert canonical_url.cache_info().hits >= len(urls) and host_of.cache_info().hits >= len(urls)
