"""A benchmark corpus of realistic size, built from the 42 bundled pages.

Every generated page is one of the bundled pages used as a *template*: its article body is
replaced by a new body and its page chrome is padded until the page weighs about 100 KB, as real
portal pages do (navigation menus, related-news lists, inline scripts and styles, footers).

* Bodies: the paragraphs of the bundled bodies (extracted once with the project's own
  ``pipeline.extract_article``) are pooled by source article.  A page picks source articles at
  random (at least 2-3; the bundled bodies are only ~400-750 characters, so usually 3-6 are
  needed to reach the target), keeps each paragraph with probability 0.8 and re-draws every
  number that is not a year, until the body has a random target length of 1,500-3,000 characters.
* Encoding: the page is written in its template's encoding (GBK/GB18030 or UTF-8 as the
  bundled page was decoded); characters the codec lacks become numeric character references.
* URLs: each page gets its own URL on its template's host (the ``saved from url`` comment and
  any canonical link are rewritten), so pages are not URL duplicates of one another.
* Duplicates: about 5% of the pages are exact copies of an earlier page under another URL
  (same text, other address) and about 5% are near copies: the same body with a different lead
  paragraph, republished on another template, as syndicated stories are.

Everything comes from ``random.Random(seed)``, so a given ``n`` and seed give the same files.
"""
from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

SAMPLES = Path(__file__).resolve().parent.parent / "corpora" / "samples"

PAGE_BYTES = (85_000, 115_000)  # target size of a page, bytes
BODY_CHARS = (1_500, 3_000)  # target length of a body, characters
EXACT_SHARE = 0.05
NEAR_SHARE = 0.05

YEAR_RE = re.compile(r"(?:19|20)\d\d(?=年)")
NUMBER_RE = re.compile(r"\d+")


# --- sources: templates and body paragraphs ------------------------------------------------------
@dataclass
class Template:
    location: str
    encoding: str
    before: str  # HTML up to the first body paragraph's text
    sep: str  # HTML between two paragraphs' texts
    after: str  # HTML after the last paragraph's text
    urls: tuple[str, ...]  # spellings of the page's URL found in the HTML
    host: str | None
    title: str | None


@dataclass
class Source:
    location: str
    title: str
    paragraphs: list[str]


@dataclass
class Sources:
    templates: list[Template]
    bodies: list[Source]
    dropped: list[str] = field(default_factory=list)  # templates that could not be used, and why


def _locate(text: str, paragraphs: list[str]) -> list[tuple[int, int]] | None:
    """(start, end) in ``text`` of each paragraph, found by short anchors at both ends."""
    body_tag = re.search(r"<body[^>]*>", text, re.I)  # not the copy of the lead in <meta description>
    spans, pos = [], body_tag.end() if body_tag else 0
    for para in paragraphs:
        head, tail = para[:6], para[-6:]
        start = text.find(html.escape(head, quote=False), pos)
        if start < 0:
            start = text.find(head, pos)
        if start < 0:
            return None
        end = text.find(tail, start + max(0, len(para) - 40))
        if end < 0:
            end = text.find(tail, start)
        if end < 0:
            return None
        spans.append((start, end + len(tail)))
        pos = end + len(tail)
    return spans


def load_sources(samples: Path = SAMPLES) -> Sources:
    """Read the bundled pages once: templates with their body slot, and the bodies' paragraphs."""
    from collections import Counter

    from pipeline.config import default_settings
    from pipeline.errors import Skip
    from pipeline.extract.article import extract_article
    from pipeline.extract.decode import decode_html
    from pipeline.read.files import iter_raw_pages
    from pipeline.store.minhash import shingles

    templates, bodies, dropped = [], [], []
    seen_shingles: list[set] = []
    for raw in iter_raw_pages([str(samples)], default_settings().input.max_page_bytes):
        if isinstance(raw, Skip) or not hasattr(raw, "body"):
            continue
        try:
            art = extract_article(raw.body, raw.url, location=raw.location)
        except Skip as skip:
            dropped.append(f"{raw.location}: {skip.reason}")
            continue
        paragraphs = [p for p in art.content.split("\n") if p.strip()]
        # bodies: one per distinct story (the corpus has syndicated near-copies; keep one of each)
        sh = shingles(art.content, default_settings().dedupe.shingle_size)
        if all(len(sh & other) / max(1, len(sh | other)) < 0.3 for other in seen_shingles):
            seen_shingles.append(sh)
            bodies.append(Source(raw.location, art.title or "", paragraphs))
        # template: the HTML around the body paragraphs
        text = decode_html(raw.body, raw.content_type, raw.location).text
        spans = _locate(text, paragraphs) if len(paragraphs) >= 2 else None
        if not spans:
            dropped.append(f"{raw.location}: body paragraphs not found verbatim in the HTML")
            continue
        seps = Counter(text[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1))
        sep = seps.most_common(1)[0][0]
        if len(sep) > 200 or "<" not in sep:
            dropped.append(f"{raw.location}: no simple paragraph separator")
            continue
        urls = tuple(u for u in dict.fromkeys([raw.url, art.url]) if u and u in text)
        host = urlsplit(art.url or raw.url or "").netloc or None
        templates.append(Template(raw.location, art.encoding or "utf-8", text[: spans[0][0]], sep,
                                  text[spans[-1][1] :], urls, host, art.title))
    return Sources(templates, bodies, dropped)


