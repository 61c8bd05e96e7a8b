"""The fact rules and the HTML stage compiled to C by mypyc, used only while they are the code of
the sources.

The fact reader (``pipeline/facts``) and the HTML stage (``pipeline/extract``) are thousands of
small decisions in Python per page; the same modules compiled by mypyc run faster (fact reader
about 1.2-1.6x, HTML stage about 1.15x: benchmarks/RESULTS.md) and give the same tables
(tests/test_compiled.py compares every table of the bundled corpora).  A package's ``_name.c``
files are built with it as extension modules (``pipeline/extract/_marked.c``: the page's marked
text written in C; ``_tables.c``: that text read into tables; ``_chars.c``: the mojibake check's
counts; ``pipeline/facts/_slots.c``: the fact reader's records made in C); the Python code falls
back to its own way when they are not there.
``make install`` builds them (``python -m pipeline.compiled``, needs mypy and a C compiler);
without a build the package runs as Python, as it always did.

Why the build is kept beside the sources and not in them: an extension module next to its ``.py``
is imported instead of it, so a rule edited after the build would be silently ignored.  Here a
build lives in a folder named after a digest of the sources it was made from (the package's
modules and the kernel modules they read types from), inside this Python environment; a package
whose sources changed since finds no folder of its digest and is imported from its ``.py`` files
until the next build.  ``NEWSFACTS_PURE_PYTHON=1`` imports the Python modules whatever is built.

    python -m pipeline.compiled            # build what is missing (a few tens of seconds)
    python -m pipeline.compiled --status   # which build the sources would use
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PURE_ENV = "NEWSFACTS_PURE_PYTHON"
ROOT_ENV = "NEWSFACTS_COMPILED_DIR"  # where builds are kept (default: inside this environment)
# package -> the kernel modules it imports: the compiled code relies on their types (the fields of
# their dataclasses), so a change to them is a change of the build's sources too.
# tests/test_compiled.py checks that each package imports no other module of the project.
PACKAGES = {
    "pipeline.facts": ("pipeline/records.py", "pipeline/text.py"),
    "pipeline.extract": ("pipeline/config.py", "pipeline/errors.py", "pipeline/records.py", "pipeline/text.py",
                         "pipeline/urls.py"),
}
GROUP = "compiled"  # mypyc's shared library of a package: pipeline.facts.compiled__mypyc


def project_root() -> Path:
    """The folder that holds the ``pipeline`` package."""
    return Path(__file__).resolve().parent.parent


def builds_root() -> Path:
    """Where builds are kept: ``$NEWSFACTS_COMPILED_DIR``, else ``newsfacts-compiled`` in this
    Python environment (a build fits one interpreter; ``make clean`` removes it with the venv)."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV])
    return Path(sys.prefix) / "newsfacts-compiled"


def modules_of(package_dir: Path) -> list[Path]:
    """The package's modules that are compiled: all but ``__init__.py``."""
    return sorted(p for p in package_dir.glob("*.py") if p.name != "__init__.py")


def c_sources_of(package_dir: Path) -> list[Path]:
    """The package's own C extensions (``_name.c``: built with it, against the installed lxml's headers)."""
    return sorted(package_dir.glob("_*.c"))


def source_digest(package: str, package_dir: Path) -> str:
    """SHA-256 of the package's modules and C sources, the kernel modules it reads (``PACKAGES``),
    the interpreter's extension suffix (a build is for one Python) and, with C sources, the lxml
    version (they read lxml's element struct)."""
    root = package_dir.parent.parent
    digest = hashlib.sha256(sysconfig.get_config_var("EXT_SUFFIX").encode())
    c_sources = c_sources_of(package_dir)
    if c_sources:
        digest.update(b"lxml " + _lxml_version().encode())
    for path in modules_of(package_dir) + c_sources + [root / name for name in PACKAGES[package]]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


def _lxml_version() -> str:
    try:
        return version("lxml")
    except PackageNotFoundError:
        return "(none)"


def build_folder(package: str, package_dir: Path, digest: str | None = None) -> Path:
    """The folder of the build made from the package's current sources (it may not exist)."""
    return builds_root() / f"{package}-{(digest or source_digest(package, package_dir))[:24]}"


