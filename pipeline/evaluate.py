"""Score a run against hand-written gold (the SCHEMA gold format).

A predicted fact matches a gold fact when fact_type and unit are equal, the
value agrees to 1e-6 relative, and (for the strict score) the predicted
subject contains one of the gold spellings.  Each gold fact is matched at most
once.  Metadata is compared field by field, the body by character F1, and
duplicates by their (copy, original) pairs.
"""
from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FACT_TYPES = ("investment", "capacity", "indicator", "percentage")
META_FIELDS = ("title", "published_at", "source_name", "authors", "editor")


def load_gold(path: str | Path) -> list[dict]:
    """Gold records from a .jsonl file or a folder of them; errors name file and line."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    records = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{f}:{n}: not valid JSON ({exc.msg}); fix that line") from None
    return records


def value_match(a: float, b: float) -> bool:
    """Values agree to 1e-6 relative.

    >>> value_match(2190000000, 2190000000.0004), value_match(12.9, 12.8)
    (True, False)
    """
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def char_f1(pred: str, gold: str) -> float:
    """F1 of the character multisets of two texts, whitespace ignored.

    >>> char_f1("增长12.9%", "增长12.9%"), round(char_f1("增长", "增长12.9%"), 3)
    (1.0, 0.444)
    """
    p = Counter(ch for ch in unicodedata.normalize("NFKC", pred or "") if not ch.isspace())
    g = Counter(ch for ch in unicodedata.normalize("NFKC", gold or "") if not ch.isspace())
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    precision = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "pred": n_pred, "gold": n_gold}


@dataclass
class Report:
    facts: dict = field(default_factory=dict)  # {"strict"|"loose": {fact_type: prf}}
    metadata: dict = field(default_factory=dict)  # field -> accuracy
    body_f1: float = 0.0
    duplicates: dict = field(default_factory=dict)
    missing_articles: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    false_facts: list = field(default_factory=list)
    metadata_errors: list = field(default_factory=list)
    duplicate_errors: list = field(default_factory=list)
    n_articles: int = 0
    calibration: list = field(default_factory=list)  # [band low, band high, rows, share right (strict)]
    economic: dict = field(default_factory=dict)  # articles judged economic: right, wrong, and the wrong ones

    def as_dict(self) -> dict:
        return self.__dict__


def _records(df) -> list[dict]:
    """DataFrame rows as dicts with missing cells as None (pandas gives NaN)."""
    return [{k: (None if not isinstance(v, (list, tuple)) and not hasattr(v, "__len__") and v != v else v)
             for k, v in row.items()} for row in df.to_dict("records")]


def _present(value) -> bool:
    """A table cell that holds a value (not None, NaN or empty)."""
    return not (value is None or value == "" or (isinstance(value, float) and math.isnan(value)))


def _as_text(row: dict, name: str):
    """A cell as the table's text: a typed ``published_at`` (``load_outputs``) back to ISO 8601,
    a bare date where ``published_precision`` says the page gave only the day."""
    value = row.get(name)
    if name == "published_at" and hasattr(value, "isoformat"):
        return value.date().isoformat() if row.get("published_precision") == "day" else value.isoformat()
    return value


def _norm_meta(name: str, value):
    if name == "authors":
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return []
        return list(value) if isinstance(value, (list, tuple)) else [v for v in str(value).split(";") if v]
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return str(value)


def _match_facts(gold: list[dict], pred: list[dict], strict: bool) -> tuple[list[int], list[int]]:
    """Indices of gold facts matched and of predicted facts used (greedy, in order)."""
    used: set[int] = set()
    matched = []
    for gi, g in enumerate(gold):
        spellings = g.get("subject") or []
        if isinstance(spellings, str):
            spellings = [spellings]
        for pi, p in enumerate(pred):
            if pi in used or p["fact_type"] != g["fact_type"] or p["unit"] != g["unit"]:
                continue
            if not value_match(p["value"], g["value"]):
                continue
            if strict and not any(s and s in (p.get("subject") or "") for s in spellings):
                continue
            used.add(pi)
            matched.append(gi)
            break
    return matched, sorted(used)


def evaluate(gold_records: list[dict], tables: dict) -> Report:
    """Compare gold records with the tables of a run (as from ``load_outputs``)."""
    articles = _records(tables["articles"])
    by_location = {row["location"]: row for row in articles}
    id_to_location = {row["article_id"]: row["location"] for row in articles}
    facts_by_article: dict[str, list[dict]] = {}
    for row in _records(tables["facts"]):
        facts_by_article.setdefault(row["article_id"], []).append(row)

    report = Report()
    outcomes: list[tuple[float | None, bool]] = []  # (confidence, right) of every predicted fact
    counts = {mode: {t: [0, 0, 0] for t in FACT_TYPES} for mode in ("strict", "loose")}
    meta_ok = Counter()
    meta_n = Counter()
    body_scores = []
    gold_pairs, pred_pairs = set(), set()
    for g in gold_records:
        loc = g["location"]
        if g.get("duplicate_of"):
            gold_pairs.add((loc, g["duplicate_of"]))
        row = by_location.get(loc)
        if row is None:
            report.missing_articles.append(loc)
            for t in FACT_TYPES:
                n = sum(1 for f in g.get("facts", []) if f["fact_type"] == t)
                for mode in counts:
                    counts[mode][t][2] += n
            continue
        report.n_articles += 1
        gold_article = g.get("article", {})
        if "economic" in row:  # every gold article is judged economic unless its gold says otherwise
            want = gold_article.get("economic", True)
            key = "right" if bool(row["economic"]) == want else "wrong"
            report.economic[key] = report.economic.get(key, 0) + 1
            if key == "wrong":
                report.economic.setdefault("errors", []).append(loc)
        for name in META_FIELDS:
            if name not in gold_article:
                continue
            meta_n[name] += 1
            want, got = _norm_meta(name, gold_article[name]), _norm_meta(name, _as_text(row, name))
            if want == got:
                meta_ok[name] += 1
            else:
                report.metadata_errors.append({"location": loc, "field": name, "gold": want, "pred": got})
        if "content" in gold_article:
            body_scores.append(char_f1(row.get("content") or "", gold_article["content"]))
        pred = [] if _present(row.get("duplicate_of")) else facts_by_article.get(row["article_id"], [])
        gold_facts = g.get("facts", [])
        for mode in ("strict", "loose"):
            matched, used = _match_facts(gold_facts, pred, strict=(mode == "strict"))
            for t in FACT_TYPES:
                c = counts[mode][t]
                c[0] += sum(1 for i in matched if gold_facts[i]["fact_type"] == t)
                c[1] += sum(1 for p in pred if p["fact_type"] == t)
                c[2] += sum(1 for f in gold_facts if f["fact_type"] == t)
            if mode == "strict":
                outcomes.extend((p.get("confidence"), i in used) for i, p in enumerate(pred))
                for i, f in enumerate(gold_facts):
                    if i not in matched:
                        report.misses.append({"location": loc, **{k: f.get(k) for k in (
                            "fact_type", "subject", "value", "unit", "raw_text", "evidence")}})
                for i, p in enumerate(pred):
                    if i not in used:
                        report.false_facts.append({"location": loc, **{k: p.get(k) for k in (
                            "fact_type", "subject", "metric", "value", "unit", "raw_text", "sentence")}})
    for row in _records(tables["duplicates"]):
        copy, original = id_to_location.get(row["article_id"]), id_to_location.get(row["duplicate_of"])
        if copy in {g["location"] for g in gold_records}:
            pred_pairs.add((copy, original))
    for mode in counts:
        report.facts[mode] = {t: prf(*c) for t, c in counts[mode].items()}
        tp, npred, ngold = (sum(c[i] for c in counts[mode].values()) for i in range(3))
        report.facts[mode]["all"] = prf(tp, npred, ngold)
    report.metadata = {k: round(meta_ok[k] / meta_n[k], 4) for k in META_FIELDS if meta_n[k]}
    report.body_f1 = round(sum(body_scores) / len(body_scores), 4) if body_scores else 0.0
    report.duplicates = prf(len(gold_pairs & pred_pairs), len(pred_pairs), len(gold_pairs))
    report.calibration = calibration(outcomes)
    report.duplicate_errors = [{"pair": list(p), "kind": "false"} for p in sorted(pred_pairs - gold_pairs)] + [
        {"pair": list(p), "kind": "missed"} for p in sorted(gold_pairs - pred_pairs)]
    return report


def calibration(outcomes: list[tuple[float | None, bool]]) -> list[list]:
    """Rows and share right (strict) per confidence band, and for rows at 0.8 or more.

    >>> calibration([(0.9, True), (0.85, False), (0.3, True), (None, False)])
    [[0.0, 0.2, 1, 0.0], [0.2, 0.4, 1, 1.0], [0.8, 1.0, 2, 0.5], [0.8, 1.0, 2, 0.5]]
    """
    bands: dict[int, list[int]] = {}
    for conf, right in outcomes:
        band = min(4, int((conf or 0.0) * 5 + 1e-9))
        bands.setdefault(band, [0, 0])
        bands[band][0] += 1
        bands[band][1] += right
    rows = [[band / 5, (band + 1) / 5, n, round(r / n, 4)] for band, (n, r) in sorted(bands.items())]
    high = [right for conf, right in outcomes if (conf or 0.0) >= 0.8]
    rows.append([0.8, 1.0, len(high), round(sum(high) / len(high), 4) if high else 0.0])
    return rows


def format_report(report: Report, details: bool = True) -> str:
    lines = [f"articles scored: {report.n_articles}" + (
        f" (missing from the run: {len(report.missing_articles)})" if report.missing_articles else "")]
    lines.append("facts            strict P/R/F1           loose P/R/F1")
    for t in FACT_TYPES + ("all",):
        s, l_ = report.facts["strict"][t], report.facts["loose"][t]
        lines.append(f"  {t:<12} {s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f}  "
                     f"      {l_['precision']:.3f} {l_['recall']:.3f} {l_['f1']:.3f}   (gold {s['gold']}, pred {s['pred']})")
    lines.append("metadata accuracy: " + ", ".join(f"{k} {v:.3f}" for k, v in report.metadata.items()))
    lines.append(f"body character F1: {report.body_f1:.3f}")
    d = report.duplicates
    lines.append(f"duplicates: precision {d['precision']:.3f} recall {d['recall']:.3f} (gold {d['gold']}, pred {d['pred']})")
    if report.economic:
        e = report.economic
        lines.append(f"economic articles: {e.get('right', 0)} judged right, {e.get('wrong', 0)} wrong"
                     + (f" ({', '.join(e['errors'])})" if e.get("errors") else ""))
    if report.calibration:
        total = sum(row[2] for row in report.calibration[:-1])
        lines.append("confidence band   rows   right (strict)")
        for low, high, n, share in report.calibration[:-1]:
            lines.append(f"  [{low:.1f}, {high:.1f})     {n:5d}   {share:.3f}")
        low, high, n, share = report.calibration[-1]
        lines.append(f"  rows >= 0.8:    {n:5d}   {share:.3f}   ({n / total:.0%} of all rows)" if total else "")
    if details:
        for e in report.metadata_errors:
            lines.append(f"  META {e['location']} {e['field']}: gold={e['gold']!r} pred={e['pred']!r}")
        for e in report.duplicate_errors:
            lines.append(f"  DUP {e['kind']}: {e['pair'][0]} -> {e['pair'][1]}")
        for m in report.misses:
            lines.append(f"  MISS {m['location']} {m['fact_type']} {m['value']} {m['unit']} {m['subject']} «{m['evidence']}»")
        for f in report.false_facts:
            lines.append(f"  FALSE {f['location']} {f['fact_type']} {f['value']} {f['unit']} subj={f['subject']} «{f['raw_text']}»")
    return "\n".join(lines)
