"""An offscreen screen of a chosen size and DPI, for a child process: Qt fixes the offscreen screen when it
starts (800×800 at 96 dpi by default), so a test of another size runs the window in a process of its own."""

from __future__ import annotations

import json
import os
from pathlib import Path


def offscreen_environment(folder: Path, width: int, height: int, dpi: int = 96) -> dict[str, str]:
    """The environment of a child process whose offscreen screen is ``width``×``height`` at ``dpi``, with
    its settings (HOME, XDG_CONFIG_HOME) in ``folder`` so it never touches the user's."""
    screen = folder / "screen.json"
    layout = {"name": "s", "x": 0, "y": 0, "width": width, "height": height}
    layout |= {"logicalDpi": dpi, "logicalBaseDpi": 96, "dpr": 1}
    screen.write_text(
        json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False, "screens": [layout]})
    )
    return dict(
        os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", HOME=str(folder), XDG_CONFIG_HOME=str(folder)
    )
