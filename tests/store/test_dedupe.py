"""Duplicates within and across runs: same URL, same text, near-duplicate syndication; which copy is original."""
from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import default_settings
from pipeline.engines.run import run
from pipeline.store.export import load_outputs
from pipeline.records import normalize_for_hash
from pipeline.store.minhash import _permutations, shingle_hashes, shingles, signature, similarity

NUM_PERM, K = default_settings().dedupe.num_perm, default_settings().dedupe.shingle_size

STORY = [
    "宁波市鄞州区今天举行重大产业项目集中开工仪式，总投资86亿元的12个项目同时破土动工，涵盖智能制造、新材料和现代服务业等领域。",
    "其中，总投资32亿元的新能源汽车零部件产业园项目规模最大，计划分两期建设，建成后可年产驱动电机80万台，预计实现年产值60亿元。",
    "今年以来，鄞州区坚持项目为王，一季度完成固定资产投资194.1亿元，增长8.9%，其中工业投资20.3亿元，增长20.3%，增速居全市前列。",
    "区发改局负责人介绍，下一步将建立重大项目全程代办机制，对开工项目实行挂图作战，确保年内完成投资目标，为全年经济稳增长提供支撑。",
    "据了解，此次开工的项目中，有5个项目由民营企业投资建设，总投资合计41亿元，全部达产后预计可新增就业岗位3200个，新增税收超过5亿元。",
]
OTHER = [
    "余姚市今天召开光电产业发展大会，发布光电产业三年行动计划，提出到2020年光电产业产值突破500亿元的目标，全市将重点培育10家龙头企业。",
    "会上，宁波明瞳光学科技有限公司等8家企业与余姚市签订投资协议，协议总投资45亿元，项目涉及车载镜头、激光雷达和光学薄膜等方向。",
    "去年余姚市光电产业实现产值316亿元，同比增长14.2%，占全市规上工业产值的比重达到21.5%，比上年提高1.8个百分点，发展势头良好。",
    "市经信局表示，将设立总规模10亿元的光电产业基金，对新引进的重大项目给予土地、人才和融资等方面支持，推动产业链上下游协同发展。",
]


