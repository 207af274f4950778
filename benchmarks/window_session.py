"""The scripted window session (tests/gui/session_run.py) on a real X server, saving screenshots to look at.

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/window_session.py [--shots DIR]

Prints the problems found (none expected), the canvas's share of the window and the node text's height on
screen at the zoom each example opens at; the screenshots (window at each example, at the end of the
pass, side by side, dark) go to DIR (default shots-<width>x<height>/).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415 - only to read the screen's size

    app = QApplication.instance() or QApplication([])
    size = app.primaryScreen().size()
    default = ROOT / f"shots-{size.width()}x{size.height()}"
    shots = Path(sys.argv[sys.argv.index("--shots") + 1]) if "--shots" in sys.argv else default
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.session_run", "--shots", str(shots)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"screen {size.width()}x{size.height()}: {result.get('actions', 0)} actions, {len(result['problems'])} problems"
    )
    for problem in result["problems"]:
        print("  ", problem.splitlines()[0])
    print(f"canvas share of the window: {result.get('canvas_share')}")
    print(f"smallest node text on screen at open (px): {result.get('text_px')}")
    print(f"screenshots: {shots}")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
