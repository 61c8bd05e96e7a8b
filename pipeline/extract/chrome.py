"""Which lines of a body block are the article: chrome cut even inside the article container.

Chinese news sites put furniture inside the block that holds the article: bylines and 编辑 lines,
原标题, share bars, breadcrumbs, tickers of index values, comment counts, photo captions, copyright
notices, and 相关新闻/推荐阅读/热点 lists after which nothing is the article any more.
:func:`body_paragraphs` keeps the paragraphs and drops the repeats of a body printed twice.
"""
from __future__ import annotations

import re

from pipeline.extract.body import no_space
from pipeline.extract.bylines import BYLINE_LINE
from pipeline.extract.dates import is_date_line

CHROME_WORDS = (
    "分享到", "分享至", r"分享\s*[:：]", "打印", "关闭", "关闭窗口", "打印本页", "收藏", "字号", "字体", "返回顶部", "返回首页",
    "责任编辑", "责编", r"编辑\s*[:：]", r"原标题\s*[:：]", r"稿源\s*[:：]", r"来源\s*[:：]", "信息来源", "报料热线", "新闻热线",
    "版权所有", "版权声明", "Copyright", "©", "扫一扫", "扫描二维码", "上一篇", "下一篇", "上一页", "下一页", "【专题】", "专题[:：]",
    "浏览次数", "点击数", "发布时间", "发布日期", r"作者\s*[:：]", "相关附件", "附件[:：]", "网站地图", "联系我们", "免责声明", "举报",
    "当前位置", "您的位置", "您现在的位置", "所在位置", "我要评论", "发表评论", "网友评论", "查看评论", "参与评论", r"评论\s*[(（]?\d",
)
CHROME_LINE = re.compile(r"^(?:[【\[(（]?\s*)(?:" + "|".join(CHROME_WORDS) + ")", re.I)
# A heading after which the rest of the block is not the article.
STOP_LINE = re.compile(
    r"^[【\[]?\s*(?:相关(?:新闻|阅读|链接|报道|文章|推荐)|延伸阅读|热点推荐|推荐阅读|热门排行|猜你喜欢|更多新闻|"
    r"精彩推荐|编辑推荐|今日推荐|新闻排行|往期回顾|热点新闻|热门文章|热门推荐)"
)
# A heading that is only one of these words ends the article too: 热点, 热门, 推荐, 排行.
STOP_WORD_LINE = re.compile(r"^[【\[]?\s*(?:热点|热门|推荐|排行|热读|热评|相关|精选)\s*[】\]]?\s*(?:[:：>》]|更多.{0,3})?$")
# Other chrome lines, wherever they sit: a breadcrumb (首页 > 经济 > 正文), a share bar, a ticker
# of index values, a comment count, a copyright notice.
BREADCRUMB_LINE = re.compile(r"^[^。，,；;]{0,12}(?:首页|主页|正文)[^。，,；;]{0,50}$")
CRUMB_SEPARATORS = re.compile(r"\s*(?:>|＞|»|›|→|>>)\s*")
SHARE_LINE = re.compile(r"^(?:(?:微信|微博|新浪微博|腾讯微博|QQ空间|QQ好友|QQ|朋友圈|人民微博|豆瓣|复制链接|更多)[\s|｜,，]*){2,}$")
TICKER_LINE = re.compile(r"^(?:[^\d\s。，]{2,10}\s*[\d,]+\.\d+\s*[+\-−▲▼↑↓]?\s*\d+(?:\.\d+)?%?\s*)+$")
COMMENT_COUNT = re.compile(r"^(?:已有|共有|共)?\s*[\d,]+\s*(?:条评论|条留言|人参与|人评论|人已评论|条跟帖|跟帖)")
# A photo caption: 图为…, ▲…, or a short line that ends with the photo's credit.
CAPTION_LINE = re.compile(
    r"^(?:图为|▲|↑|△)|[（(](?:(?:图片|照片|图)(?:由|来源|来自)[^）)]{1,24}|资料图片?|[^）)]{0,12}(?:摄|供图)|(?:图|摄影)[/／:：][^）)]{1,12})[)）]$"
)
COPYRIGHT_LINE = re.compile(r"(?:未经.{0,6}(?:授权|许可|同意).{0,10}(?:转载|使用|复制)|转载请注明|All Rights Reserved|ICP备|ICP证)", re.I)
INFO_LINE = re.compile(r"(?:来源|稿源|作者|编辑|发布|时间|浏览|点击)\s*[:：]")
DATE_IN_LINE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}")


