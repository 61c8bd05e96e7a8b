"""The command line as an operator uses it: bad inputs, exit codes, logs, summary, help."""
from __future__ import annotations

import gzip
import os
import shutil

import pytest

from pipeline.store.export import load_outputs
from tests.conftest import SAMPLES, run_cli

GOOD = SAMPLES / "zjol" / "t20180926_8348721.shtml.html"


@pytest.fixture()
def bad_folder(tmp_path):
    """A folder of one good page and every kind of bad input."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(GOOD, d / "good.html")
    (d / "empty.html").write_bytes(b"")
    (d / "report.htm").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (d / "shell.html").write_bytes(b"<html><head><title>x</title></head><body><div id=app></div></body></html>")
    data = gzip.compress(GOOD.read_bytes())
    (d / "cut.html.gz").write_bytes(data[: len(data) // 2])
    locked = d / "locked.html"
    locked.write_bytes(GOOD.read_bytes())
    locked.chmod(0)
    (d / "notes.txt").write_text("not a page, ignored in folders")
    yield d
    locked.chmod(0o644)


def test_bad_inputs_are_skipped_with_reasons_and_the_run_completes(bad_folder, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("run", str(bad_folder), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr
    readable = 2 if os.geteuid() == 0 else 1  # root can read a file with mode 000
    assert f"articles extracted this run: {readable}" in err
    for reason, where in [("empty_file", "empty.html"), ("non_html", "report.htm"), ("empty_body", "shell.html"),
                          ("truncated_gzip", "cut.html.gz")]:
        assert f"reason={reason}" in err and where in err, reason
    if os.geteuid() != 0:  # root reads any file
        assert "reason=unreadable" in err and "locked.html" in err
    assert "notes.txt" not in err
    assert len(load_outputs(out)["articles"]) == readable


def test_a_later_bad_run_loses_nothing_already_written(corpus_run, bad_folder, tmp_path):
    out = tmp_path / "out"
    assert run_cli("run", str(SAMPLES), "--out", str(out), "-q").returncode == 0
    before = load_outputs(out)
    proc = run_cli("run", str(bad_folder), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    after = load_outputs(out)
    assert set(before["articles"]["location"]) <= set(after["articles"]["location"])
    assert len(after["facts"]) >= len(before["facts"])
    assert after["articles"]["article_id"].is_unique


def test_nothing_readable_exits_1(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.html").write_bytes(b"")
    proc = run_cli("run", str(d), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "no article could be read" in proc.stderr


@pytest.mark.parametrize("args", [
    ["run", "does/not/exist", "--out", "x"],
    ["run", str(SAMPLES)],  # --out missing
    ["frobnicate"],
    ["run", str(SAMPLES), "--out", "x", "--workers", "0"],
])
def test_usage_errors_exit_2(args, tmp_path):
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr


def test_bad_config_file_is_named(tmp_path):
    cfg = tmp_path / "my.toml"
    cfg.write_text("[dedupe\nthreshold = 0.5\n")
    proc = run_cli("run", str(GOOD), "--out", str(tmp_path / "out"), "--config", str(cfg))
    assert proc.returncode == 2 and "my.toml" in proc.stderr and "not valid TOML" in proc.stderr


def test_quiet_and_verbose(tmp_path, bad_folder):
    quiet = run_cli("run", str(bad_folder), "--out", str(tmp_path / "q"), "-q")
    assert "SKIP" not in quiet.stderr and "pages read" in quiet.stderr
    verbose = run_cli("run", str(bad_folder), "--out", str(tmp_path / "v"), "-v")
    assert "SKIP" in verbose.stderr and "INFO" in verbose.stderr


def test_no_progress_bar_when_not_a_terminal(tmp_path):
    proc = run_cli("run", str(GOOD), "--out", str(tmp_path / "out"))
    assert "page/s" not in proc.stderr and "it/s" not in proc.stderr


def test_help_lists_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0 and "run" in proc.stdout and "evaluate" in proc.stdout


def test_site_override_from_config(tmp_path):
    page = tmp_path / "odd.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>站点</title><link rel="canonical" href="http://odd.example.cn/a/1.html"></head><body>'
        '<div class="x-head">鄞州区新签约项目12个</div><div class="x-meta">2018-03-01 来源：鄞州发布</div>'
        '<div class="junk">' + "热门推荐：各地新闻一览，欢迎阅读本站的其他精彩内容，更多资讯请关注官方微博和微信公众号。" * 3 + '</div>'
        '<div class="x-body"><span>鄞州区今天集中签约项目12个，总投资达到56亿元，其中外资项目3个。</span></div>'
        "</body></html>", encoding="utf-8")
    cfg = tmp_path / "sites.toml"
    cfg.write_text('[sites."odd.example.cn"]\ntitle = "div.x-head"\nbody = "div.x-body"\npublished_at = "div.x-meta"\n'
                   'source_name = "div.x-meta"\n', encoding="utf-8")
    proc = run_cli("run", str(page), "--out", str(tmp_path / "out"), "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr
    art = load_outputs(tmp_path / "out")["articles"].iloc[0]
    assert art["title"] == "鄞州区新签约项目12个"
    assert art["content"] == "鄞州区今天集中签约项目12个，总投资达到56亿元，其中外资项目3个。"
    assert art["published_at"].date().isoformat() == "2018-03-01" and art["published_precision"] == "day"
    assert art["source_name"] == "鄞州发布"


def test_progress_bar_on_request(tmp_path):
    proc = run_cli("run", str(GOOD), "--out", str(tmp_path / "out"), "--progress")
    assert proc.returncode == 0 and "pages:" in proc.stderr and "page/s" in proc.stderr


def test_worker_count_does_not_change_the_output(corpus_run, bad_folder, tmp_path):
    first, _ = corpus_run
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path / "w2"), "--workers", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    for name in ("articles", "facts", "projects", "duplicates"):
        assert (first / f"{name}.csv").read_bytes() == (tmp_path / "w2" / f"{name}.csv").read_bytes(), name
    # skips come back from the worker processes too
    one = run_cli("run", str(bad_folder), "--out", str(tmp_path / "b1"), "--workers", "1")
    two = run_cli("run", str(bad_folder), "--out", str(tmp_path / "b2"), "--workers", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stderr.splitlines()[-6:] == two.stderr.splitlines()[-6:]


def test_skips_survive_pickling():
    import pickle

    from pipeline.errors import Skip

    s = Skip("non_html", "a.htm", "PDF bytes")
    assert pickle.loads(pickle.dumps(s)) == s
