"""No unsafe deserialisation or code evaluation anywhere in the package (RELIABILITY X05)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
FORBIDDEN_CALLS = {("pickle", "load"), ("pickle", "loads"), ("joblib", "load"), ("pd", "read_pickle"),
                   ("pandas", "read_pickle"), ("yaml", "load"), ("marshal", "loads")}


def test_no_eval_exec_or_pickle_in_the_package():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in ("eval", "exec"):
                    found.append(f"{path.name}:{node.lineno} {func.id}")
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                        (func.value.id, func.attr) in FORBIDDEN_CALLS:
                    found.append(f"{path.name}:{node.lineno} {func.value.id}.{func.attr}")
    assert found == []


def test_state_folder_is_private(tmp_path):
    from pipeline.config import default_settings
    from pipeline.store.state import Store

    with Store(tmp_path / "state" / "newsfacts.sqlite", default_settings().dedupe):
        pass
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
