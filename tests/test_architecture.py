"""The rules of ARCHITECTURE.md, checked on the source: rooms, the direction of imports, no cycles,
function-level imports only where they are allowed, modules small enough to read, the public names.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pipeline

PACKAGE = Path(pipeline.__file__).resolve().parent
KERNEL = {"pipeline", "pipeline.config", "pipeline.errors", "pipeline.evaluate", "pipeline.records",
          "pipeline.lifeline", "pipeline.tables", "pipeline.text", "pipeline.urls", "pipeline.compiled"}
# room -> the rooms it may import (besides itself); the kernel imports only the kernel
ALLOWED = {
    "kernel": set(),
    "read": {"kernel"},
    "extract": {"kernel"},
    "facts": {"kernel"},
    "nlp": {"kernel", "facts"},
    "store": {"kernel"},
    "page": {"kernel", "extract", "nlp", "store"},
    "engines": {"kernel", "read", "store", "page", "nlp"},
    "crawl": {"kernel", "read", "extract", "store", "page"},
    "cli": {"kernel", "engines", "crawl", "store"},
}
# Third-party packages that may be imported inside a function (their import costs a tenth of a
# second or more, or they are an optional extra), always with a comment giving the reason.
HEAVY = {"spacy", "jieba", "rjieba", "pandas", "pyarrow", "dask", "distributed", "bs4"}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = ("pipeline",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def room(module: str) -> str:
    if module in KERNEL:
        return "kernel"
    if module in ("pipeline.cli", "pipeline.__main__"):
        return "cli"
    if module == "pipeline.page":
        return "page"
    parts = module.split(".")
    assert len(parts) >= 2 and parts[1] in ALLOWED, f"{module} is in no room of ARCHITECTURE.md"
    return parts[1]


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path):
    """(imported module, line, inside a function, source line) of every import in a module."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # "from pipeline.crawl import feeds" imports the module pipeline.crawl.feeds
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]
        else:
            continue
        for name in names:
            yield name, node.lineno, id(node) in in_function, lines[node.lineno - 1]


def internal_graph() -> dict[str, set[str]]:
    graph = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for name, _, _, _ in imports_of(path):
            if name == "pipeline" or name.startswith("pipeline."):
                graph[module].add(name)
    return graph


def test_every_module_is_in_a_room_and_imports_only_the_rooms_it_may():
    wrong = []
    for module, targets in internal_graph().items():
        mine = room(module)
        for target in targets:
            theirs = room(target)
            if theirs != mine and theirs not in ALLOWED[mine]:
                wrong.append(f"{module} ({mine}) imports {target} ({theirs})")
    assert wrong == []


def test_no_import_cycle():
    graph = internal_graph()
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_function_level_imports_are_heavy_packages_with_a_reason():
    wrong = []
    for module, path in MODULES.items():
        commented: dict[int, bool] = {}
        for name, line, in_function, text in imports_of(path):
            if not in_function:
                continue
            top = name.split(".")[0]
            if top == "pipeline":
                if module != "pipeline.cli":  # the CLI loads a command's code when it runs (its docstring)
                    wrong.append(f"{module}:{line} imports {name} inside a function")
            elif top not in HEAVY:
                wrong.append(f"{module}:{line} imports {name} inside a function (not a heavy package)")
            commented[line] = "#" in text
        # a function's block of imports gives its reason once, on one of its lines
        blocks, previous = [], None
        for line in sorted(commented):
            if previous is None or line != previous + 1:
                blocks.append([])
            blocks[-1].append(line)
            previous = line
        for block in blocks:
            if not any(commented[line] for line in block):
                wrong.append(f"{module}:{block[0]} function-level import without a comment giving the reason")
    assert wrong == []


def test_no_module_is_longer_than_can_be_read_in_one_sitting():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_public_names_are_importable_and_listed():
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None
        assert name in dir(pipeline)
    for name in ("extract_article", "parse_quantities", "extract_facts", "load_outputs", "Settings"):
        assert name in pipeline.__all__


def test_importing_the_package_loads_no_heavy_package():
    code = ("import sys, pipeline, pipeline.cli, pipeline.page, pipeline.engines.run, pipeline.crawl.crawler; "
            f"print(sorted(set({sorted(HEAVY)!r}) & {{m.split('.')[0] for m in sys.modules}}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
