"""The core (engine, model, io, export, cli) never loads Qt: it runs and is tested with no display.
Only the window (gradviz.gui) imports PySide6, and the cli only when asked for the window or a render.

The layers themselves (gui → io/export → model → engine, never back) are import-linter contracts in
pyproject.toml; the test below runs them, so a wrong-way import fails the suite, not just a review."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CORE = [
    "gradviz.engine",
    "gradviz.engine.ops",
    "gradviz.engine.tracer",
    "gradviz.engine.forward_mode",
    "gradviz.engine.gradcheck",
    "gradviz.engine.build",
    "gradviz.engine.describe",
    "gradviz.engine.budget",
    "gradviz.model.compile",
    "gradviz.model.document",
    "gradviz.model.graph_record",
    "gradviz.model.layout",
    "gradviz.model.playback",
    "gradviz.model.story",
    "gradviz.model.lesson",
    "gradviz.model.practice",
    "gradviz.model.distractors",
    "gradviz.export.lesson_html",
    "gradviz.io.graph_file",
    "gradviz.io.atomic",
    "gradviz.io.file_bytes",
    "gradviz.export",
    "gradviz.cli",
]


def test_core_never_imports_qt_or_pyqtgraph():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "import gradviz.engine.registry as r; list(r.all_ops())\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"the core imported {result.stdout.strip()}"


def test_import_contracts_hold():
    """lint-imports reads every import, lazy ones included, in this checkout (the -c puts it first on the path)."""
    code = "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True, no_logo=True))"
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