# --- page chrome (the padding) -------------------------------------------------------------------
CHANNELS = ("新闻", "要闻", "本地", "国内", "国际", "财经", "区县", "政务", "民生", "教育", "健康", "文化", "体育", "房产",
            "汽车", "旅游", "视频", "图片", "专题", "评论", "科技", "农业", "法治", "党建", "招商", "人事", "公示", "数据")
PLACES = ("宁波", "杭州", "嘉兴", "湖州", "绍兴", "台州", "鄞州", "北仑", "镇海", "慈溪", "余姚", "奉化", "象山", "宁海",
          "萧山", "余杭", "海宁", "平湖", "桐乡", "长兴", "德清", "安吉", "温岭", "临海", "诸暨", "上虞", "江北", "海曙")
TOPICS = ("重点项目集中开工", "工业投资增长", "招商引资签约", "财政总收入", "外贸进出口", "GDP增长", "规上工业增加值",
          "固定资产投资", "消费品零售总额", "数字经济核心产业", "新材料产业园", "智能制造基地", "港口集装箱吞吐量",
          "城乡居民收入", "美丽乡村建设", "营商环境改革", "人才引进政策", "民营经济发展", "亩均效益评价", "科创平台建设")
VERBS = ("实现", "突破", "完成", "达到", "超过", "同比增长", "签约", "总投资", "计划投资", "新增")
UNITS = ("亿元", "万元", "%", "个", "万吨", "万套", "万平方米", "家", "万人次")
CSS_PROPS = ("color:#{c}", "font-size:{n}px", "margin:0 {n}px", "padding:{n}px 0", "line-height:{n}px", "width:{w}px",
             "height:{n}px", "background:#{c} url(/images/bg_{n}.png) no-repeat", "border-bottom:1px solid #{c}",
             "float:left", "overflow:hidden", "text-align:center", "display:inline-block", "position:relative")
JS_BITS = (
    'function {f}(a,b){{var c=document.getElementById("{id}");if(!c)return;c.className=a?"on":"";'
    'for(var i=0;i<{n};i++){{var d=document.getElementById("{id}_"+i);if(d)d.style.display=(i==b)?"block":"none";}}}}',
    'var {f}={{"site":"{place}","channel":"{chan}","ver":"{n}.{w}","ads":[{{"id":{n},"pos":"right_{w}",'
    '"src":"//static.example.cn/ad/{c}.js"}},{{"id":{w},"pos":"top","src":"//static.example.cn/ad/{n}{c}.js"}}]}};',
    '(function(){{var s=document.createElement("script");s.src="//tongji.example.cn/{c}.js?v={n}";'
    'var x=document.getElementsByTagName("script")[0];x.parentNode.insertBefore(s,x);}})();',
    '$(function(){{$("#{id} li").hover(function(){{$(this).addClass("cur").siblings().removeClass("cur");'
    'var i=$(this).index();$("#{id}_box .item").eq(i).show().siblings().hide();}});}});',
)


def _headline(rng: random.Random) -> str:
    return (f"{rng.choice(PLACES)}{rng.choice(TOPICS)}{rng.choice(VERBS)}"
            f"{rng.randint(2, 999)}{'.' + str(rng.randint(1, 9)) if rng.random() < 0.4 else ''}{rng.choice(UNITS)}")


def _css(rng: random.Random) -> str:
    props = ";".join(
        p.format(c=f"{rng.randrange(16**6):06x}", n=rng.randint(1, 40), w=rng.randint(60, 1200))
        for p in rng.sample(CSS_PROPS, rng.randint(3, 7)))
    return f".{rng.choice(('nav', 'list', 'box', 'hd', 'bd', 'ft', 'side', 'rank'))}{rng.randint(1, 99)} " \
           f"{rng.choice(('li', 'a', 'span', 'h3', 'p', 'ul', '.more', '.tit'))}{{{props}}}\n"


