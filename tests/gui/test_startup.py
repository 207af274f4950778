"""Start-up stays light: opening the window on the default example loads none of the heavy libraries.

networkx (0.24 s), pyqtgraph (0.7 s) and matplotlib are imported when first needed (compiling to step,
the inspector's arrays, a typeset formula), not at start; this test fails if one creeps back in.
"""

import subprocess
import sys

SCRIPT = """
import os, sys, tempfile
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import DEFAULT_EXAMPLE
folder = tempfile.mkdtemp()
window = MainWindow(QSettings(folder + "/s.ini", QSettings.Format.IniFormat), Recovery(Path(folder)))
window.show()
window.open_path(DEFAULT_EXAMPLE)
app.processEvents()
assert window.player.available
print(",".join(sorted(m for m in ("networkx", "pyqtgraph", "matplotlib", "scipy") if m in sys.modules)))
"""


def test_the_window_starts_without_heavy_imports():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"imported at start: {done.stdout.strip()}"
