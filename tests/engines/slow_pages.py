"""Pages the pipeline takes long on, and a run of them in a process of its own, for the tests of
the local engine's worker processes (``test_worker_pool.py``).

``python -m tests.engines.slow_pages --workers 2 --layout s,s,B,s [--timeout 1.5]`` runs
:func:`pipeline.engines.local.process_all` over small pages (``s``) and slow ones (``B``) and
prints one JSON line per result as it comes, then ``{"done": seconds}``: the tests watch it,
kill its processes and read what it says.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from pipeline.config import default_settings
from pipeline.engines.local import process_all
from pipeline.errors import Skip
from pipeline.records import RawPage

# A slow page is an honest one: a long article of distinct figures.  Reading its 60,000
# paragraphs (3.6 MB) took 33 s on the 2-core test machine, in Python code (mostly the fact
# reader), so SIGALRM can interrupt it; no test lets it finish, and it stays slow enough for the
# tests should the reader become several times faster.  A small page of 30 paragraphs takes
# 0.01-0.05 s.
SLOW_PARAGRAPHS = 60_000
SMALL_PARAGRAPHS = 30


def sentence(i: int) -> str:
    return (f"宁波市第{i}号产业园区2023年完成固定资产投资{i * 7 % 1000 + 1}亿元，"
            f"同比增长{i % 30}.5%，其中工业投资增长{i % 17}%。")


def page(name: str, paragraphs: int, first: int = 0) -> RawPage:
    body = "".join(f"<p>{sentence(first + i)}</p>" for i in range(paragraphs))
    html = f"<html><head><title>{name}</title></head><body><h1>宁波经济{name}</h1>{body}</body></html>"
    return RawPage(location=f"{name}.html", body=html.encode("utf-8"), content_type="text/html; charset=utf-8")


def articles(layout: str) -> list[list[RawPage]]:
    """``"s,B,s"`` -> small page s0, slow page B1, small page s2 (one article each)."""
    out = []
    for i, kind in enumerate(layout.split(",")):
        slow = kind == "B"
        out.append([page(f"{kind}{i}", SLOW_PARAGRAPHS if slow else SMALL_PARAGRAPHS, first=i * 100)])
    return out


def describe(item) -> dict:
    if isinstance(item, Skip):
        return {"location": item.location, "skip": item.reason, "detail": item.detail}
    return {"location": item.article.location, "title": item.article.title, "facts": len(item.facts)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--layout", required=True)
    ap.add_argument("--timeout", type=float, help="page_timeout_s (not passed when not given)")
    args = ap.parse_args(argv)
    extra = {} if args.timeout is None else {"page_timeout_s": args.timeout}
    start = time.monotonic()
    for item in process_all(articles(args.layout), default_settings(), args.workers, lambda: None, **extra):
        print(json.dumps(describe(item), ensure_ascii=False), flush=True)
    print(json.dumps({"done": round(time.monotonic() - start, 2)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
