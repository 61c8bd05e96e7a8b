"""Wrap the reference article text of ../shared/seed into a GBK page like the one it came from.

The seed is text copied from a 中国宁波网 page: breadcrumb, headline, 稿源 line with
a hotline, a 【专题】 link, body paragraphs, 原标题 and 编辑 lines, and the whole
article printed a second time.  We rebuild that page as HTML (a 2017 cnnb-like
layout with navigation, share bar, related news and footer), encoded as GBK and
declared gb2312, as the live page was served.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"
SEED_TEXT = SEED_DIR / "000_6d79ad1a25ab659d.txt"
SEED_GOLD = SEED_DIR / "gold.jsonl"
SEED_URL = "http://news.cnnb.com.cn/system/2017/05/15/008634125.shtml"


def seed_available() -> bool:
    return SEED_TEXT.exists() and SEED_GOLD.exists()


def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0])


def _copy_html(lines: list[str]) -> str:
    """One printed copy of the article: headline, 稿源 line, body, 原标题, 编辑."""
    out = []
    for line in lines:
        esc = html.escape(line.strip())
        if line.startswith("您当前的位置"):
            continue
        if line.startswith("稿源"):
            out.append(f'<div class="info">{esc}</div>')
        elif line.startswith("【专题】"):
            out.append(f'<div class="zt"><a href="http://special.cnnb.com.cn/dajiaoban/">{esc}</a></div>')
        elif line.startswith("原标题") or line.startswith("编辑"):
            out.append(f"<p>{esc}</p>")
        elif line.startswith("\u3000") or line.startswith("  "):
            out.append(f"<p>\u3000\u3000{esc}</p>")
        else:
            out.append(f"<h1>{esc}</h1>")
    return "\n".join(out)


def seed_html() -> str:
    raw = SEED_TEXT.read_text(encoding="utf-8")
    lines = [line for line in raw.splitlines() if line.strip()]
    title = lines[1].strip()
    # the second copy starts where the headline is printed again
    second = next(i for i in range(2, len(lines)) if lines[i].strip() == title)
    first_copy, second_copy = lines[1:second], lines[second:]
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{html.escape(title)}_宁波新闻_中国宁波网</title>
<meta name="keywords" content="鄞州,七联七促" />
<script type="text/javascript">var pageId = "008634125"; document.write('<p>广告</p>');</script>
<style>.info{{color:#666}}</style>
</head><body>
<div id="top"><a href="http://www.cnnb.com.cn/">中国宁波网首页</a> | <a href="http://news.cnnb.com.cn/">新闻</a> |
<a href="http://biz.cnnb.com.cn/">财经</a> | <a href="http://house.cnnb.com.cn/">房产</a> | <a href="http://auto.cnnb.com.cn/">汽车</a></div>
<div class="crumb">您当前的位置 : <a href="http://www.cnnb.com.cn/">中国宁波网</a>  &gt;  <a href="http://news.cnnb.com.cn/">新闻中心专题</a>  &gt;  <a href="#">专题稿件</a></div>
<div class="main">
<div class="article">
{_copy_html(first_copy)}
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
</div>
<div class="print-version">
{_copy_html(second_copy)}
</div>
<div class="related"><h3>相关新闻</h3><ul>
<li><a href="/system/2017/05/14/1.shtml">鄞州一季度工业投资增长20.3% 领跑全市</a></li>
<li><a href="/system/2017/05/13/2.shtml">“大脚板走一线”专项行动全面启动</a></li>
<li><a href="/system/2017/05/12/3.shtml">奥克斯智能空调项目加快建设 年产700万套</a></li>
</ul></div>
</div>
<div id="footer">中国宁波网版权所有 浙ICP备05015178号 浙公网安备 33020302000128号<br/>新闻热线：0574-81850000</div>
</body></html>
"""


def seed_page_bytes() -> bytes:
    """The page as served: GBK bytes under a gb2312 declaration."""
    return seed_html().encode("gbk")