# Every line of a body block is tried against these patterns, most of which can match only a line
# that starts with one of a few characters (after a bracket and white space): a test of the first
# character comes first.  CHROME_LINE ignores case: both cases of a Latin first letter.
_CHROME_STARTS = frozenset(c for word in CHROME_WORDS for c in (word[0].lower(), word[0].upper()))
_STOP_STARTS = frozenset("相延热推猜更精编今新往排")  # STOP_LINE and STOP_WORD_LINE
_SHARE_STARTS = frozenset("微新腾Q朋人豆复更")  # SHARE_LINE


def _may_start(text: str, starts: frozenset, brackets: str) -> bool:
    """Whether ``text``, after white space or one of ``brackets`` and white space, starts with one
    of ``starts`` (what ``^[brackets]?\\s*(?:word|...)`` needs)."""
    return text.lstrip()[:1] in starts or (text[:1] in brackets and text[1:].lstrip()[:1] in starts)


def body_paragraphs(lines: list[tuple[str, float]], title: str | None = None) -> tuple[list[str], bool]:
    """Keep the article paragraphs among a body block's lines; say whether repeats were dropped.

    ``lines`` are cleaned (:func:`pipeline.extract.pagetext.clean_text`), as ``PageText.lines``
    gives them: their only white space is single spaces.
    """
    kept: list[str] = []
    seen: set[str] = set()
    repeated = False
    norm_title = no_space(title) if title else None
    for text, link_share in lines:
        if _may_start(text, _STOP_STARTS, "【[") and (
                (STOP_LINE.match(text) and len(text) < 40) or STOP_WORD_LINE.match(text)):
            break
        if link_share > 0.5:
            continue
        if (_may_start(text, _CHROME_STARTS, "【[(（") and CHROME_LINE.match(text)) or is_chrome_line(text):
            continue
        norm = text.replace(" ", "")
        if not norm:
            continue
        if norm_title and (norm == norm_title or (len(text) < 80 and norm_title.startswith(norm) and len(norm) > 6)):
            continue
        if len(text) < 100 and ("：" in text or ":" in text) and INFO_LINE.search(text) and DATE_IN_LINE.search(text):
            continue
        if len(text) < 60 and BYLINE_LINE.match(text):
            continue
        if is_date_line(text):
            continue
        if norm in seen and len(norm) >= 8:
            repeated = True
            continue
        seen.add(norm)
        kept.append(text)
    return kept, repeated


def is_chrome_line(text: str) -> bool:
    """Whether a body-block line is page furniture: breadcrumb, share bar, ticker, comment count,
    copyright notice.

    >>> [is_chrome_line(t) for t in ("首页 > 财经 > 正文", "微信 微博 QQ空间", "上证指数 3245.12 +0.85%",
    ...                               "已有 23 条评论", "未经授权不得转载", "全市生产总值3245.12亿元，增长5%。")]
    [True, True, True, True, True, False]
    >>> [is_chrome_line(t) for t in ("新厂房投产现场。（图片由县委宣传部提供）", "图为园区全景", "（记者 王博 摄）",
    ...                               "全年完成投资12亿元（不含土地费用）")]
    [True, True, True, False]
    """
    if len(text) > 120:
        return False
    # Every line of the body block comes here: a cheap test of characters before each pattern.
    if (">" in text or "＞" in text or "»" in text or "›" in text or "→" in text) and BREADCRUMB_LINE.match(
            text) and len(CRUMB_SEPARATORS.findall(text)) >= 2:
        return True
    if len(text) <= 80 and (text[-1] in "）)" or text[0] in "图▲↑△") and CAPTION_LINE.search(text):
        return True
    if ("转载" in text or "ICP" in text or "ights" in text) and COPYRIGHT_LINE.search(text):
        return True
    if text[0] in _SHARE_STARTS and SHARE_LINE.match(text):
        return True
    if "." in text and TICKER_LINE.match(text):
        return True
    # COMMENT_COUNT: 已有/共有/共, or white space or a digit first
    return (text[0] in "已共," or text[0].isdecimal() or text[0].isspace()) and COMMENT_COUNT.match(text) is not None
