"""The fact rules and the HTML stage compiled by mypyc (pipeline/compiled.py): the same tables as the Python modules,
and a build is used only while it is the build of the current sources.

The rest of the suite runs the Python modules (tests/conftest.py sets NEWSFACTS_PURE_PYTHON, so
that doctests and tracebacks point at the sources); here a subprocess runs the compiled ones.
"""
from __future__ import annotations

import ast
import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import compiled

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "pipeline" / "facts"
PACKAGES = sorted(compiled.PACKAGES)
CORPORA = [REPO / "corpora" / name for name in ("samples", "constructions", "eras", "realistic")]


def _copy_sources(root: Path, name: str = "pipeline.facts") -> Path:
    """A copy of a compiled package and the kernel modules it reads, laid out as in the repository."""
    package = root.joinpath(*name.split("."))
    package.mkdir(parents=True)
    for path in [*REPO.joinpath(*name.split(".")).glob("*.py"), *compiled.c_sources_of(REPO.joinpath(*name.split(".")))]:
        shutil.copy2(path, package / path.name)
    for kernel in compiled.PACKAGES[name]:
        shutil.copy2(REPO / kernel, root / kernel)
    return package


@pytest.mark.parametrize("name", PACKAGES)
def test_a_compiled_package_reads_no_other_project_module_than_the_listed_ones(name):
    """A kernel module the compiled code takes types from must be part of the build's digest."""
    listed = {kernel.removesuffix(".py").replace("/", ".") for kernel in compiled.PACKAGES[name]}
    for path in compiled.modules_of(REPO.joinpath(*name.split("."))):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for imported in names:
                if imported.startswith("pipeline.") and not imported.startswith(name):
                    assert imported in listed, f"{path.name} imports {imported}: add it to compiled.PACKAGES"


@pytest.mark.parametrize("name", PACKAGES)
def test_the_digest_follows_every_source_of_the_build(tmp_path, name):
    package = _copy_sources(tmp_path, name)
    first = compiled.source_digest(name, package)
    (package / "__init__.py").write_text("# not compiled\n", encoding="utf-8")
    assert compiled.source_digest(name, package) == first  # __init__ is not part of the build
    with compiled.modules_of(package)[-1].open("a", encoding="utf-8") as f:
        f.write("\n# a rule edited after the build\n")
    second = compiled.source_digest(name, package)
    assert second != first
    for c_source in compiled.c_sources_of(package):  # a C extension built with the package
        with c_source.open("a", encoding="utf-8") as f:
            f.write("\n/* edited after the build */\n")
        assert compiled.source_digest(name, package) != second
    with (tmp_path / "pipeline" / "records.py").open("a", encoding="utf-8") as f:
        f.write("\n# a record's field changed\n")
    assert compiled.source_digest(name, package) not in (first, second)


def test_a_build_of_other_sources_is_never_used(tmp_path, monkeypatch):
    monkeypatch.setenv(compiled.ROOT_ENV, str(tmp_path / "builds"))
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    package = _copy_sources(tmp_path / "src")
    folder = compiled.build_folder("pipeline.facts", package)
    folder.mkdir(parents=True)
    path = [str(package)]
    assert not compiled.use_compiled("pipeline.facts", path) and path == [str(package)]  # not complete
    (folder / "COMPLETE").write_text("done\n", encoding="utf-8")
    assert compiled.use_compiled("pipeline.facts", path) and path == [str(folder), str(package)]
    monkeypatch.setenv(compiled.PURE_ENV, "1")
    path = [str(package)]
    assert not compiled.use_compiled("pipeline.facts", path) and path == [str(package)]
    monkeypatch.delenv(compiled.PURE_ENV)
    with (package / "reader.py").open("a", encoding="utf-8") as f:
        f.write("\n# edited after the build\n")
    assert not compiled.use_compiled("pipeline.facts", path) and path == [str(package)]


def _env(pure: bool) -> dict:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NEWSFACTS_WORKERS="1")
    env[compiled.PURE_ENV] = "1" if pure else "0"
    return env


@pytest.fixture(scope="module")
def build() -> dict[str, Path]:
    """The builds of the current sources (``make install`` made them; built here if missing)."""
    try:
        return {name: compiled.build(name) for name in PACKAGES}
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"the packages cannot be compiled (make install installs mypy; a C compiler is needed): {exc}")


@pytest.mark.parametrize("name, module", [("pipeline.facts", "reader"), ("pipeline.extract", "article")])
def test_the_compiled_modules_are_loaded_when_built(build, name, module):
    probe = (f"import {name} as p, {name}.{module} as m, pipeline.compiled as c;"
             "print(p.COMPILED, c.is_compiled(m), m.__file__)")
    out = subprocess.run([sys.executable, "-c", probe], env=_env(pure=False), capture_output=True, text=True,
                         cwd=REPO, check=True).stdout.split()
    assert out[:2] == ["True", "True"] and out[2].startswith(str(build[name])), out
    out = subprocess.run([sys.executable, "-c", probe], env=_env(pure=True), capture_output=True, text=True,
                         cwd=REPO, check=True).stdout.split()
    assert out[:2] == ["False", "False"] and out[2] == str(REPO.joinpath(*name.split("."), module + ".py")), out


def test_compiled_and_python_rules_write_the_same_tables(build, tmp_path):
    outs = {}
    for pure in (True, False):
        out = tmp_path / ("python" if pure else "compiled")
        proc = subprocess.run([sys.executable, "-m", "pipeline", "run", *map(str, CORPORA), "--out", str(out), "-q"],
                              env=_env(pure), capture_output=True, text=True, cwd=REPO, timeout=600)
        assert proc.returncode == 0, proc.stderr
        outs[pure] = out
    names = sorted(p.name for p in outs[True].iterdir() if p.suffix in (".csv", ".parquet"))
    assert {"facts.csv", "facts.parquet", "projects.csv", "articles.csv"} <= set(names)
    match, mismatch, errors = filecmp.cmpfiles(outs[True], outs[False], names, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)
    assert len((outs[False] / "facts.csv").read_text(encoding="utf-8").splitlines()) > 500