def use_compiled(package: str, path: list[str]) -> bool:
    """Put the build of ``package`` first on its ``__path__`` when one of the current sources
    exists (call from the package's ``__init__``, before its modules are imported)."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return False
    try:
        folder = build_folder(package, Path(path[-1]))
    except OSError:
        return False
    if not (folder / "COMPLETE").is_file():
        return False
    path.insert(0, str(folder))
    return True


def is_compiled(module) -> bool:
    """Whether a module was loaded from a compiled build."""
    return not str(getattr(module, "__file__", "")).endswith(".py")


# -- building ------------------------------------------------------------------------------
_SETUP = """\
import sys
from setuptools import Extension, setup
from mypyc.build import mypycify
group, c_dir, lib_dir, tmp_dir = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
paths = [p for p in sys.argv[5:] if p.endswith(".py")]
c_sources = [p for p in sys.argv[5:] if p.endswith(".c")]
# untyped libraries (lxml, bs4) are Any to mypy; the project's other modules are read, not checked
options = ["--ignore-missing-imports", "--follow-imports=silent"]
modules = mypycify(options + paths, group_name=group, target_dir=c_dir)
if c_sources:
    import lxml
    package = group.rsplit(".", 1)[0]
    modules += [Extension(package + "." + c.rsplit("/", 1)[-1][:-2], [c], include_dirs=lxml.get_include())
                for c in c_sources]
setup(name="newsfacts-compiled", ext_modules=modules,
      script_args=["build_ext", "--build-lib", lib_dir, "--build-temp", tmp_dir], py_modules=[])
"""


def build(package: str, *, quiet: bool = True) -> Path:
    """Compile ``package`` into the folder of its current sources; returns that folder.

    Built in a temporary folder and renamed into place, so a folder that exists is complete.
    Raises RuntimeError with mypyc's own messages when the build fails."""
    root = project_root()
    package_dir = root.joinpath(*package.split("."))
    digest = source_digest(package, package_dir)
    target = build_folder(package, package_dir, digest)
    if (target / "COMPLETE").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsfacts-compile-", dir=target.parent) as tmp:
        work = Path(tmp)
        paths = [p.relative_to(root).as_posix() for p in modules_of(package_dir) + c_sources_of(package_dir)]
        env = dict(os.environ, MYPY_CACHE_DIR=str(work / "mypy_cache"), PYTHONPATH=str(root))
        done = subprocess.run(
            [sys.executable, "-c", _SETUP, f"{package}.{GROUP}", str(work / "c"), str(work / "lib"),
             str(work / "tmp"), *paths],
            cwd=root, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"mypyc could not compile {package}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        built = work / "lib" / package.replace(".", os.sep)
        staged = work / "staged"
        staged.mkdir()
        for ext in built.iterdir():
            if ext.name.endswith(sysconfig.get_config_var("EXT_SUFFIX")):
                shutil.copy2(ext, staged / ext.name)
        missing = [p.stem for p in modules_of(package_dir) + c_sources_of(package_dir)
                   if not (staged / (p.stem + sysconfig.get_config_var("EXT_SUFFIX"))).is_file()]
        if missing:
            raise RuntimeError(f"mypyc built no extension for {', '.join(missing)} of {package}")
        if source_digest(package, package_dir) != digest:
            raise RuntimeError(f"the sources of {package} changed while it was compiled: build again")
        (staged / "COMPLETE").write_text(f"{package} compiled by mypyc from sources {target.name}\n")
        try:
            staged.rename(target)
        except OSError:
            if not (target / "COMPLETE").is_file():  # another build won the race: use that one
                raise
    for old in target.parent.glob(f"{package}-*"):  # builds of earlier sources: never used again
        if old != target and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    if not quiet:
        print(f"compiled {package}: {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Compile the fact rules and the HTML stage with mypyc (see pipeline/compiled.py).")
    ap.add_argument("--status", action="store_true", help="say which build the current sources would use")
    args = ap.parse_args(argv)
    root = project_root()
    status = 0
    for package in PACKAGES:
        folder = build_folder(package, root.joinpath(*package.split(".")))
        if args.status:
            state = "built" if (folder / "COMPLETE").is_file() else "not built (runs as Python)"
            print(f"{package}: {state}: {folder}")
            continue
        try:
            build(package, quiet=False)
        except (RuntimeError, OSError) as exc:
            print(f"warning: {package} stays pure Python: {exc}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