def page(title: str, paragraphs: list[str], published: str, url: str | None = None, site: str = "示例新闻网") -> bytes:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<html><head><meta charset="utf-8"><title>{title}_{site}</title>{canonical}</head><body>
<div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a> <a href="/biz/">财经</a></div>
<h1>{title}</h1><div class="info">{published} 来源：宁波日报 记者 王博</div>
<div class="content">{body}</div><div class="footer">版权所有 示例新闻网</div></body></html>""".encode("utf-8")


def rewritten(paragraphs: list[str]) -> list[str]:
    """A syndicated copy: an added 编者按, a rewritten lead, the rest as is."""
    return ["编者按：项目建设是经济发展的压舱石，本网今日转载这篇报道，与读者一起关注鄞州重大项目的最新进展。",
            "记者今天从鄞州区获悉，当天上午12个重大产业项目集中开工，总投资达86亿元，覆盖智能制造和新材料等多个领域。"] + paragraphs[1:]


def run_dir(inputs: list[Path], out: Path) -> dict:
    run([str(p) for p in inputs], out, default_settings(), progress=False)
    return load_outputs(out)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_rewritten_syndicated_copy_is_near_duplicate_of_earlier_original(tmp_path):
    # the copy sorts first by name, but was published later
    write(tmp_path / "in" / "a-copy.html", page("鄞州12个重大项目同日开工", rewritten(STORY), "2018-03-12 15:20", "http://portal.example.com/a/1.html", "门户网"))
    write(tmp_path / "in" / "b-orig.html", page("鄞州区86亿元项目集中开工", STORY, "2018-03-12 08:00", "http://news.example.cn/yz/2.html"))
    write(tmp_path / "in" / "c-other.html", page("余姚发布光电产业三年行动计划", OTHER, "2018-03-12 09:00", "http://news.example.cn/yy/3.html"))
    t = run_dir([tmp_path / "in"], tmp_path / "out")
    arts = t["articles"].set_index("location")
    copy, orig = arts.loc["a-copy.html"], arts.loc["b-orig.html"]
    assert copy["duplicate_of"] == orig["article_id"]
    assert 0.5 <= copy["dup_similarity"] < 1.0
    assert arts["duplicate_of"].notna().sum() == 1  # the other story is not merged
    dups = t["duplicates"]
    assert list(dups["method"]) == ["near"]
    assert copy["article_id"] not in set(t["facts"]["article_id"])
    assert arts.loc["b-orig.html", "article_id"] in set(t["facts"]["article_id"])


def test_earlier_copy_arriving_in_a_later_run_becomes_the_original(tmp_path):
    out = tmp_path / "out"
    late = write(tmp_path / "night1" / "late.html", page("鄞州12个重大项目同日开工", rewritten(STORY), "2018-03-13 10:00", "http://portal.example.com/a/9.html"))
    t1 = run_dir([late], out)
    assert t1["articles"]["duplicate_of"].isna().all() and len(t1["facts"]) > 0
    early = write(tmp_path / "night2" / "early.html", page("鄞州区86亿元项目集中开工", STORY, "2018-03-12 08:00", "http://news.example.cn/yz/2.html"))
    t2 = run_dir([early], out)
    arts = t2["articles"].set_index("location")
    assert len(arts) == 2  # both runs' pages, once each
    assert arts.loc["late.html", "duplicate_of"] == arts.loc["early.html", "article_id"]
    assert set(t2["facts"]["article_id"]) == {arts.loc["early.html", "article_id"]}


def test_url_and_exact_duplicates(tmp_path):
    html = page("鄞州区86亿元项目集中开工", STORY, "2018-03-12 08:00")
    saved = b"<!-- saved from url=(0033)http://news.example.cn/yz/2.html -->\n" + html
    tracked = (b"<!-- saved from url=(0059)http://news.example.cn/yz/2.html?utm_source=wechat&from=tl -->\n" + html)
    write(tmp_path / "in" / "1-tracked.html", tracked)
    write(tmp_path / "in" / "2-clean.html", saved)
    write(tmp_path / "in" / "3-print.html", html.replace(b"<h1>", b"<div class=print><h1>"))
    t = run_dir([tmp_path / "in"], tmp_path / "out")
    arts = t["articles"].set_index("location")
    clean_id = arts.loc["2-clean.html", "article_id"]
    assert pd.isna(arts.loc["2-clean.html", "duplicate_of"])
    assert arts.loc["1-tracked.html", "duplicate_of"] == clean_id  # the clean URL is the original
    assert arts.loc["3-print.html", "duplicate_of"] == clean_id
    methods = dict(zip(t["duplicates"]["article_id"], t["duplicates"]["method"]))
    assert methods[arts.loc["1-tracked.html", "article_id"]] == "url"
    assert methods[arts.loc["3-print.html", "article_id"]] == "exact"
    assert arts["article_id"].is_unique


def test_rerun_does_not_duplicate_a_page_against_itself(tmp_path):
    src = write(tmp_path / "in" / "x.html", page("鄞州区86亿元项目集中开工", STORY, "2018-03-12 08:00"))
    run_dir([src], tmp_path / "out")
    t = run_dir([src], tmp_path / "out")
    assert len(t["articles"]) == 1 and len(t["duplicates"]) == 0


@pytest.mark.parametrize("n", [1, 3])
def test_similarity_estimate_tracks_exact_jaccard(n):
    a, b = "".join(STORY * n), "".join(rewritten(STORY) * n)
    sa, sb = shingles(a, K), shingles(b, K)
    exact = len(sa & sb) / len(sa | sb)
    assert abs(similarity(signature(a, NUM_PERM, K), signature(b, NUM_PERM, K)) - exact) < 0.15


def test_state_database_of_another_version_is_refused_with_what_to_do(tmp_path):
    import sqlite3

    from pipeline.errors import StateError
    from pipeline.store.state import Store

    path = tmp_path / "newsfacts.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")  # signatures of the datasketch era
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StateError, match=r"another version \(1, this newsfacts uses \d+\); move it away"):
        Store(path, default_settings().dedupe).open()
    assert path.read_bytes() == before


def test_signatures_are_32_bit_and_round_trip_through_the_store_format():
    from pipeline.store.minhash import from_blob, to_blob

    sig = signature("鄞州区实现进出口总额297亿元，增长27.3%。" * 5, NUM_PERM, K)
    assert int(sig.max()) <= 0xFFFFFFFF and len(to_blob(sig)) == 4 * len(sig)
    assert (from_blob(to_blob(sig)) == sig).all()


@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_band_layout_is_the_one_datasketch_chooses(num_perm):
    from datasketch import MinHashLSH

    from pipeline.store.minhash import band_layout

    for threshold in (0.1, 0.3, 0.45, 0.5, 0.6, 0.75, 0.9):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert band_layout(threshold, num_perm) == (lsh.b, lsh.r)


def test_signatures_estimate_jaccard_as_well_as_datasketch():
    # pairs of stories sharing more or less text: our numpy MinHash against datasketch's
    import random

    import numpy as np
    from datasketch import MinHash

    rng = random.Random(5)
    words = list(STORY * 3)
    err_ours, err_theirs = [], []
    for _ in range(40):
        a = "".join(rng.sample(words, len(words)))
        keep = rng.random()
        b = "".join(ch if rng.random() < keep else rng.choice("增长投资项目亿元万吨") for ch in a)
        sa, sb = shingles(a, K), shingles(b, K)
        exact = len(sa & sb) / len(sa | sb)
        ma, mb = MinHash(num_perm=128, seed=1), MinHash(num_perm=128, seed=1)
        ma.update_batch(list(sa))
        mb.update_batch(list(sb))
        err_ours.append(abs(similarity(signature(a, NUM_PERM, K), signature(b, NUM_PERM, K)) - exact))
        err_theirs.append(abs(ma.jaccard(mb) - exact))
    assert np.mean(err_ours) < 1.5 * np.mean(err_theirs) + 0.005
    assert np.mean(err_ours) < 0.05


def _reference_signature(text: str, num_perm: int, k: int) -> list[int]:
    """MinHash by the definition, in Python integers: each distinct k-gram's polynomial hash mixed
    by murmur3's finalizer, then for each permutation (a, b) the least ((a * x + b) mod 2**64) >> 32."""
    mask = 2**64 - 1
    norm = normalize_for_hash(text)
    points = [ord(c) for c in norm]
    k = min(k, len(points))
    hashes = set()
    for i in range(len(points) - k + 1):
        h = 0
        for p in points[i:i + k]:
            h = (h * 0x100000001B3 + p) & mask
        h ^= h >> 33
        h = (h * 0xFF51AFD7ED558CCD) & mask
        h ^= h >> 33
        h = (h * 0xC4CEB9FE1A85EC53) & mask
        h ^= h >> 33
        hashes.add(h)
    a, b = _permutations(num_perm)
    return [min(((int(aj) * x + int(bj)) & mask) >> 32 for x in hashes) for aj, bj in zip(a, b)]


def test_signatures_are_minhash_by_its_definition():
    rng = random.Random(11)
    alphabet = "联镇村促发展项目总投资亿元增长，。 0123456789%"
    texts = ["鄞州区实现进出口总额297亿元，增长27.3%。", "一二三", "短"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(5, 400))) for _ in range(8)]
    texts += ["联镇村" * 50]  # the same shingles many times
    for text in texts:
        assert signature(text, 32, K).tolist() == _reference_signature(text, 32, K)
        hashes = shingle_hashes(text, K)
        assert hashes.tolist() == sorted(set(hashes.tolist()))
