"""The layout's promises: no import circles between the project's modules, and the caching
module holds nothing but Streamlit caches."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("bench", "components", "explainers", "inputs", "jobs", "model_zoo")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    files += [ROOT / "dashboard_cache.py", ROOT / "navigation.py"]
    return {module_name(p): p for p in files if p.exists()}


def imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file (inside functions too: a deferred
    import only hides a circle)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found |= {name for name in names if name in modules}
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt]
            if nxt not in state and (cycle := visit(nxt, stack + [nxt])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_no_import_circles():
    """A package importing its own submodules is not a circle; a submodule importing its
    package's ``__init__`` (or two modules importing each other) is."""
    modules = project_modules()
    graph = {name: imports(path, modules) for name, path in modules.items()}
    for name in graph:
        graph[name].discard(name)  # ``from package import sub`` inside package/__init__.py
    assert find_cycle(graph) is None, find_cycle(graph)
