"""The nightly crawl: sources, politeness (robots.txt), guarded fetches, link discovery, one run
at a time."""
