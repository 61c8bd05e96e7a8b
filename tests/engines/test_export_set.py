"""The four tables change together or not at all (issue 14, points 2 and 3).

A run is stopped with SIGSTOP the moment it is writing the facts table, its files and
processes are looked at, then it is killed with SIGKILL, as a user's kill -9 or the out-of-memory
killer would: the output folder must hold the previous set whole, no helper process may outlive
the run (nor keep its caller's pipes open), and the next run must write every stored page.
"""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import default_settings
from pipeline.engines.run import run
from pipeline.errors import PipelineError
from pipeline.store import export
from pipeline.store.tableset import finish_interrupted_export, write_switch_list

ROOT = Path(__file__).resolve().parents[2]
FILES = [f"{t}.{x}" for t in ("articles", "facts", "projects", "duplicates") for x in ("csv", "parquet")]

SENTENCE = "第{n}县第{k}个产业项目计划总投资{a}.{k}亿元，建成后预计年产各类零部件{b}万件，带动就业增长{c}.{k}%。"


def write_pages(folder: Path, first: int, count: int, sentences: int = 30) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(first, first + count):
        body = "".join(f"<p>{SENTENCE.format(n=n, k=k, a=n % 90 + 2, b=k + 3, c=k % 9 + 1)}</p>"
                       for k in range(1, sentences + 1))
        html = (f'<html><head><meta charset="utf-8"><title>第{n}县重大项目集中开工</title></head><body>'
                f'<h1>第{n}县重大项目集中开工</h1><div class="time">2022年3月{n % 28 + 1}日 10:00</div>'
                f'<div class="content">{body}</div></body></html>')
        (folder / f"page-{n:04d}.html").write_text(html, encoding="utf-8")


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc: children of children included)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stop_while_writing_facts(args: list[str], out: Path, timeout: float = 240) -> subprocess.Popen:
    """Start ``newsfacts run ARGS`` and SIGSTOP it as soon as a temporary facts file appears."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args, "--out", str(out), "-q"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(name.startswith(".facts.") and ".tmp-" in name for name in os.listdir(out)):
            os.kill(proc.pid, signal.SIGSTOP)
            return proc
        if proc.poll() is not None:
            pytest.fail(f"the run ended before its facts table was written: {proc.stderr.read().decode()}")
        time.sleep(0.001)
    proc.kill()
    pytest.fail("the run did not start writing its tables in time")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("inputs")
    write_pages(base / "first", 1, 3)
    write_pages(base / "second", 100, 160)
    return {"first": base / "first", "second": base / "second"}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_run_killed_while_writing_keeps_the_previous_set_and_leaves_no_process(tmp_path, inputs, workers):
    out = tmp_path / "out"
    run([str(inputs["first"])], out, default_settings())
    before = snapshot(out)

    proc = stop_while_writing_facts([str(inputs["second"]), "--workers", workers], out)
    below = descendants(proc.pid)
    proc.kill()  # SIGKILL: no cleanup runs in the run itself
    try:
        proc.communicate(timeout=10)  # a helper holding the run's stdout/stderr would block this
    except subprocess.TimeoutExpired:
        pytest.fail("the killed run's helper processes keep its stdout/stderr open")
    deadline = time.monotonic() + 10
    while any(alive(p) for p in below) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in below), "a helper process outlived the killed run"

    assert snapshot(out) == before, "the output folder holds a mix of the old and the new tables"

    # The next run (here the first input again) writes every stored page, the killed run's too.
    run([str(inputs["first"])], out, default_settings())
    articles = pd.read_csv(out / "articles.csv", dtype=str)
    assert len(articles) == 163
    assert not [p for p in os.listdir(out) if ".tmp-" in p]


def test_a_full_disk_leaves_the_previous_set_whole_with_a_clear_message(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out"
    run([str(inputs["first"])], out, default_settings())
    before = snapshot(out)
    real = export._arrow_batch

    def disk_full_at_facts(values, columns, schema):  # articles are written by then
        if [c for c, _ in columns][0] == "fact_id":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(values, columns, schema)

    monkeypatch.setattr(export, "_arrow_batch", disk_full_at_facts)
    write_pages(tmp_path / "more", 500, 2)
    with pytest.raises(PipelineError) as caught:
        run([str(tmp_path / "more")], out, default_settings())
    message = str(caught.value)
    assert str(out) in message and "no space left" in message.lower() and "unchanged" in message
    assert snapshot(out) == before
    assert not [p for p in os.listdir(out) if ".tmp-" in p]

    monkeypatch.setattr(export, "_arrow_batch", real)  # space again: the next run writes them all
    run([str(inputs["first"])], out, default_settings())
    assert len(pd.read_csv(out / "articles.csv", dtype=str)) == 5


def test_a_switch_cut_short_is_finished_at_the_next_start(tmp_path, inputs):
    """Killed during the renames: the switch list names what is left, and the next start
    finishes it, so the set is the new one whole."""
    out = tmp_path / "out"
    run([str(inputs["first"])], out, default_settings())
    old = snapshot(out)
    new = {name: data + b"\n" for name, data in old.items()}  # stands for the next set
    for name, data in new.items():
        (out / f".{name}.tmp-1").write_bytes(data)
    write_switch_list(out, [(f".{name}.tmp-1", name) for name in FILES])
    (out / ".articles.csv.tmp-1").replace(out / "articles.csv")  # one rename done, then killed
    assert finish_interrupted_export(out) is True
    assert snapshot(out) == new
    assert not [p for p in os.listdir(out) if p.startswith(".newsfacts-switch") or ".tmp-" in p]