def _js(rng: random.Random) -> str:
    return rng.choice(JS_BITS).format(
        f=f"_{rng.choice('abcdefghijklmnop')}{rng.randint(10, 9999)}", id=f"tab{rng.randint(1, 999)}",
        n=rng.randint(2, 60), w=rng.randint(1, 99), c=f"{rng.randrange(16**8):08x}",
        place=rng.choice(PLACES), chan=rng.choice(CHANNELS)) + "\n"


def _nav(rng: random.Random, host: str) -> str:
    items = "".join(f'<li><a href="http://{host}/{rng.choice(CHANNELS) and "c" + str(rng.randint(1, 999))}/" '
                    f'target="_blank">{rng.choice(PLACES) if rng.random() < 0.3 else ""}{rng.choice(CHANNELS)}</a></li>'
                    for _ in range(rng.randint(8, 20)))
    return f'<div class="subnav nav{rng.randint(1, 9)}"><ul>{items}</ul></div>\n'


def _related(rng: random.Random, host: str) -> str:
    heading = rng.choice(("相关新闻", "热点推荐", "图片新闻", "本地要闻", "点击排行", "专题聚焦", "延伸阅读", "猜你喜欢"))
    items = "".join(
        f'<li><a href="http://{host}/system/20{rng.randint(10, 20)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/'
        f'{rng.randint(10**8, 10**9 - 1):09d}.shtml" target="_blank" title="{t}">{t}</a>'
        f'<span class="time">{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span></li>'
        for t in (_headline(rng) for _ in range(rng.randint(6, 12))))
    return f'<div class="list_box"><h3><span>{heading}</span><a class="more" href="http://{host}/">更多</a></h3>' \
           f"<ul>{items}</ul></div>\n"


def _footer(rng: random.Random, host: str) -> str:
    links = " | ".join(f'<a href="http://www.{rng.choice(PLACES)}{rng.randint(1, 99)}.gov.cn/">{rng.choice(PLACES)}'
                       f'{rng.choice(("政府网", "新闻网", "发布", "日报", "广电网", "在线"))}</a>' for _ in range(rng.randint(10, 20)))
    return (f'<div class="friend_links"><b>友情链接：</b>{links}</div>\n'
            f'<div class="copyright"><p>版权所有 未经书面授权不得复制或建立镜像 浙ICP备{rng.randint(10**7, 10**8 - 1)}号</p>'
            f"<p>互联网新闻信息服务许可证：{rng.randint(10**10, 10**11 - 1)} 违法和不良信息举报电话："
            f"0574-{rng.randint(10**7, 10**8 - 1)}</p></div>\n")


def _fill(rng: random.Random, make, budget: int, encoding: str) -> str:
    parts, size = [], 0
    while size < budget:
        part = make(rng)
        parts.append(part)
        size += len(part.encode(encoding, "xmlcharrefreplace"))
    return "".join(parts)


def pad_page(rng: random.Random, before: str, body_html: str, after: str, t: Template) -> str:
    """Insert chrome into the page (head styles/scripts, navigation, lists, footer) up to ~100 KB."""
    page = before + body_html + after
    size = len(page.encode(t.encoding, "xmlcharrefreplace"))
    deficit = max(0, rng.randint(*PAGE_BYTES) - size)
    host = t.host or "www.example.gov.cn"
    style = "<style type=\"text/css\">\n" + _fill(rng, _css, int(deficit * 0.15), t.encoding) + "</style>\n"
    head_js = "<script type=\"text/javascript\">\n" + _fill(rng, _js, int(deficit * 0.25), t.encoding) + "</script>\n"
    nav = '<div id="channel_nav">' + _fill(rng, lambda r: _nav(r, host), int(deficit * 0.15), t.encoding) + "</div>\n"
    lists = '<div id="side_lists">' + _fill(rng, lambda r: _related(r, host), int(deficit * 0.25), t.encoding) + "</div>\n"
    foot = _fill(rng, lambda r: _footer(r, host), int(deficit * 0.08), t.encoding)
    tail_js = "<script type=\"text/javascript\">\n" + _fill(rng, _js, int(deficit * 0.12), t.encoding) + "</script>\n"

    def insert(doc: str, pattern: str, block: str, after_tag: bool) -> str:
        m = re.search(pattern, doc, re.I)
        if not m:
            return doc + block if not after_tag else block + doc
        cut = m.end() if after_tag else m.start()
        return doc[:cut] + block + doc[cut:]

    before = insert(before, r"</head\s*>", style + head_js, after_tag=False)
    before = insert(before, r"<body[^>]*>", "\n" + nav, after_tag=True)
    after = insert(after, r"</body\s*>", lists + foot + tail_js, after_tag=False)
    return before + body_html + after


