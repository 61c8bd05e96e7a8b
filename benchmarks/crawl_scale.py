"""The nightly crawl at scale, on loopback: many slow hosts, politeness kept, nights that find little.

``--hosts`` news sites (default 50), each a threaded ``http.server`` on its own port of
127.0.0.1 (distinct ports are distinct hosts for the crawler) that answers every request after
``--latency`` seconds (default 0.2), with a list page linking ``--articles`` articles (default 20),
a sitemap with lastmod listed in its robots.txt, and small Chinese news pages
(``tests/crawl/many_hosts.py`` writes them).  The servers run in a child process, so the
crawler (in this process) does not share an interpreter lock with them.  The sources file names
each site's list page only, with ``min_delay_s = --delay`` (default 1) and
``allow_private_addresses = true``.

Three nights on one state folder:

1. **night 1**, everything new: wall time against the politeness bound, the time one host needs
   for its list page and articles at the delay (``articles x delay``: 20 s by default; the
   target is at most 3x that), and the floor of the busiest host measured from the servers'
   side (its requests x latency + gaps x delay);
2. **night 2**, nothing new: requests per host by kind (the target: at most one per list page
   and sitemap, and robots.txt);
3. **night 3**, one new article per host: it is found and fetched.

From the servers' logs: when the first request arrived and the last answer left (seconds from
the start of the night: the rest is opening the state, loading the language pipeline and writing
the tables), the smallest gap between two requests to one host (the delay is kept), the most
requests in flight at one host (1) and over all hosts (at most the crawl's concurrency).

    .venv/bin/python benchmarks/crawl_scale.py [--hosts 50] [--articles 20] [--latency 0.2] [--delay 1]
                                               [--concurrency N] [--nights 3]

The state and output folders are temporary (``--keep DIR`` keeps them there).
"""
from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("robots", "list", "sitemap", "article")


# --------------------------------------------------------------------------- the servers (child)


def serve(args) -> None:
    """Child process: start the farm, print its ports, answer commands on stdin (one a line)."""
    from tests.crawl.many_hosts import Farm

    farm = Farm(args.hosts, args.articles, args.latency)
    print(json.dumps({"ports": [h.port for h in farm.hosts]}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "log":
            hits = [hit for host in farm.hosts for hit in host.hits]
            out = {"max_in_flight": farm.max_in_flight, "hosts": [],  # monotonic clocks agree between processes
                   "first": min((h.start for h in hits), default=None), "last": max((h.end for h in hits), default=None)}
            for host in farm.hosts:
                gaps = host.gaps()
                out["hosts"].append({"kinds": host.kinds(), "max_in_flight": host.max_in_flight,
                                     "min_gap": min(gaps) if gaps else None, "n": len(host.hits),
                                     "not_modified": sum(h.status == 304 for h in host.hits),
                                     "floor": sum(h.end - h.start for h in host.hits)
                                     + max(0, len(host.hits) - 1) * args.delay})
            farm.clear()
            print(json.dumps(out), flush=True)
        elif command == "add":
            for host in farm.hosts:
                host.add_article()
            print("{}", flush=True)
        elif command == "quit":
            break
    farm.stop()


class Servers:
    def __init__(self, args):
        cmd = [sys.executable, __file__, "--serve", "--hosts", str(args.hosts), "--articles", str(args.articles),
               "--latency", str(args.latency), "--delay", str(args.delay)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.ports = json.loads(self.proc.stdout.readline())["ports"]

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


# --------------------------------------------------------------------------- the crawler (here)


def sources_toml(ports: list[int], args, supported: set[str]) -> str:
    from tests.crawl.many_hosts import ARTICLE_PATTERN

    lines = ['user_agent = "newsfacts-bench/1.0 (+mailto:bench@example.org)"']
    if args.concurrency is not None and "concurrency" in supported:
        lines.append(f"concurrency = {args.concurrency}")
    for i, port in enumerate(ports):
        lines += ["[[sources]]", f'name = "host-{i:02d}"',
                  f'start_urls = ["http://127.0.0.1:{port}/news/index.shtml"]',
                  f'allowed_hosts = ["127.0.0.1:{port}"]', f'article_url_pattern = "{ARTICLE_PATTERN}"',
                  f"min_delay_s = {args.delay}", "allow_private_addresses = true"]
    return "\n".join(lines) + "\n"


def night(work: Path, servers: Servers, name: str) -> dict:
    from pipeline.config import default_settings
    from pipeline.crawl.crawler import Crawler
    from pipeline.crawl.sources import load_sources

    started = time.monotonic()
    summary = Crawler(load_sources(work / "sources.toml"), work / "out", work / "state", default_settings()).run()
    took = time.monotonic() - started
    log = servers.ask("log")
    log["first"] = log["first"] - started if log["first"] is not None else float("nan")
    log["last"] = log["last"] - started if log["last"] is not None else float("nan")
    return {"night": name, "wall_s": took, "summary": summary.line(), "new": summary.new_or_changed, **log}


def report(nights: list[dict], args) -> str:
    bound = args.articles * args.delay
    rows = ["| night | wall s | vs bound | requests from-to s | busiest host floor s | requests/host robots, list, "
            "sitemap, article (max) | 304s | min gap s | in flight: host, all | new articles |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for n in nights:
        hosts = n["hosts"]
        per_kind = ", ".join(f"{sum(h['kinds'][k] for h in hosts) / len(hosts):.1f}"
                             + (f" ({max(h['kinds'][k] for h in hosts)})" if k != "robots" else "") for k in KINDS)
        gaps = [h["min_gap"] for h in hosts if h["min_gap"] is not None]
        rows.append(
            f"| {n['night']} | {n['wall_s']:.1f} | {n['wall_s'] / bound:.2f}x | {n['first']:.1f}-{n['last']:.1f} | "
            f"{max(h['floor'] for h in hosts):.1f} | "
            f"{per_kind} | {sum(h['not_modified'] for h in hosts)} | {min(gaps) if gaps else float('nan'):.2f} | "
            f"{max(h['max_in_flight'] for h in hosts)}, {n['max_in_flight']} | {n['new']} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=None, help="the sources file's concurrency (if supported)")
    parser.add_argument("--nights", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return
    logging.basicConfig(level=logging.ERROR)
    from pipeline.crawl import sources

    servers = Servers(args)
    tmp = None
    try:
        if args.keep:
            work = args.keep
            work.mkdir(parents=True, exist_ok=True)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="crawl-scale-")
            work = Path(tmp.name)
        (work / "sources.toml").write_text(sources_toml(servers.ports, args, sources.TOP_KEYS), encoding="utf-8")
        nights = [night(work, servers, "1: all new")]
        print(nights[-1]["summary"], flush=True)
        if args.nights >= 2:
            nights.append(night(work, servers, "2: nothing new"))
            print(nights[-1]["summary"], flush=True)
        if args.nights >= 3:
            servers.ask("add")
            nights.append(night(work, servers, "3: one new/host"))
            print(nights[-1]["summary"], flush=True)
    finally:
        servers.close()
        if tmp is not None:
            tmp.cleanup()
    print(f"\n{args.hosts} hosts x {args.articles} articles, {args.latency:g} s latency, {args.delay:g} s delay; "
          f"politeness bound {args.articles * args.delay:g} s (target: night 1 <= 3x)\n")
    print(report(nights, args))


if __name__ == "__main__":
    main()
