"""spaCy, jieba and rjieba imported for the pipeline, without the parts of them it never uses.

Importing them is most of the start-up of a run (``benchmarks/startup.py``), and each of their
imports loads something a blank Chinese pipeline never runs:

* ``import jieba`` imports setuptools' ``pkg_resources`` (0.2 s, and deprecated) only to open its
  own data files; without it jieba opens the same files from its package folder, which is its
  own fallback.  :func:`import_jieba` lets the ``import pkg_resources`` in jieba fail.
* ``import spacy`` imports spaCy's whole command line (``spacy.cli``: project tooling, downloads,
  httpx, weasel; a third of spaCy's import) for the one name ``spacy.info``.
  :func:`import_spacy` hands spaCy a stand-in ``spacy.cli.info`` for that import alone; the
  stand-in is removed at once, so ``spacy.cli`` is the real one for anyone who imports it later,
  and ``spacy.info`` calls the real function.
* ``import rjieba`` loads its Rust extension and makes a default segmenter (0.1-0.2 s) that the
  pipeline never uses: it makes its own, with the user words.  :func:`import_rjieba` loads the
  extension module alone (``rjieba.rjieba``, the one the package itself imports its ``Jieba``
  class from), registered under its own name, so that a later ``import rjieba`` finds it.

A stand-in (and the blocked ``pkg_resources``) is in ``sys.modules`` only while the import runs,
and only on the first import: an already imported spaCy, jieba or rjieba is used as it is.  A
spaCy or rjieba that the lighter import does not suit (an ImportError) is imported whole.
``tests/nlp/test_libraries.py`` checks that the pipeline built from them gives the same Docs and
tokens, and that the real modules are there for anyone who imports them afterwards.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
import types

_lock = threading.Lock()


def import_jieba():
    """``jieba``, imported without ``pkg_resources`` (see the module docstring)."""
    with _lock:
        if "jieba" in sys.modules:
            return sys.modules["jieba"]
        blocked = "pkg_resources" not in sys.modules
        if blocked:
            sys.modules["pkg_resources"] = None  # makes "import pkg_resources" raise ImportError
        try:
            import jieba  # jieba loads when a pipeline is built; here without pkg_resources
        finally:
            if blocked and "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
                del sys.modules["pkg_resources"]
        return jieba


def import_spacy():
    """``spacy``, imported without its command line (see the module docstring)."""
    with _lock:
        if "spacy" in sys.modules:
            return sys.modules["spacy"]
        stand_ins = {}
        if "spacy.cli" not in sys.modules and "spacy.cli.info" not in sys.modules:
            stand_ins = _cli_stand_ins()
            sys.modules.update(stand_ins)
        try:
            try:
                import spacy  # spaCy loads when a pipeline is built; here without spacy.cli
            except ImportError:
                if not stand_ins:
                    raise
                _remove(stand_ins)  # a spaCy that wants more of its command line: imported whole
                import spacy  # noqa: F811  (spaCy whole, with its command line)
        finally:
            _remove(stand_ins)
        return spacy


def _cli_stand_ins() -> dict[str, types.ModuleType]:
    cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
    cli.__path__ = []  # a package, as the real one is
    info.info = _spacy_info
    return {"spacy.cli": cli, "spacy.cli.info": info}


def _remove(stand_ins: dict[str, types.ModuleType]) -> None:
    for name, module in stand_ins.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]


def _spacy_info(*args, **kwargs):
    """``spacy.info``: the real one, from spaCy's command line, loaded when it is called."""
    from spacy.cli.info import info  # spaCy's command line (0.3 s), only for spacy.info()

    return info(*args, **kwargs)


def import_rjieba():
    """rjieba's extension module (``Jieba``), without the default segmenter of its package."""
    with _lock:
        for name in ("rjieba.rjieba", "rjieba"):
            if name in sys.modules:
                return sys.modules[name]
        package = importlib.util.find_spec("rjieba")
        spec = (importlib.machinery.PathFinder.find_spec("rjieba.rjieba", package.submodule_search_locations)
                if package is not None and package.submodule_search_locations else None)
        if spec is None or not isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            import rjieba  # rjieba laid out otherwise than 0.2: the package itself, with its default segmenter

            return rjieba
        try:
            module = importlib.util.module_from_spec(spec)  # loads the extension (once per process)
            spec.loader.exec_module(module)
        except ImportError:
            import rjieba  # the extension would not load alone: the package, with its default segmenter

            return rjieba
        sys.modules["rjieba.rjieba"] = module
        return module


def rjieba_installed() -> bool:
    """Whether rjieba can be imported, without importing it (its import builds a segmenter)."""
    return importlib.util.find_spec("rjieba") is not None
