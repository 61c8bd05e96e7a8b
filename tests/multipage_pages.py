"""Test pages of multi-page articles (texts written for these tests): a 3-page article, an
unrelated one-page article and a page 2 whose first page is not there, as saved files and as WARC
records.  Used by tests/read/test_multipage.py and tests/engines/test_multipage_runs.py.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.read.warc_writer import WarcEntry, write_warc

SITE = "http://news.example.cn/2024/05/"

# The 3-page article 0086.shtml, 0086_2.shtml, 0086_3.shtml: one sentence of each page is checked.
TITLE = "海曙区新材料产业园首期工程完工"
PAGES = [
    ["本报讯 昨日上午，海曙区新材料产业园首期工程通过竣工验收，首期共建成标准厂房十八幢。",
     "据园区管委会介绍，首期工程总投资14.5亿元，已有九家企业签订了入驻协议。"],
    ["入驻企业中，一家生产高性能密封材料的企业计划年内投产，达产后可年产密封件3000万件。",
     "园区还配套建设了污水处理站和职工公寓，水电气管网已经全部接通。"],
    ["管委会负责人表示，二期工程将于明年春季启动，重点引进新能源电池材料项目。",
     "目前已有四家企业与园区进行了初步洽谈，意向投资额合计约二十亿元。"],
]
OTHER_TITLE = "北仑港区集装箱吞吐量稳步增长"
OTHER = ["今年前四个月，北仑港区累计完成集装箱吞吐量1120万标准箱，同比增长6.3%。",
         "港区负责人说，新开通的三条远洋航线带动了货量增长，码头作业效率也有所提高。"]
ORPHAN_TITLE = "镇海区举办秋季人才招聘会"
ORPHAN = ["招聘会现场，不少求职者围在展位前详细咨询岗位要求和薪资待遇，气氛十分热烈。",
          "主办方表示，下一场招聘会将于十一月中旬在区文化中心举行，欢迎求职者届时参加。"]


def bar(stem: str, pages: int, current: int, sep: str = "_") -> str:
    """A page bar: 1 2 3 下一页, the current page as text."""
    links = []
    for n in range(1, pages + 1):
        name = f"{stem}.shtml" if n == 1 else f"{stem}{sep}{n}.shtml"
        links.append(f"<span>{n}</span>" if n == current else f'<a href="{name}">{n}</a>')
    if current < pages:
        links.append(f'<a href="{stem}{sep}{current + 1}.shtml">下一页</a>')
    return '<div class="page">' + " ".join(links) + "</div>"


def page(title: str, paragraphs: list[str], pager: str = "", url: str | None = None, day: int = 20,
         charset: str = "utf-8") -> bytes:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    text = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}_测试新闻网</title>{canonical}'
            f'</head><body><div class="nav"><a href="/">首页</a> &gt; <a href="/news/">本地新闻</a></div>'
            f'<h1>{title}</h1><div class="info">2024-05-{day:02d} 09:30 来源：测试日报 作者：李明</div>'
            f'<div class="content">{body}</div>{pager}<div class="footer">测试新闻网 版权所有</div></body></html>')
    return text.encode(charset)


def pages(with_urls: bool = True) -> dict[str, bytes]:
    """File name -> bytes of the five pages, in the order a crawl writes them (page 3 in GBK)."""
    def url(name: str) -> str | None:
        return SITE + name if with_urls else None

    return {
        "0086.shtml": page(TITLE, PAGES[0], bar("0086", 3, 1), url("0086.shtml")),
        "0086_2.shtml": page(TITLE, PAGES[1], bar("0086", 3, 2), url("0086_2.shtml")),
        "0086_3.shtml": page(TITLE, PAGES[2], bar("0086", 3, 3), url("0086_3.shtml"), charset="gbk"),
        "0091.shtml": page(OTHER_TITLE, OTHER, "", url("0091.shtml"), day=21),
        "0107_2.shtml": page(ORPHAN_TITLE, ORPHAN, bar("0107", 2, 2), url("0107_2.shtml"), day=22),
    }


def write_folder(folder: Path, with_urls: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in pages(with_urls).items():
        (folder / name).write_bytes(body)
    return folder


def write_archive(path: Path, order: list[str] | None = None) -> Path:
    """The five pages as HTTP 200 responses of a WARC (written with warcio), in ``order``."""
    found = pages(with_urls=False)  # a WARC record's URL is its target URI
    names = order or list(found)
    entries = [WarcEntry(url=SITE + name, body=found[name],
                         content_type="text/html; charset=gbk" if name == "0086_3.shtml" else "text/html; charset=utf-8")
               for name in names]
    write_warc(entries, path)
    return path


def write_people_folder(folder: Path) -> Path:
    """The 3-page article named as people.cn names pages (``c1004-40189999-2.html``): its following
    pages sort before its first page."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = "c1004-40189999"
    for n, paragraphs in enumerate(PAGES, 1):
        name = f"{stem}.html" if n == 1 else f"{stem}-{n}.html"
        pager = bar(stem, 3, n, sep="-").replace(".shtml", ".html")
        (folder / name).write_bytes(page(TITLE, paragraphs, pager, PEOPLE_SITE + name))
    return folder


PEOPLE_SITE = "http://zj.people.example.cn/n2/2024/0520/"
