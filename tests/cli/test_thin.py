"""The CLI is a thin shell: it imports only the public names of the library (a package's ``__all__``).

Anything a command does must be doable from Python, so the CLI may not reach into a private module
(``parcours.voc._model``) nor import a name a package does not export. The CLI's own modules
(``parcours.cli._common``) are the shell's business and exempt.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

import parcours.cli

CLI = Path(parcours.cli.__file__).parent
FILES = sorted(CLI.glob("*.py"))


def _imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) of every import of parcours in ``path``; name None for ``import x``."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "parcours":
                found.extend((node.lineno, node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, alias.name, None)
                for alias in node.names
                if alias.name.split(".")[0] == "parcours"
            )
    return found


def violations(path: Path) -> list[str]:
    """What ``path`` imports that is not public, one line each (file:line: what)."""
    problems = []
    for line, module, name in _imports(path):
        if module == "parcours.cli" or module.startswith("parcours.cli."):
            continue
        where = f"{path.name}:{line}"
        private = [part for part in module.split(".") if part.startswith("_")]
        if private:
            problems.append(f"{where}: imports the private module {module}")
            continue
        if name is None:
            continue
        if importlib.util.find_spec(module) is not None and _is_module(f"{module}.{name}"):
            if name.startswith("_"):
                problems.append(f"{where}: imports the private module {module}.{name}")
            continue
        exported = getattr(importlib.import_module(module), "__all__", None)
        if exported is None:
            problems.append(f"{where}: {module} has no __all__, so {name} is not public")
        elif name not in exported:
            problems.append(f"{where}: {module}.{name} is not in {module}.__all__")
    return problems


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_the_cli_imports_only_public_names(path):
    assert violations(path) == []


def test_the_check_catches_private_modules_and_unexported_names(tmp_path):
    shell = tmp_path / "cmd_bad.py"
    shell.write_text(
        "from parcours.voc._model import VerbatimClassifier\n"
        "from parcours.voc import _messages\n"
        "from parcours.ingest import load_file\n"
        "import parcours.voc._lexicon\n"
        "from parcours.cli._common import out\n"
        "from parcours.voc import kano\n",
        encoding="utf-8",
    )
    assert violations(shell) == [
        "cmd_bad.py:1: imports the private module parcours.voc._model",
        "cmd_bad.py:2: imports the private module parcours.voc._messages",
        "cmd_bad.py:3: parcours.ingest.load_file is not in parcours.ingest.__all__",
        "cmd_bad.py:4: imports the private module parcours.voc._lexicon",
    ]


def test_every_command_module_is_checked():
    names = {f.name for f in FILES}
    assert {"__init__.py", "_common.py", "cmd_voc.py", "cmd_lifecycle.py"} <= names
    assert sum(len(_imports(f)) for f in FILES) > 50
