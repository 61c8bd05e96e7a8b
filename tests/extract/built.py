"""The C extensions of the HTML stage and the fact reader (``pipeline/extract/_*.c``,
``pipeline/facts/_*.c``), loaded from the build of the current sources: the suite runs the Python
modules (tests/conftest.py), which do not import them."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import sysconfig
import types
from pathlib import Path

from pipeline import compiled
from pipeline.errors import Skip
from pipeline.extract.decode import decode_html
from pipeline.read.files import iter_raw_pages

REPO = Path(__file__).resolve().parents[2]  # the project
SHARED = REPO.parent / "shared"


def built_extension(name: str, package: str = "pipeline.extract") -> types.ModuleType:
    """``<package>.<name>`` (a C extension of pipeline/extract or pipeline/facts) from the build of
    the current sources (built first when ``make install`` has not)."""
    folder = compiled.build_folder(package, REPO.joinpath(*package.split(".")))
    if not (folder / "COMPLETE").is_file():
        folder = compiled.build(package)
    path = folder / (name + sysconfig.get_config_var("EXT_SUFFIX"))
    loader = importlib.machinery.ExtensionFileLoader(f"{package}.{name}", str(path))
    spec = importlib.util.spec_from_file_location(f"{package}.{name}", path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def page_texts() -> list[str]:
    """The decoded text of every bundled page, and of the development and seed pages when
    ../shared is there (a clean clone may have only the bundled ones)."""
    folders = [REPO / "corpora"] + [p for p in (SHARED / "realdev" / "pages", SHARED / "seed") if p.is_dir()]
    texts = []
    for raw in iter_raw_pages(folders, 50_000_000):
        if isinstance(raw, Skip):
            continue
        try:
            texts.append(decode_html(raw.body, raw.content_type).text)
        except Skip:
            continue
    return texts