# --- bodies --------------------------------------------------------------------------------------
def _redraw_numbers(rng: random.Random, text: str) -> str:
    def sub(m: re.Match) -> str:
        s = m.group(0)
        if YEAR_RE.fullmatch(s) or (len(s) == 4 and s.startswith(("19", "20"))):
            return s
        first = str(rng.randint(1, 9)) if len(s) > 1 else str(rng.randint(0, 9))
        return first + "".join(str(rng.randint(0, 9)) for _ in range(len(s) - 1))

    return NUMBER_RE.sub(sub, text)


def make_body(rng: random.Random, bodies: list[Source]) -> tuple[str, list[str]]:
    """(title, paragraphs) of a new body of 1,500-3,000 characters from several source bodies."""
    target = rng.randint(*BODY_CHARS)
    order = rng.sample(range(len(bodies)), len(bodies))
    title, paragraphs, length = bodies[order[0]].title, [], 0
    for n, idx in enumerate(order):
        if length >= target and n >= 2:
            break
        for para in bodies[idx].paragraphs:
            if para.startswith("原标题") or (rng.random() > 0.8 and paragraphs):
                continue
            para = _redraw_numbers(rng, para)
            if length + len(para) > BODY_CHARS[1]:
                break
            paragraphs.append(para)
            length += len(para)
    return title, paragraphs


def render(rng: random.Random, t: Template, title: str, paragraphs: list[str], url: str | None) -> bytes:
    body_html = t.sep.join(html.escape(p, quote=False) for p in paragraphs)
    before, after = t.before, t.after
    if t.title and title:
        before = before.replace(t.title, html.escape(title, quote=False))
    for old in t.urls:
        if url:
            before, after = before.replace(old, url), after.replace(old, url)
    page = pad_page(rng, before, body_html, after, t)
    return page.encode(t.encoding, "xmlcharrefreplace")


def page_url(t: Template, i: int) -> str | None:
    if not t.urls or not t.host:
        return None
    path = urlsplit(t.urls[0]).path
    ext = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ".html"
    return f"http://{t.host}{path.rsplit('/', 1)[0]}/bench{i:07d}{ext}"


def validate_templates(sources: Sources, seed: int = 0) -> list[tuple[Template, float]]:
    """Keep the templates in which the project's extractor finds the inserted body (char F1 >= 0.9)."""
    from pipeline.errors import Skip
    from pipeline.evaluate import char_f1
    from pipeline.extract.article import extract_article

    rng = random.Random(seed)
    kept = []
    for t in sources.templates:
        title, paragraphs = make_body(rng, sources.bodies)
        data = render(rng, t, title, paragraphs, page_url(t, 0))
        try:
            f1 = char_f1(extract_article(data, page_url(t, 0)).content, "\n".join(paragraphs))
        except Skip:
            f1 = 0.0
        if f1 >= 0.9:
            kept.append((t, f1))
        else:
            sources.dropped.append(f"{t.location}: padded test page extracted with body F1 {f1:.2f} < 0.9")
    return kept


@dataclass
class CorpusInfo:
    root: Path
    pages: int
    bytes: int
    originals: int
    exact_copies: int
    near_copies: int
    encodings: dict
    templates_used: int
    templates_dropped: list[str]
    manifest: list[dict]  # per file: name, kind, template, encoding, url, body (intended)

    def summary(self) -> str:
        enc = ", ".join(f"{k} {v}" for k, v in sorted(self.encodings.items()))
        return (f"{self.pages} pages, {self.bytes / 2**20:.1f} MiB (mean {self.bytes / max(1, self.pages) / 1000:.0f} KB); "
                f"{self.originals} originals, {self.exact_copies} exact copies, {self.near_copies} near copies; "
                f"encodings: {enc}; templates used: {self.templates_used} of {self.templates_used + len(self.templates_dropped)}")


