"""Hosts that cannot be crawled tonight, and the sources they leave with nothing fetched.

Kept apart from the scheduler (:mod:`pipeline.crawl.crawler`) because it is one decision with its
own vocabulary: when to give a host up for the run, and how to tell the operator.

Two kinds of trouble, both per host and per run:

* **The host cannot be asked at all.**  Its robots.txt could not be read (5xx, 429, timeout,
  connection refused, DNS): RFC 9309 says fetch nothing, reason ``robots_unavailable``.  Or the
  address guard refused it (a name resolving to a private address; SSRF): ``address_refused``.
  Or it is not in the source's ``allowed_hosts``: ``host_not_allowed``.  These used to be
  counted as ``robots_disallowed``, the reason for a site that *asked* us to stay away, and a
  source left with nothing fetched exited 0: a night that fetched nothing looked like a quiet
  one.  Now a source whose every URL ran into such trouble, with no page fetched, is
  *unreachable*: the summary names it and why, and the command exits 1.
* **The host is too slow.**  A host that drips bytes costs the whole-fetch deadline on every
  try, three tries a URL: 94 s a URL with the shipped 30 s deadline, hours for a site of
  articles, while the other hosts wait their turn.  After :data:`MAX_HOST_TIMEOUTS` timeouts
  (``read_timeout``, ``deadline``, ``connect_error``) on one host in a run, its remaining URLs
  are deferred to the next run (status ``deferred``, ``last_error`` ``host_deferred``): kept in
  the state and asked again tomorrow, when the host may be well, not marked failed.  Nutch
  purges a host queue after a number of exceptions the same way
  (``fetcher.max.exceptions.per.queue``).  Three is one URL's worth of tries: a host that times
  out on three fetches in one night will not do better on the next fifty.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_HOST_TIMEOUTS = 3
TIMEOUT_REASONS = frozenset({"read_timeout", "deadline", "connect_error"})

# What each kind of trouble means for the operator, after the reason and the host.
_ADVICE = {
    "robots_unavailable": "nothing is fetched from a host whose robots.txt cannot be read (RFC 9309); "
                          "it is asked again next run",
    "address_refused": "the address guard refuses private, loopback and link-local addresses; for an "
                       "intranet site set allow_private_addresses = true in its source",
    "host_not_allowed": "add the host to the source's allowed_hosts",
    "host_deferred": "its URLs are kept and asked again next run",
}


def robots_failure_reason(fetch_reason: str) -> str:
    """The skip reason for the URLs of a host whose robots.txt fetch failed with ``fetch_reason``.

    >>> [robots_failure_reason(r) for r in ("http_503", "deadline", "blocked_ssrf", "host_not_allowed")]
    ['robots_unavailable', 'robots_unavailable', 'address_refused', 'host_not_allowed']
    """
    if fetch_reason == "blocked_ssrf":
        return "address_refused"
    if fetch_reason == "host_not_allowed":
        return "host_not_allowed"
    return "robots_unavailable"


@dataclass
class HostTrouble:
    """One run's book of hosts in trouble and of what each source got fetched."""

    max_timeouts: int = MAX_HOST_TIMEOUTS
    timeouts: Counter = field(default_factory=Counter)            # host -> timeouts this run
    deferred: dict[str, str] = field(default_factory=dict)        # host -> the timeouts that deferred it
    refused: dict[str, tuple[str, str]] = field(default_factory=dict)  # host -> (reason, what happened)
    fetched: Counter = field(default_factory=Counter)             # source -> pages fetched (200 or 304)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> host -> why it got nothing

    # -- hosts that cannot be asked ------------------------------------------------------------
    def robots_failed(self, host: str, fetch_reason: str, detail: str) -> str:
        """Record a host whose robots.txt could not be fetched; returns the skip reason of its URLs."""
        reason = robots_failure_reason(fetch_reason)
        if reason == "address_refused":
            what = f"the address guard refused {host} ({detail})"
        elif reason == "host_not_allowed":
            what = f"{host} is not in allowed_hosts"
        else:
            what = f"robots.txt of {host} could not be read ({fetch_reason}: {detail})"
        self.refused[host] = (reason, what)
        return reason

    def refusal(self, host: str) -> str | None:
        """The skip reason for a URL of ``host`` if the host cannot be asked this run."""
        return self.refused[host][0] if host in self.refused else None

    def skipped(self, source: str, host: str) -> None:
        """A URL of ``source`` was not fetched because ``host`` cannot be asked this run."""
        reason, what = self.refused[host]
        self.sources.setdefault(source, {})[host] = f"{reason}: {what}; {_ADVICE[reason]}"

    # -- hosts that are too slow ---------------------------------------------------------------
    def timed_out(self, host: str, fetch_reason: str) -> bool:
        """Count a failed fetch; True when it is the timeout that defers ``host`` for the run."""
        if fetch_reason not in TIMEOUT_REASONS or host in self.deferred:
            return False
        self.timeouts[(host, fetch_reason)] += 1
        mine = {reason: n for (h, reason), n in self.timeouts.items() if h == host}
        if sum(mine.values()) < self.max_timeouts:
            return False
        self.deferred[host] = ", ".join(f"{reason} {n}" for reason, n in sorted(mine.items()))
        return True

    def is_deferred(self, host: str) -> bool:
        return host in self.deferred

    def deferred_url(self, source: str, host: str) -> None:
        """A URL of ``source`` was deferred because ``host`` was given up for the run."""
        self.sources.setdefault(source, {})[host] = (
            f"host_deferred: {host} timed out {self.max_timeouts} times ({self.deferred[host]}); "
            f"{_ADVICE['host_deferred']}")

    # -- sources -------------------------------------------------------------------------------
    def fetched_page(self, source: str) -> None:
        self.fetched[source] += 1

    def unreachable(self) -> dict[str, str]:
        """Sources that got no page fetched this run because of their hosts' trouble: name -> why."""
        return {name: "; ".join(f"{why}" for _, why in sorted(hosts.items()))
                for name, hosts in sorted(self.sources.items()) if not self.fetched[name]}
