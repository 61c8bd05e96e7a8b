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
