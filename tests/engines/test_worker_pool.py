"""The local engine's worker processes under a killed worker, a page over its time budget and a
killed run; and the time budget in one process (SIGALRM).

Real processes throughout: a run of ``tests.engines.slow_pages`` in a process (and session) of
its own, watched through its output and ``/proc``, its worker killed with SIGKILL as the
out-of-memory killer does.  Every wait has a deadline, so a hang fails the test instead of
hanging it, and the run's whole process group is killed at the end whatever happened.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.config import default_settings
from pipeline.engines.local import process_all
from pipeline.errors import Skip
from pipeline.page import safe_process_pages
from pipeline.records import PageResult
from tests.engines.slow_pages import SMALL_PARAGRAPHS, articles, page

REPO = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or sys.platform != "linux",
                                reason="watches processes through /proc")


# --------------------------------------------------------------------------- processes through /proc


def stat(pid: int) -> tuple[int, str, int, int] | None:
    """(parent pid, state, CPU ticks used, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (command) "
    return int(fields[1]), fields[0], int(fields[11]) + int(fields[12]), int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """pid -> start time of every process below ``pid`` (children, grandchildren, ...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (s := stat(int(entry.name))):
            parents[int(entry.name)] = (s[0], s[3])
    found, frontier = {}, {pid}
    while frontier:
        frontier = {p for p, (ppid, _) in parents.items() if ppid in frontier and p not in found}
        found.update({p: parents[p][1] for p in frontier})
    return found


def alive(pid: int, started: int) -> bool:
    s = stat(pid)
    return s is not None and s[3] == started and s[1] != "Z"  # a zombie has exited


def busy_descendant(pid: int, within: float = 60.0) -> int:
    """The one process below ``pid`` that burns CPU while the others idle: the worker reading
    the slow page once the small pages are read."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = {p: (stat(p) or (0, "", 0, 0))[2] for p in descendants(pid)}
        time.sleep(0.5)
        used = {p: (stat(p) or (0, "", 0, 0))[2] - t for p, t in before.items()}
        busy = [p for p, ticks in used.items() if ticks >= 0.2 * TICKS]
        if len(busy) == 1 and all(ticks <= 0.05 * TICKS for p, ticks in used.items() if p != busy[0]):
            return busy[0]
    pytest.fail(f"no single busy worker below {pid} within {within} s")


class Run:
    """``python -m tests.engines.slow_pages`` in a session of its own, its output read line by line."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.engines.slow_pages", *args], cwd=REPO, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, encoding="utf-8", start_new_session=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def record(self, deadline: float, what: str) -> dict:
        try:
            record = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail(f"the run hung: nothing came {what}")
        assert record is not None, f"the run ended (exit {self.proc.wait()}) before {what}"
        return record

    def rest(self, deadline: float, what: str) -> tuple[list[dict], float]:
        """The remaining records up to ``{"done": seconds}``."""
        out = []
        while "done" not in (record := self.record(deadline, what)):
            out.append(record)
        return out, record["done"]

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the run and whatever it started, however it ended
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)


def by_location(records: list[dict]) -> dict[str, dict]:
    locations = [r["location"] for r in records]
    assert len(locations) == len(set(locations)), f"a page came back twice: {locations}"
    return {r["location"]: r for r in records}


# --------------------------------------------------------------------------- worker processes


def test_a_killed_worker_costs_its_article_and_the_run_goes_on():
    layout = "s,s,s,s,B,s,s,s,s"
    with Run("--workers", "2", "--layout", layout) as run:
        deadline = time.monotonic() + 120
        first = [run.record(deadline, "for the first small pages") for _ in range(4)]
        victim = busy_descendant(run.proc.pid)  # the results come in order: the slow page is next
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        rest, _ = run.rest(killed_at + 60, "after a worker was killed (the pool waits for it forever?)")
        finished = time.monotonic() - killed_at
    records = first + rest
    assert [r["location"] for r in records] == [f"{k}{i}.html" for i, k in enumerate(layout.split(","))]
    got = by_location(records)
    killed = got.pop("B4.html")
    assert killed["skip"] == "worker_killed", killed
    assert "signal 9" in killed["detail"] and "not stored" in killed["detail"] and "--workers 1" in killed["detail"]
    assert all("skip" not in r and r["facts"] > 0 for r in got.values()), got
    assert finished < 60
    print(f"after the kill: 1 worker_killed, {len(got)} pages read, run finished {finished:.1f} s later")


def test_an_article_over_the_time_budget_has_its_worker_stopped():
    layout = "s,s,B,s,s,s"
    with Run("--workers", "2", "--layout", layout, "--timeout", "1.5") as run:
        records, seconds = run.rest(time.monotonic() + 120, "with a page over its time budget")
    assert [r["location"] for r in records] == [f"{k}{i}.html" for i, k in enumerate(layout.split(","))]
    got = by_location(records)
    slow = got.pop("B2.html")
    assert slow["skip"] == "timeout", slow
    assert "longer than 1.5 s" in slow["detail"] and "page_timeout_s" in slow["detail"]
    assert all("skip" not in r and r["facts"] > 0 for r in got.values()), got
    print(f"1 timeout, {len(got)} pages read, run took {seconds:.1f} s")


def test_no_worker_outlives_a_killed_run():
    with Run("--workers", "2", "--layout", "B,B,B,B") as run:
        # a worker well into a slow page (starting costs a worker about a second of CPU): a worker
        # that is idle or still starting notices the run's end anyway, a busy one must too
        deadline = time.monotonic() + 60
        while not any((stat(p) or (0, "", 0, 0))[2] >= 3 * TICKS for p in descendants(run.proc.pid)):
            if time.monotonic() > deadline:
                pytest.fail("no worker got to work")
            time.sleep(0.2)
        below = descendants(run.proc.pid)  # workers, the fork server, the resource tracker
        assert len(below) >= 2
        os.kill(run.proc.pid, signal.SIGKILL)
        run.proc.wait(timeout=10)
        gone_by = time.monotonic() + 5
        while time.monotonic() < gone_by and any(alive(p, t) for p, t in below.items()):
            time.sleep(0.1)
        left = {p: stat(p) for p, t in below.items() if alive(p, t)}
    assert left == {}, f"processes of the killed run still there 5 s later: {left}"


# --------------------------------------------------------------------------- in this process


def test_an_article_over_the_time_budget_is_cut_off_in_this_process():
    settings = default_settings()
    given = articles("s,B,s")
    counted, out, took = [], [], []
    start = time.monotonic()
    for result in process_all(given, settings, 1, lambda: counted.append(1), page_timeout_s=1.0):
        out.append(result)
        took.append(time.monotonic() - start)
        start = time.monotonic()
    assert [type(r) for r in out] == [PageResult, Skip, PageResult]
    assert out[1].reason == "timeout" and out[1].location == "B1.html", out[1]
    assert "longer than 1 s" in out[1].detail
    assert len(counted) == 3
    assert took[1] < 5, f"the slow page was not cut off: {took[1]:.1f} s"  # it takes 33 s when read whole
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # the interrupted page left nothing behind: the next page reads as it does alone
    assert out[2] == safe_process_pages(given[2], settings)


def test_a_callers_alarm_is_left_alone_in_this_process():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    try:
        out = list(process_all([[page("s0", SMALL_PARAGRAPHS)]], default_settings(), 1, lambda: None,
                               page_timeout_s=0.001))
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert isinstance(out[0], PageResult) and not fired
