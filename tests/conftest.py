"""Shared fixtures: paths of the bundled corpus, one CLI run of the corpus, and the loopback guard.

The guard is on for every test: a connect to anything but a loopback address fails (and is
recorded), so no test reaches beyond 127.0.0.1 even when the code under test is asked to.
"""
from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# The suite runs the fact rules' Python modules, not their compiled build (pipeline/compiled.py):
# doctests are collected from the .py files and tracebacks point at them.  tests/test_compiled.py
# runs the build in subprocesses and compares its tables with these modules'.
os.environ["NEWSFACTS_PURE_PYTHON"] = "1"

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpora" / "samples"
GOLD = REPO / "corpora" / "gold" / "samples.jsonl"


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it (python -m pipeline == newsfacts)."""
    # one worker unless a test asks for more: starting worker processes costs seconds per run
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NEWSFACTS_WORKERS=os.environ.get("NEWSFACTS_WORKERS", "1"))
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd or REPO, capture_output=True, text=True,
        timeout=timeout, env=env,
    )


@pytest.fixture(scope="session")
def gold_records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """`newsfacts run corpora/samples --out OUT`, once per test session."""
    out = tmp_path_factory.mktemp("corpus-out")
    proc = run_cli("run", str(SAMPLES), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="session")
def corpus_tables(corpus_run) -> dict:
    from pipeline.store.export import load_outputs

    return load_outputs(corpus_run[0])


def _loopback(host: object) -> bool:
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


@pytest.fixture(autouse=True)
def connect_guard(monkeypatch) -> list[str]:
    """Refuse (and record) any connect to a non-loopback address; returns the refused hosts."""
    refused: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create = socket.create_connection

    def check(family, address) -> None:
        if family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            refused.append(str(address[0]))
            raise ConnectionRefusedError(f"test guard: refused non-loopback connect to {address[0]}")

    def connect(self, address):
        check(self.family, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(self.family, address)
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        check(socket.AF_INET, address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return refused
