"""Helpers of the reader tests: a small news page, and pages and skips sorted out of a reader's output."""
from __future__ import annotations

from pipeline.config import default_settings
from pipeline.errors import Skip
from pipeline.records import RawPage

MAX = default_settings().input.max_page_bytes
NEWS = "宁波市鄞州区举行重大项目集中开工仪式，共有32个项目开工，总投资达186.5亿元。"


def html(title: str, codec: str = "utf-8", repeat: int = 20) -> bytes:
    label = "gb2312" if codec != "utf-8" else "utf-8"
    text = (f'<!DOCTYPE html><html><head><meta charset="{label}"><title>{title}</title></head>'
            f"<body><p>{NEWS * repeat}</p></body></html>")
    return text.encode(codec)


def collect(items):
    pages, skips = [], []
    for item in items:
        (pages if isinstance(item, RawPage) else skips).append(item)
        assert isinstance(item, (RawPage, Skip))
    return pages, skips


def reasons(skips):
    return [(s.reason, s.location) for s in skips]
