"""A whole session in the real window at two screen sizes (offscreen, screen size fixed): see session_run.py.

Each size runs in its own process, because the offscreen screen's size is fixed when Qt starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.screens import offscreen_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
# the third: a screen of 144 dpi (a 150% desktop scale), where every size must follow the DPI
@pytest.mark.parametrize("width,height,dpi", [(1280, 720, 96), (1920, 1080, 96), (1920, 1080, 144)])
def test_a_session_keeps_the_window_on_screen_legible_and_quiet(tmp_path, width, height, dpi):
    env = offscreen_environment(tmp_path, width, height, dpi)
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.session_run"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["problems"] == []
    assert result["actions"] > 300  # the session really ran: every example, node, step and mode
    assert result["canvas_share"] >= 0.6  # the canvas is the largest thing in the window
    assert min(result["text_px"].values()) >= 10 - 1e-6  # node text legible at the zoom each example opens at
