"""The plan's public surface: explicit, importable without an engine, used by the CLI alone,
and no import of a layer above the capabilities."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import parcours.plan as plan
from parcours.errors import ParcoursError, PlanError

SRC = Path(plan.__file__).resolve().parent
CLI = SRC.parent / "cli" / "cmd_plan.py"


def test_every_public_name_exists_and_errors_share_the_root():
    assert len(plan.__all__) == len(set(plan.__all__))
    for name in plan.__all__:
        assert getattr(plan, name) is not None, name
    assert plan.PlanError is PlanError
    assert issubclass(PlanError, ParcoursError)


def test_importing_the_plan_starts_no_engine():
    code = (
        "import sys, parcours.plan; "
        "print(sorted(m for m in ('duckdb', 'ibis', 'pandas', 'ortools', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


def test_the_cli_uses_only_public_plan_names():
    used = [names for module, names in _imports(CLI) if module.startswith("parcours.plan")]
    assert used
    for names in used:
        assert set(names) <= set(plan.__all__), names
    assert all(
        module == "parcours.plan"
        for module, _ in _imports(CLI)
        if module.startswith("parcours.plan")
    )


def test_the_plan_imports_nothing_above_the_capabilities():
    above = (
        "parcours.render",
        "parcours.orchestrate",
        "parcours.cli",
        "parcours.api",
        "parcours.web",
        "parcours.demo",
    )
    capabilities = ("parcours.analytics", "parcours.voc", "parcours.lifecycle", "parcours.personas")
    for path in sorted(SRC.glob("*.py")):
        for module, names in _imports(path):
            assert not module.startswith(above), f"{path.name} imports {module}"
            if module.startswith(capabilities):
                package = importlib_module(module)
                assert module in capabilities, f"{path.name} imports the private {module}"
                assert set(names) <= set(package.__all__), f"{path.name}: {names}"


def importlib_module(name: str):  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(name)
