"""The C extensions of the HTML stage (``pipeline/extract/_*.c``), loaded from the build of the current
sources: the suite runs the Python modules (tests/conftest.py), which do not import them."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import sysconfig
import types
from pathlib import Path

from pipeline import compiled

REPO = Path(__file__).resolve().parents[2]  # the project


def built_extension(name: str) -> types.ModuleType:
    """``pipeline.extract.<name>`` from the build of the current sources (built first when
    ``make install`` has not)."""
    folder = compiled.build_folder("pipeline.extract", REPO / "pipeline" / "extract")
    if not (folder / "COMPLETE").is_file():
        folder = compiled.build("pipeline.extract")
    path = folder / (name + sysconfig.get_config_var("EXT_SUFFIX"))
    loader = importlib.machinery.ExtensionFileLoader(f"pipeline.extract.{name}", str(path))
    spec = importlib.util.spec_from_file_location(f"pipeline.extract.{name}", path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module

