"""Build the sample WARC of the corpus from saved pages under corpora/samples.

    python corpora/build_warc.py [--out corpora/warc/ningbo-pages.warc.gz]

The archive holds a warcinfo record, a GET request record for the first page,
one HTTP 200 response per row of TABLE (with the Content-Type header the site
would send, which for the wrong-charset pages disagrees with the body, as it
did on the live sites), and one 404 response.  The output is deterministic:
rerunning it gives identical bytes (see pipeline/read/warc_writer.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.read.warc_writer import WarcEntry, entries_from_table, write_warc  # noqa: E402

SAMPLES = HERE / "samples"
DEFAULT_OUT = HERE / "warc" / "ningbo-pages.warc.gz"  # outside samples/: its pages are copies of those
CRAWL_DATE = "2018-10-01T02:00:00Z"  # WARC-Date of the warcinfo record; pages follow 1 s apart

# (path under corpora/samples, URL, HTTP Content-Type header as the site sent it)
TABLE: list[tuple[str, str, str | None]] = [
    ("cnnb/yinzhou-20170602.html",
     "http://news.cnnb.com.cn/system/2017/06/02/008650123.shtml", "text/html; charset=gb2312"),
    ("cnnb/yuyao-20171108.html",
     "http://news.cnnb.com.cn/system/2017/11/08/008695532.shtml", "text/html"),
    ("cnnb/beilun-20160920.html",
     "http://news.cnnb.com.cn/system/2016/09/20/008571846.shtml", "text/html; charset=GB2312"),
    ("gov-yinzhou/zdxm-20180312.html",
     "http://www.nbyz.gov.cn/art/2018/3/12/art_1229031_16305218.html", "text/html;charset=UTF-8"),
    ("old-cixi/content_90316.html",
     "http://www.cxnews.com.cn/news/2007-04/16/content_90316.htm", "text/html"),
    # The server of these two sends the same wrong charset as the page's meta.
    ("wrong-charset/blnews_011785432.shtml",
     "http://blnews.cnnb.com.cn/system/2018/09/20/011785432.shtml", "text/html; charset=utf-8"),
    ("wrong-charset/yynews_012458317.shtml",
     "http://www.yynews.com.cn/news/system/2018/09/14/012458317.shtml", "text/html; charset=gb2312"),
]

NOT_FOUND_URL = "http://news.cnnb.com.cn/system/2017/06/02/008650999.shtml"
NOT_FOUND_BODY = ("<html><head><title>404 Not Found</title></head>"
                  "<body><h1>您访问的页面不存在</h1></body></html>").encode("gb18030")


def build_entries(table=TABLE, root: Path = SAMPLES) -> list[WarcEntry]:
    pages = entries_from_table(table, root)
    entries: list[WarcEntry] = []
    if pages:
        entries.append(WarcEntry(url=pages[0].url, record_type="request"))
    entries += pages
    entries.append(WarcEntry(url=NOT_FOUND_URL, body=NOT_FOUND_BODY,
                             content_type="text/html; charset=gb2312", status=404))
    return entries


def main(argv: list[str] | None = None, table=None, root: Path | None = None) -> int:
    """Command line entry; ``table`` and ``root`` replace TABLE and SAMPLES (for tests)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="WARC file to write (.warc or .warc.gz)")
    args = parser.parse_args(argv)
    try:
        entries = build_entries(TABLE if table is None else table, SAMPLES if root is None else root)
    except FileNotFoundError as exc:
        print(f"build_warc: {exc}", file=sys.stderr)
        return 1
    records = write_warc(entries, args.out, base_date=CRAWL_DATE,
                         info={"isPartOf": "newsfacts sample corpus",
                               "operator": "newsfacts (synthetic archive of saved pages)"})
    print(f"wrote {args.out} with {len(records)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
