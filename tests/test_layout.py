"""The layout's promises: no import circles between the project's modules (packages, pages,
the command line ``cli*.py`` and the use-case layer ``workflows``), and the caching module
stays small: it holds nothing but Streamlit caches of workflow calls."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("bench", "components", "explainers", "inputs", "jobs", "model_zoo", "pages",
            "workflows")
CACHE_LINES = 250  # dashboard_cache.py stays under this many lines


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    files += [ROOT / "dashboard_cache.py", ROOT / "navigation.py", ROOT / "app.py",
              ROOT / "startup.py", *ROOT.glob("cli*.py")]
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


def test_the_graph_sees_the_command_line_and_workflows():
    """The modules a circle once hid in (cli.py -> cli_clinical.py -> cli.py) are in the graph."""
    modules = project_modules()
    assert {"cli", "cli_common", "cli_clinical", "cli_datasets", "cli_lessons"} <= set(modules)
    assert "workflows" in modules and "pages.image" in modules
    assert "cli_common" in imports(modules["cli_clinical"], modules)


def test_find_cycle_finds_the_old_cli_circle():
    graph = {"cli": {"cli_clinical", "cli_common"}, "cli_clinical": {"cli"}, "cli_common": set()}
    assert find_cycle(graph) in (["cli", "cli_clinical", "cli"], ["cli_clinical", "cli", "cli_clinical"])


def test_dashboard_cache_is_small():
    lines = len((ROOT / "dashboard_cache.py").read_text().splitlines())
    assert lines < CACHE_LINES, f"dashboard_cache.py has {lines} lines (limit {CACHE_LINES})"
