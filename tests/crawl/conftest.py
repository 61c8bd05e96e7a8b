"""Fixtures shared by the crawl tests."""
from __future__ import annotations

import pytest

from tests.crawl.many_hosts import Farm


@pytest.fixture()
def farms():
    """Start loopback host farms (tests/crawl/many_hosts.py) as a test asks; all stopped after it."""
    started: list[Farm] = []

    def make(*args, **kwargs) -> Farm:
        started.append(Farm(*args, **kwargs))
        return started[-1]

    yield make
    for farm in started:
        farm.stop()
