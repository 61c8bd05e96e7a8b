"""Token bounds of the facts span group (pipeline/facts/spans.py), on a text whose tokens are
given by hand: a figure inside a token widens to the whole token, a name written twice is a span
each time, and the triples come sorted."""
from pipeline.facts.reader import extract
from pipeline.facts.spans import fact_spans, token_bounds

TEXT = "青田县新材料项目总投资8亿元。青田县新材料项目年产3万吨。"


def _starts(text: str, words: list[str]) -> list[int]:
    assert "".join(words) == text
    out, pos = [], 0
    for w in words:
        out.append(pos)
        pos += len(w)
    return out


def test_figures_and_names_become_sorted_token_spans():
    words = ["青田县", "新材料", "项目", "总投资", "8亿元", "。", "青田县", "新材料", "项目", "年产", "3万", "吨", "。"]
    starts = _starts(TEXT, words)
    facts, projects = extract(TEXT, "2020-05-01", word_starts=starts)
    assert [(f.fact_type, f.raw_text) for f in facts] == [("investment", "8亿元"), ("capacity", "3万吨")]
    triples = fact_spans(TEXT, starts, facts, projects)
    assert triples == sorted(triples)
    labelled = {(" ".join(words[a:b]), label) for a, b, label in triples}
    assert ("8亿元", "MONEY") in labelled and ("3万 吨", "QUANTITY") in labelled
    project_spans = [(a, b) for a, b, label in triples if label == "PROJECT"]
    assert len(project_spans) == 2, triples  # the project's name, each place it is written


def test_a_piece_of_a_token_widens_to_the_token():
    starts = [0, 3, 6]
    assert token_bounds(starts, 4, 5) == (1, 2)
    assert token_bounds(starts, 2, 7) == (0, 3)
    assert token_bounds([], 0, 2) is None
