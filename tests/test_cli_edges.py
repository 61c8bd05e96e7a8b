"""Edges of the command line: unusable output folders, inputs without pages, --version, the help
text, and one worker chosen by itself for a small input."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata

import pytest

from tests.conftest import REPO, SAMPLES, run_cli

GOOD = SAMPLES / "zjol" / "t20180926_8348721.shtml.html"


def _one_clear_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    """Exit code 2 and a single `error:` line on stderr holding every needle, no traceback."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# --- 1. an output folder that cannot be used ---------------------------------------------------

def test_out_that_is_a_file_is_refused_with_exit_2(tmp_path):
    f = tmp_path / "tables.csv"
    f.write_text("not a folder")
    proc = run_cli("run", str(GOOD), "--out", str(f))
    _one_clear_error(proc, str(f), "is a file, not a folder", "name a folder")
    assert f.read_text() == "not a folder"


def test_out_inside_a_file_is_refused_with_exit_2(tmp_path):
    f = tmp_path / "tables.csv"
    f.write_text("not a folder")
    proc = run_cli("run", str(GOOD), "--out", str(f / "sub" / "out"))
    _one_clear_error(proc, str(f / "sub" / "out"), f"{f} is a file, not a folder")


def test_state_that_is_a_file_is_refused_with_exit_2(tmp_path):
    f = tmp_path / "state"
    f.write_text("")
    proc = run_cli("run", str(GOOD), "--out", str(tmp_path / "out"), "--state", str(f))
    _one_clear_error(proc, "--state", str(f), "is a file, not a folder")
    assert not (tmp_path / "out").exists()  # refused before anything is written


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a mode-555 folder: the permission cannot bind "
                                              "(the path-under-a-file cases above cover the refusal)")
def test_out_in_a_read_only_folder_is_refused_with_exit_2(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        existing = run_cli("run", str(GOOD), "--out", str(ro))
        _one_clear_error(existing, str(ro), "not writable", "choose another folder")
        below = run_cli("run", str(GOOD), "--out", str(ro / "out"))
        _one_clear_error(below, str(ro / "out"), "not writable")
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("flag", ["--out", "--state"])
def test_crawl_out_or_state_that_is_a_file_is_refused_with_exit_2(tmp_path, flag):
    f = tmp_path / "taken"
    f.write_text("")
    folders = {"--out": str(tmp_path / "out"), "--state": str(tmp_path / "state")}
    folders[flag] = str(f)
    proc = run_cli("crawl", "--sources", str(tmp_path / "sources.toml"), "--out", folders["--out"],
                   "--state", folders["--state"])
    _one_clear_error(proc, flag, str(f), "is a file, not a folder")


# --- 2. an input without pages --------------------------------------------------------------

@pytest.mark.parametrize("content", ["empty", "only_other_files"])
def test_input_without_pages_names_the_path_and_exits_1(tmp_path, content):
    d = tmp_path / "in"
    d.mkdir()
    if content == "only_other_files":
        (d / "notes.txt").write_text("not a page")
        (d / "sub").mkdir()
        (d / "sub" / "data.json").write_text("{}")
    proc = run_cli("run", str(d), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stderr
    assert f"no pages found under {d}" in proc.stderr
    assert "SKIP" not in proc.stderr and "Traceback" not in proc.stderr


def test_nothing_readable_with_quiet_does_not_point_at_hidden_skip_lines(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.html").write_bytes(b"")
    proc = run_cli("run", str(d), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 1
    assert "no article could be read" in proc.stderr and "run without -q" in proc.stderr
    assert "no pages found" not in proc.stderr


# --- 3. --version ---------------------------------------------------------------------------

def test_version_prints_the_package_version():
    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"newsfacts {metadata.version('newsfacts')}"


# --- 4. help without type clutter -----------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "crawl"])
def test_help_shows_flags_and_verbose_count_without_types(command):
    proc = run_cli(command, "--help")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "<bool>" not in text and "<int>" not in text, text
    assert re.search(r"-v, --verbose\s+More log output; -vv for debug\.", text), text
    assert re.search(r"-q, --quiet\s+Only errors", text), text
    if command == "run":
        assert re.search(r"--progress / --no-progress\s+Progress bar", text), text
        assert re.search(r"-w, --workers N\s+Worker processes", text), text
        assert "explicit N is always used" in " ".join(text.split())


# --- 5. one worker for a small input --------------------------------------------------------

def _run_default_workers(*args: str) -> subprocess.CompletedProcess:
    """The CLI with no NEWSFACTS_WORKERS (run_cli sets it to 1): the worker count is chosen by itself."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSFACTS_WORKERS"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env=env)


def test_auto_threshold_is_the_one_help_names():
    from pipeline import cli
    from pipeline.engines import local

    assert cli.AUTO_ONE_WORKER_BELOW == local.AUTO_ONE_WORKER_BELOW


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every run has one worker anyway")
def test_small_input_runs_in_one_worker_by_default_and_gives_the_same_tables(tmp_path):
    d = tmp_path / "in"
    (d / "zjol").mkdir(parents=True)
    for page in sorted((SAMPLES / "zjol").iterdir())[:3]:
        (d / "zjol" / page.name).write_bytes(page.read_bytes())
    auto = _run_default_workers("run", str(d), "--out", str(tmp_path / "auto"), "-v")
    assert auto.returncode == 0, auto.stderr
    assert "workers: 1 (auto: 3 pages, fewer than" in auto.stderr, auto.stderr
    explicit = _run_default_workers("run", str(d), "--out", str(tmp_path / "two"), "-v", "--workers", "2")
    assert explicit.returncode == 0, explicit.stderr
    assert "(auto:" not in explicit.stderr  # an explicit --workers N wins
    for name in ("articles", "facts", "projects", "duplicates"):
        assert (tmp_path / "auto" / f"{name}.csv").read_bytes() == (tmp_path / "two" / f"{name}.csv").read_bytes()


def test_page_count_stops_at_the_limit(tmp_path):
    from pipeline.engines.local import count_pages
    from pipeline.read.warc_writer import WarcEntry, write_warc

    for i in range(5):
        (tmp_path / f"p{i}.html").write_bytes(GOOD.read_bytes())
    (tmp_path / "notes.txt").write_text("not a page")
    assert count_pages([tmp_path], 1 << 20, limit=100) == 5
    assert count_pages([tmp_path], 1 << 20, limit=3) == 3
    warc = tmp_path / "w" / "pages.warc.gz"
    write_warc([WarcEntry(url=f"http://news.example.cn/{i}.html", body=GOOD.read_bytes(),
                          content_type="text/html; charset=utf-8") for i in range(4)]
               + [WarcEntry(url="http://news.example.cn/x.pdf", body=b"%PDF-1.4", content_type="application/pdf")],
               warc)
    assert count_pages([warc], 1 << 20, limit=100) == 4  # HTML records only
    assert count_pages([warc], 1 << 20, limit=2) == 2
    assert count_pages([tmp_path / "missing"], 1 << 20, limit=100) == 0