def build_corpus(root: Path, n: int, seed: int = 0, sources: Sources | None = None) -> CorpusInfo:
    """Write ``n`` pages as ``root/pNNNNNNN.html`` (deterministic for ``n`` and ``seed``)."""
    sources = sources or load_sources()
    templates = [t for t, _ in validate_templates(sources, seed)]
    rng = random.Random(seed * 1_000_003 + n)
    root.mkdir(parents=True, exist_ok=True)
    n_exact, n_near = round(n * EXACT_SHARE), round(n * NEAR_SHARE)
    n_orig = n - n_exact - n_near
    # the slot of each file in processing (sorted-name) order: originals first in each position
    kinds = ["orig"] * n_orig + ["exact"] * n_exact + ["near"] * n_near
    rng.shuffle(kinds)
    while kinds[0] != "orig":  # a copy needs an earlier original
        kinds.append(kinds.pop(0))
    manifest, made, total, encodings = [], [], 0, {}
    for i, kind in enumerate(kinds):
        if kind == "orig":
            t = rng.choice(templates)
            title, paragraphs = make_body(rng, sources.bodies)
            url = page_url(t, i)
            data = render(rng, t, title, paragraphs, url)
            made.append((t, title, paragraphs, data, url))
        elif kind == "exact":
            t, title, paragraphs, data, old_url = rng.choice(made)
            url = page_url(t, i)
            if old_url and url:
                data = data.replace(old_url.encode(t.encoding), url.encode(t.encoding))
        else:  # near: another site republishes it with a rewritten lead paragraph
            _, title, paragraphs, _, _ = rng.choice(made)
            lead_src = rng.choice(sources.bodies).paragraphs[0]
            paragraphs = [_redraw_numbers(rng, lead_src)] + paragraphs[1:]
            t = rng.choice(templates)
            url = page_url(t, i)
            data = render(rng, t, title, paragraphs, url)
        name = f"p{i:07d}.html"
        (root / name).write_bytes(data)
        total += len(data)
        encodings[t.encoding] = encodings.get(t.encoding, 0) + 1
        manifest.append({"name": name, "kind": kind, "template": t.location, "encoding": t.encoding, "url": url,
                         "body": "\n".join(paragraphs)})
    info = CorpusInfo(root, n, total, n_orig, n_exact, n_near, encodings, len(templates), sources.dropped, manifest)
    (root.parent / f"{root.name}.manifest.jsonl").write_text(
        "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in manifest), encoding="utf-8")
    return info


# --- small synthetic pages for the near-duplicate scaling runs -----------------------------------
SMALL_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><div class="info">来源：{place}日报 {date}</div>
<div class="content">{paras}</div></body></html>
"""


def _shuffled_paragraph(rng: random.Random, words: list[str]) -> str:
    """A paragraph of the same words, in runs of 2-8 words put in another order: text of the
    corpus's vocabulary whose shingle overlap with other such paragraphs is like that of
    distinct bundled stories (mean 5-gram Jaccard 0.007, 99th percentile 0.05)."""
    runs, i = [], 0
    while i < len(words):
        step = rng.randint(2, 8)
        runs.append("".join(words[i : i + step]))
        i += step
    rng.shuffle(runs)
    return "".join(runs)


def build_small_corpus(root: Path, n: int, seed: int = 0, sources: Sources | None = None) -> int:
    """``n`` small UTF-8 pages (~1-2 KB, bodies of 250-600 characters) with ~5% exact and ~5% near copies.

    Only for timing ``Store.assign_duplicates`` at 10k/100k articles: the bodies are long enough
    (>= ``min_chars``) to enter the LSH index.  Originals are paragraphs of the bundled bodies
    with their jieba words shuffled and numbers redrawn: the 36 bundled bodies have only ~180
    paragraphs, and originals made of whole paragraphs would share text with a fixed share of
    all earlier pages (a few thousand distinct stories, not an archive of 100,000).
    Written into 100 subfolders so that no folder holds 100,000 files.
    """
    import jieba

    sources = sources or load_sources()
    vocab = [jieba.lcut(p) for src in sources.bodies for p in src.paragraphs]
    rng = random.Random(seed * 7_919 + n)
    made = []
    total = 0
    for i in range(n):
        r = rng.random()
        if made and r < EXACT_SHARE:
            title, paras = rng.choice(made)
        elif made and r < EXACT_SHARE + NEAR_SHARE:
            title, paras = rng.choice(made)
            paras = [_redraw_numbers(rng, _shuffled_paragraph(rng, rng.choice(vocab)))] + paras[1:]
        else:
            paras, length = [], 0
            target = rng.randint(250, 600)
            while length < target:
                para = _redraw_numbers(rng, _shuffled_paragraph(rng, rng.choice(vocab)))
                paras.append(para)
                length += len(para)
            title = _headline(rng)
            if len(made) < 5000:
                made.append((title, paras))
            else:
                made[rng.randrange(5000)] = (title, paras)
        page = SMALL_PAGE.format(
            title=html.escape(title), place=rng.choice(PLACES),
            date=f"20{rng.randint(10, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00",
            paras="".join(f"<p>{html.escape(p)}</p>\n" for p in paras))
        folder = root / f"d{i % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = page.encode("utf-8")
        (folder / f"s{i:07d}.html").write_bytes(data)
        total += len(data)
    return total
