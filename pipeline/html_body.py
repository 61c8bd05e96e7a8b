"""Find the article body in a parsed page and turn it into clean paragraphs.

Generic, with no per-site rules: every run of paragraph text votes for the
block that holds it (a ``<div>`` of ``<p>``, or a 2005-style ``<td>`` of
``<br>``-separated lines), links and short fragments do not vote, and the
block with the most votes is the body.  Its lines are then cleaned of the
chrome that sits inside body blocks on Chinese news sites (bylines lines,
编辑/原标题 lines, share bars, 相关新闻 lists) and of repeated paragraphs.
"""
from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree
from lxml import html as lxml_html

# Block-level tags: text on either side of them is on separate lines.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
# Never text of the article.
DROP_TAGS = frozenset("script style noscript iframe form select option textarea button svg object embed head".split())
# Blocks whose text votes for the block around them (a <p> votes for its <div>).
CLIMB_TAGS = frozenset("p font span b strong h4 h5 h6 center".split())
HAN_RE = re.compile(r"[\u3400-\u9fff]")
WS_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")

CHROME_LINE = re.compile(
    r"^(?:[【\[(（]?\s*)(?:分享到|分享至|打印|关闭|关闭窗口|打印本页|收藏|字号|字体|返回顶部|返回首页|"
    r"责任编辑|责编|编辑\s*[:：]|原标题\s*[:：]|稿源\s*[:：]|来源\s*[:：]|信息来源|报料热线|新闻热线|"
    r"版权所有|Copyright|©|扫一扫|扫描二维码|上一篇|下一篇|上一页|下一页|【专题】|专题[:：]|浏览次数|点击数|"
    r"发布时间|发布日期|作者\s*[:：]|相关附件|附件[:：]|网站地图|联系我们|免责声明|举报)",
    re.I,
)
# A heading after which the rest of the block is not the article.
STOP_LINE = re.compile(r"^[【\[]?\s*(?:相关(?:新闻|阅读|链接|报道|文章|推荐)|延伸阅读|热点推荐|推荐阅读|热门排行|猜你喜欢|更多新闻)")
INFO_LINE = re.compile(r"(?:来源|稿源|作者|编辑|发布|时间|浏览|点击)\s*[:：]")
DATE_IN_LINE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}")
BYLINE_ONLY = re.compile(
    r"^[（(]?\s*(?:(?:本报|特约|见习|实习|首席|全媒体)?记者|通讯员|实习生|文|图|摄影|作者)[\s:：/／]*"
    r"[\u3400-\u9fff·\s/／、,，:：记者通讯员实习生摄影]{1,40}[)）]?$"
)


def clean_text(text: str) -> str:
    """Collapse whitespace (including full-width and no-break spaces) and trim.

    >>> clean_text("\\u3000\\u3000联镇村促发展，\\n 联企业促增长\\xa0")
    '联镇村促发展， 联企业促增长'
    """
    return WS_RE.sub(" ", text).strip()


def parse_html(text: str):
    """lxml document for a decoded page (never bytes: the codec is chosen before)."""
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        text = "<html></html>"
    doc = lxml_html.document_fromstring(text)
    # drop_tree keeps the tail text, so text after a comment survives.
    for el in list(doc.iter(etree.Comment, etree.ProcessingInstruction)):
        if el.getparent() is not None:
            el.drop_tree()
    return doc


