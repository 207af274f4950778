"""The core (engine, model, io, export, cli) never loads Qt: it runs and is tested with no display.
Only the window (gradviz.gui) imports PySide6, and the cli only when asked for the window or a render."""

import subprocess
import sys

CORE = ["gradviz.engine", "gradviz.engine.ops", "gradviz.engine.tracer", "gradviz.engine.forward_mode",
        "gradviz.engine.gradcheck", "gradviz.engine.build", "gradviz.engine.describe", "gradviz.model.compile",
        "gradviz.model.document", "gradviz.model.layout", "gradviz.model.lesson", "gradviz.model.practice",
        "gradviz.model.distractors",
        "gradviz.export.lesson_html",
        "gradviz.io.graph_file", "gradviz.export", "gradviz.cli"]


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
