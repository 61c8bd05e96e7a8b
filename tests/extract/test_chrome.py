"""Chrome inside the article container is cut from the body, and no fact comes from it."""
from __future__ import annotations

from pipeline.extract.article import extract_article
from pipeline.page import process_page
from pipeline.records import RawPage

PARAS = [
    "（记者 周立 通讯员 陈可）记者昨天从市发改委获悉，总投资45亿元的滨江新材料产业园项目正式开工建设。",
    "项目由某某新材料股份有限公司投资建设，建成后可年产高性能薄膜8万吨，预计年产值60亿元。",
    "今年前三季度，全市规上工业增加值增长9.6%，高新技术产业投资增长18.3%。",
]
CHROME = {
    "breadcrumb": "<div class=crumb>当前位置：首页 &gt; 经济 &gt; 正文</div>",
    "crumb_plain": "<div>首页 &gt; 财经频道 &gt; 产经新闻 &gt; 正文</div>",
    "share": "<div class=share>分享到： 微信 微博 QQ空间</div><div>微信 微博 QQ空间 复制链接</div>",
    "ticker": "<div class=ticker>上证指数 3245.12 +0.85% 深证成指 10432.55 -1.27% 恒生指数 18230.40 +2.10%</div>",
    "comments": "<div>已有 23 条评论</div><div>评论(23)</div><div>1,208人参与</div><div>我要评论</div>",
    "editor": "<p>责任编辑：李想 王芳</p>",
    "copyright": "<p>版权声明：本网站所刊登的新闻，未经授权不得转载。</p><p>Copyright © 2003-2022 某某网 All Rights Reserved</p>",
    "recommended": ("<div class=tj><h3>推荐阅读</h3><ul><li>某某股份股价涨5.2%，投资10亿元建新厂</li>"
                    "<li>三季度全省进出口增长12.7%</li></ul></div>"),
    "hot": "<div><b>热点</b></div><ul><li>总投资88亿元的港口项目签约</li><li>房价环比上涨0.4%</li></ul>",
}


def page(before: str, after: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    return (f'<html><head><meta charset="utf-8"><title>滨江新材料产业园项目开工 | 某某财经</title></head><body>'
            f'<div class=nav><a href="/">首页</a> <a href="/cj/">财经</a></div>'
            f'<div class=article>{before}<h1>滨江新材料产业园项目开工</h1>'
            f'<div class=info>2022-09-30 10:20 来源：某某日报</div>{paras}{after}</div></body></html>')


def test_chrome_in_the_container_is_not_body():
    before = CHROME["breadcrumb"] + CHROME["crumb_plain"] + CHROME["share"] + CHROME["ticker"]
    after = "".join(CHROME[k] for k in ("comments", "editor", "copyright", "recommended", "hot"))
    a = extract_article(page(before, after))
    assert a.content.split("\n") == PARAS
    assert a.editor == "李想 王芳" and a.source_name == "某某日报" and a.authors == ("周立", "陈可")


def test_each_kind_of_chrome_alone_after_the_body():
    for name, html in CHROME.items():
        a = extract_article(page("", html))
        assert a.content.split("\n") == PARAS, name


def test_no_fact_comes_from_chrome():
    html = page(CHROME["ticker"] + CHROME["crumb_plain"], "".join(CHROME[k] for k in ("comments", "recommended", "hot")))
    result = process_page(RawPage(location="chrome.html", body=html.encode("utf-8")))
    evidence = " ".join(f.sentence for f in result.facts)
    for figure in ("3245.12", "0.85%", "5.2%", "10亿元", "12.7%", "88亿元", "0.4%", "23"):
        assert figure not in evidence
    values = sorted(f.raw_text for f in result.facts)
    assert values and all(any(v in p for p in PARAS) for v in values)
