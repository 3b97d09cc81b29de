"""Data flows one way: the import graph of src/parcours has no back edge and no circle.

The layers, bottom to top::

    errors, i18n (and the small shared helpers) -> model -> warehouse -> ingest -> workspace
    -> capabilities (analytics, voc, lifecycle, personas, plan) -> orchestrate -> render -> demo
    -> shells (cli, api, web) -> the top-level ``parcours`` package itself

A package may import its own layer or any layer below; never one above. Packages of one layer may
import each other as long as no circle forms. Every import counts: module level, inside functions,
under ``if TYPE_CHECKING:``, and ``importlib.import_module("parcours.x")`` — which is banned
outright, since an import the reader cannot see is an edge the reader cannot check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "parcours"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "i18n", "_intervals", "_progress", "_version", "schemas"}),
    frozenset({"model"}),
    frozenset({"warehouse"}),
    frozenset({"ingest"}),
    frozenset({"workspace"}),
    frozenset({"analytics", "voc", "lifecycle", "personas", "plan"}),
    frozenset({"orchestrate", "accounts"}),
    frozenset({"render"}),
    frozenset({"demo"}),
    frozenset({"cli", "api", "web"}),
    frozenset({"parcours"}),  # the top-level package (__init__, __main__): re-exports, entry point
)

# Calls that import a module named by a string.
DYNAMIC = {"import_module", "__import__", "find_spec"}


@dataclass(frozen=True)
class Edge:
    source: str  # the importing package ("render"), or "parcours" for the top-level modules
    target: str
    where: str  # file:line, relative to the scanned root's parent


def _package_of(root: Path, path: Path) -> tuple[str, list[str]]:
    """(layer node, dotted package parts) of the module at ``path`` under ``root`` (parcours/)."""
    rel = path.relative_to(root).with_suffix("")
    package = [root.name, *rel.parts[:-1]]  # a module's package; an __init__'s is its own
    node = rel.parts[0] if len(rel.parts) > 1 else rel.name
    if node in ("__init__", "__main__"):
        node = root.name
    return node, package


def _target(root: Path, dotted: str) -> str | None:
    """The layer node that importing ``dotted`` reaches, or None outside the scanned package."""
    parts = dotted.split(".")
    if parts[0] != root.name:
        return None
    return parts[1] if len(parts) > 1 else root.name


def _is_dynamic(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in DYNAMIC


def scan(root: Path) -> tuple[list[Edge], list[str]]:
    """Every import edge between the packages under ``root``, and every dynamic import of one."""
    edges: list[Edge] = []
    dynamic: list[str] = []
    for path in sorted(root.rglob("*.py")):
        source, package = _package_of(root, path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(root.parent)}:{getattr(node, 'lineno', 0)}"
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [_target(root, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                dotted = ".".join([*base, *([node.module] if node.module else [])])
                if dotted == root.name:
                    # `from parcours import voc` reaches voc; `from parcours import X` the top.
                    targets = [
                        alias.name
                        if (root / alias.name).is_dir() or (root / f"{alias.name}.py").is_file()
                        else root.name
                        for alias in node.names
                    ]
                else:
                    targets = [_target(root, dotted)]
            elif isinstance(node, ast.Call) and _is_dynamic(node) and node.args:
                first = node.args[0]
                text = None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    text = first.value
                elif isinstance(first, ast.JoinedStr) and first.values:
                    head = first.values[0]
                    if isinstance(head, ast.Constant) and isinstance(head.value, str):
                        text = head.value
                if text is not None and (text == root.name or text.startswith(f"{root.name}.")):
                    dynamic.append(f"{where}: imports {text!r} by name (write a plain import)")
                    if isinstance(first, ast.Constant):
                        targets = [_target(root, text)]
            for target in targets:
                if target is not None and target != source:
                    edges.append(Edge(source, target, where))
    return edges, dynamic


def _layer(layers: tuple[frozenset[str], ...], node: str) -> int | None:
    return next((i for i, names in enumerate(layers) if node in names), None)


def _circles(edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def problems(root: Path, layers: tuple[frozenset[str], ...] = LAYERS) -> list[str]:
    """Every breach of the one-way rule under ``root``, each naming its file:line."""
    edges, found = scan(root)
    nodes = {root.name}
    for p in root.iterdir():
        if p.is_dir() and any(p.rglob("*.py")):
            nodes.add(p.name)
        elif p.suffix == ".py" and p.stem not in ("__init__", "__main__"):
            nodes.add(p.stem)
    for node in sorted(nodes):
        if _layer(layers, node) is None:
            found.append(f"{root.name}/{node}: in no layer (place it in LAYERS)")
    for e in edges:
        low, high = _layer(layers, e.source), _layer(layers, e.target)
        if low is not None and high is not None and high > low:
            found.append(f"{e.where}: {e.source} imports {e.target}, a layer above it")
    for circle in _circles(edges):
        inside = [e for e in edges if e.source in circle and e.target in circle]
        lines = "; ".join(f"{e.where} ({e.source} -> {e.target})" for e in inside)
        found.append(f"circle between {', '.join(circle)}: {lines}")
    return found


def test_the_import_graph_flows_one_way() -> None:
    found = problems(SRC)
    assert not found, "\n".join(found)


def test_the_report_reads_the_capabilities_not_the_other_way() -> None:
    edges, _ = scan(SRC)
    pairs = {(e.source, e.target) for e in edges}
    # render composes the report from the capabilities' public functions
    assert {("render", "analytics"), ("render", "voc"), ("render", "personas")} <= pairs
    for capability in ("analytics", "voc", "lifecycle", "personas", "orchestrate"):
        assert (capability, "render") not in pairs
    assert ("voc", "personas") not in pairs  # persona membership is a warehouse table
    assert ("personas", "demo") not in pairs


def test_render_calls_only_public_names_of_the_packages_below() -> None:
    """render (the report and its sections) reaches each capability through its ``__all__``."""
    import importlib

    found = []
    for path in sorted((SRC / "render").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            parts = node.module.split(".")
            if parts[0] != "parcours" or parts[1:2] == ["render"] or len(parts) < 2:
                continue
            where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
            if any(part.startswith("_") for part in parts):
                found.append(f"{where}: imports the private module {node.module}")
                continue
            public = getattr(importlib.import_module(node.module), "__all__", None)
            for alias in node.names:
                private = alias.name.startswith("_")
                if private or (public is not None and alias.name not in public):
                    found.append(f"{where}: {node.module}.{alias.name} is not public")
    assert not found, "\n".join(found)


# -- the checker itself, on small trees with planted breaches ------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "parcours"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


SMALL: tuple[frozenset[str], ...] = (
    frozenset({"errors"}),
    frozenset({"low", "side"}),
    frozenset({"high"}),
    frozenset({"parcours"}),
)


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "errors.py": "",
            "low/__init__.py": "from parcours.errors import X\n",
            "side/__init__.py": "from parcours import low\n",
            "high/__init__.py": "from parcours.low import y\nfrom . import _a\n",
            "high/_a.py": "from ..side import z\n",
        },
    )
    assert problems(root, SMALL) == []


def test_back_edges_are_found_wherever_the_import_hides(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "errors.py": "",
            "high/__init__.py": "",
            "low/__init__.py": "",
            "low/a.py": "def f():\n    from parcours.high import x\n",
            "low/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import parcours.high\n"
            ),
            "low/c.py": "from ..high import y\n",
            "low/d.py": "from parcours import high\n",
            "low/e.py": "from parcours import Workspace\n",
        },
    )
    found = problems(root, SMALL)
    assert "parcours/low/a.py:2: low imports high, a layer above it" in found
    assert "parcours/low/b.py:3: low imports high, a layer above it" in found
    assert "parcours/low/c.py:1: low imports high, a layer above it" in found
    assert "parcours/low/d.py:1: low imports high, a layer above it" in found
    assert "parcours/low/e.py:1: low imports parcours, a layer above it" in found
    assert len(found) == 5


def test_dynamic_imports_are_refused_and_counted(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "errors.py": "",
            "high/__init__.py": "",
            "side/__init__.py": "",
            "low/__init__.py": (
                "import importlib\n"
                "def f(name):\n"
                "    importlib.import_module('parcours.high')\n"
                "    importlib.import_module(f'parcours.{name}')\n"
                "    importlib.import_module('json')\n"
            ),
        },
    )
    found = problems(root, SMALL)
    assert any(p.startswith("parcours/low/__init__.py:3: imports 'parcours.high'") for p in found)
    assert any(p.startswith("parcours/low/__init__.py:4: imports 'parcours.'") for p in found)
    assert "parcours/low/__init__.py:3: low imports high, a layer above it" in found
    assert len(found) == 3


def test_circles_within_a_layer_are_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "errors.py": "",
            "high/__init__.py": "",
            "low/__init__.py": "from parcours.side import a\n",
            "side/__init__.py": "def f():\n    import parcours.low\n",
        },
    )
    assert problems(root, SMALL) == [
        "circle between low, side: parcours/low/__init__.py:1 (low -> side); "
        "parcours/side/__init__.py:2 (side -> low)"
    ]


def test_a_package_in_no_layer_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"errors.py": "", "stray/__init__.py": ""})
    assert problems(root, SMALL) == ["parcours/stray: in no layer (place it in LAYERS)"]
