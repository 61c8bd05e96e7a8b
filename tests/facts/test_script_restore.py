"""Facts read from the Simplified form of a page carry the page's own (Traditional) strings back,
and a fact with nothing Traditional in its strings is kept as read."""
from __future__ import annotations

from dataclasses import replace

from pipeline.facts.reader import extract
from pipeline.facts.script import restore, simplified

TEXT = ("海港新區物流園項目計劃總投資12.5億元，建成後年處理貨物300萬噸。\n"
        "全区实现地区生产总值218.6亿元，增长6.2%。")


def _always_copied(original: str, read: str, facts, projects):
    """restore as it was first written: every fact and project copied with its strings taken back."""
    def back(piece, near=0):
        if not piece:
            return piece
        at = read.find(piece, near)
        if at < 0:
            at = read.find(piece)
        return original[at:at + len(piece)] if at >= 0 else piece

    out = []
    for f in facts:
        start = read.find(f.sentence) if f.sentence else -1
        near = max(start, 0)
        out.append(replace(f, raw_text=original[f.char_start:f.char_end],
                           sentence=original[start:start + len(f.sentence)] if start >= 0 else f.sentence,
                           subject=back(f.subject, near), metric=back(f.metric, near),
                           product=back(f.product, near), region=back(f.region, near)))
    return out, [replace(p, name=back(p.name), company=back(p.company), region=back(p.region),
                         status=back(p.status)) for p in projects]


def test_restored_facts_carry_the_pages_strings_and_untouched_ones_are_kept():
    read = simplified(TEXT)
    assert read != TEXT and len(read) == len(TEXT)
    facts, projects = extract(read)
    restored, kept = restore(TEXT, read, facts, projects)
    assert (restored, kept) == _always_copied(TEXT, read, facts, projects)
    traditional = [f for f in restored if "項目" in (f.subject or "")]
    simplified_only = [(f, g) for f, g in zip(facts, restored) if "全区" in f.sentence]
    assert traditional and all("億元" in f.sentence for f in traditional)
    assert simplified_only and all(f is g for f, g in simplified_only)
    assert any("項目" in p.name for p in kept)


def test_a_simplified_page_is_returned_as_read():
    text = "全区实现地区生产总值218.6亿元，增长6.2%。"
    facts, projects = extract(text)
    assert restore(text, simplified(text), facts, projects) == (facts, projects)
