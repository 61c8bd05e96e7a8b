"""What every worker process would load for its pipeline, loaded once in the process they fork from.

The local engine starts its worker processes from multiprocessing's fork server
(:mod:`pipeline.engines.pool`), which imports the modules named by ``set_forkserver_preload``
before it forks the first worker.  Naming this module there makes the fork server import spaCy,
jieba and rjieba, load jieba's prefix dictionary and make an rjieba segmenter: the state every
pipeline starts from, whatever its settings.  Each worker, a fork of that process, then only adds
the user dictionaries of its settings, registers the spaCy components and builds its pipeline
(``get_nlp``: tens of milliseconds instead of seconds), and the pages of the dictionaries are shared between workers
until one changes them.

Importing this module does that work (it is its purpose; nothing in the package imports it).
It never raises: whatever fails here is left for each worker to do, and to report, as before.
"""
from __future__ import annotations

import logging

from pipeline.nlp import dictionary
from pipeline.nlp.libraries import import_jieba, import_spacy, rjieba_installed
from pipeline.nlp.segmenter import prepare_fast

log = logging.getLogger(__name__)


def preload() -> None:
    """Import spaCy, jieba and rjieba, load jieba's dictionary, make an rjieba segmenter."""
    try:
        import_jieba().setLogLevel(logging.WARNING)
        dictionary.initialize()
        import_spacy()
        from spacy.lang.zh import Chinese  # noqa: F401  (spaCy: imported here, for every worker to inherit)

        if rjieba_installed():
            prepare_fast()
    except Exception as exc:  # the workers build their pipelines themselves, and report
        log.debug("preloading the pipeline failed: %s", exc)


preload()
