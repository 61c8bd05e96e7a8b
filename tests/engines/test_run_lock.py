"""A batch run takes the state folder's OS lock, as the crawl does: a second run into the same
output folder never deletes the first one's temporary files or mixes its tables."""
from __future__ import annotations

import os
import threading
import time

from pipeline.config import default_settings
from pipeline.engines.run import run
from pipeline.store.lock import RunLock
from tests.conftest import SAMPLES, run_cli

PAGE = next(p for p in sorted(SAMPLES.rglob("*.htm*")))


def test_a_second_run_into_a_held_folder_exits_75_naming_the_holder(tmp_path):
    out = tmp_path / "out"
    with RunLock(out / ".state" / "newsfacts.lock"):
        (out / "articles.csv.tmp-other").write_text("a file the holder is writing")
        proc = run_cli("run", str(PAGE), "--out", str(out))
    assert proc.returncode == 75, proc.stderr
    assert f"pid {os.getpid()}" in proc.stderr and "--wait" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "articles.csv.tmp-other").exists()  # nothing of the holder's was touched
    assert not (out / "articles.csv").exists()


def test_a_run_with_wait_runs_once_the_holder_is_done(tmp_path):
    out = tmp_path / "out"
    lock = RunLock(out / ".state" / "newsfacts.lock").acquire()
    released = []

    def release_later():
        time.sleep(1.0)
        released.append(time.monotonic())
        lock.release()

    thread = threading.Thread(target=release_later)
    thread.start()
    summary = run([str(PAGE)], out, default_settings(), workers=1, progress=False, wait=True)
    finished = time.monotonic()
    thread.join()
    assert released and finished >= released[0]
    assert summary.articles == 1 and (out / "articles.csv").exists()


def test_the_lock_is_that_of_the_state_folder_given(tmp_path):
    state = tmp_path / "shared-state"  # a crawl's --state: the crawl locks this same file
    with RunLock(state / "newsfacts.lock"):
        proc = run_cli("run", str(PAGE), "--out", str(tmp_path / "out"), "--state", str(state))
    assert proc.returncode == 75


def test_a_deleted_state_folder_is_said_with_how_to_rebuild(tmp_path):
    import shutil

    out = tmp_path / "out"
    first = run_cli("run", str(PAGE), "--out", str(out))
    assert first.returncode == 0 and "warning:" not in first.stderr
    shutil.rmtree(out / ".state")
    second = run_cli("run", str(PAGE), "--out", str(out))
    assert second.returncode == 0
    assert "warning: the state folder" in second.stderr and "run again over all the inputs" in second.stderr
