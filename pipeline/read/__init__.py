"""Reading inputs: saved pages, folders of them and WARC/ARC archives, with the limits every reader
of page bytes shares (the crawler too), and writing WARC files."""