def strip_tags(doc) -> None:
    """Remove elements that are never article text (scripts, forms, hidden blocks)."""
    for el in list(doc.iter(*DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(doc.xpath("//*[@hidden or contains(translate(@style,' ',''),'display:none')]")):
        if el.getparent() is not None:
            el.drop_tree()


def _tag(el) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def score_holders(doc) -> dict:
    """Votes per holder element: paragraph text length, with links and fragments not counted.

    One walk over the tree: every piece of text belongs to its nearest block element (inline
    tags such as <a>, <span>, <font> pass their text up), text inside <a> counts as link text.
    """
    pieces: dict = defaultdict(list)
    link: dict = defaultdict(int)
    stack: list = []
    in_link = 0
    for event, node in etree.iterwalk(doc, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                stack.append(node)
            elif tag == "a":
                in_link += 1
            if tag and node.text and stack:
                pieces[stack[-1]].append(node.text)
                if in_link:
                    link[stack[-1]] += len(node.text)
            continue
        if tag in BLOCK_TAGS:
            stack.pop()
        elif tag == "a":
            in_link -= 1
        if node.tail and stack and node is not doc:
            pieces[stack[-1]].append(node.tail)
            if in_link:
                link[stack[-1]] += len(node.tail)
    scores: dict = defaultdict(float)
    for unit, parts in pieces.items():
        text = clean_text("".join(parts))
        han = len(HAN_RE.findall(text))
        if han < 10 or link[unit] > 0.5 * len(text):
            continue
        # A <p>'s text votes for the block that holds it; text directly in a div/td votes for it.
        holder = unit
        while _tag(holder) in CLIMB_TAGS and holder.getparent() is not None:
            holder = holder.getparent()
        punctuation = text.count("，") + text.count("。") + text.count(",")
        scores[holder] += han + 3 * punctuation
    return scores


def find_body(doc):
    """The element holding the article body, or None when the page has no paragraph text.

    The block with the most paragraph votes wins.  When that block holds a single paragraph and
    its siblings hold others (a CMS that puts every paragraph in its own <div>), the parent
    holding them all is the body.
    """
    scores = score_holders(doc)
    if not scores:
        return None
    best = max(scores.items(), key=lambda kv: kv[1])[0]
    for _ in range(3):
        parent = best.getparent()
        if parent is None or len([t for t, _ in block_lines(best) if len(t) >= 10]) > 1:
            break
        voting_children = [ch for ch in parent if scores.get(ch, 0) > 0]
        if len(voting_children) < 2:
            break
        best = parent
    return best


def block_lines(el) -> list[tuple[str, float]]:
    """Lines of text in ``el`` split at block tags and <br>, with the share of link text in each."""
    lines: list[tuple[str, float]] = []
    buf: list[str] = []
    link_chars = 0
    in_link = 0

    def flush() -> None:
        nonlocal buf, link_chars
        text = clean_text("".join(buf))
        if text:
            lines.append((text, min(1.0, link_chars / max(1, len(text)))))
        buf = []
        link_chars = 0

    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if tag == "a":
                in_link += 1
            if tag and node.text:
                buf.append(node.text)
                if in_link:
                    link_chars += len(clean_text(node.text))
            continue
        if tag in BLOCK_TAGS:
            flush()
        if tag == "a":
            in_link -= 1
        if node.tail and node is not el:  # the tail is text of the parent, after this element
            buf.append(node.tail)
            if in_link:
                link_chars += len(clean_text(node.tail))
    flush()
    return lines


def body_paragraphs(lines: list[tuple[str, float]], title: str | None = None) -> tuple[list[str], bool]:
    """Keep the article paragraphs among a body block's lines; say whether repeats were dropped."""
    kept: list[str] = []
    seen: set[str] = set()
    repeated = False
    norm_title = _norm(title) if title else None
    for text, link_share in lines:
        if STOP_LINE.match(text) and len(text) < 40:
            break
        if link_share > 0.5:
            continue
        if CHROME_LINE.match(text):
            continue
        norm = _norm(text)
        if not norm:
            continue
        if norm_title and (norm == norm_title or (len(text) < 80 and norm_title.startswith(norm) and len(norm) > 6)):
            continue
        if len(text) < 100 and INFO_LINE.search(text) and DATE_IN_LINE.search(text):
            continue
        if len(text) < 60 and BYLINE_ONLY.match(text):
            continue
        if norm in seen and len(norm) >= 8:
            repeated = True
            continue
        seen.add(norm)
        kept.append(text)
    return kept, repeated


def _norm(text: str) -> str:
    return WS_RE.sub("", text)
