"""The window under random user actions (see random_actions.py), at two screen sizes, plus a test for
each bug those actions found.

The random sessions run in a child pytest process per screen size, because the offscreen screen's size is
fixed when Qt starts. ``GRADVIZ_RANDOM_ACTIONS=N`` (actions per seed) makes a soak run;
``GRADVIZ_RANDOM_SEEDS=a,b`` replays chosen seeds (a failure prints its seed and every action).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = [(1280, 720, "1,2,3,4,5"), (1920, 1080, "6")]


@pytest.mark.parametrize("width,height,seeds", SESSIONS)
def test_random_actions_never_break_the_window(tmp_path, width, height, seeds):
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
                                  "screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path))
    env.setdefault("GRADVIZ_RANDOM_SEEDS", seeds)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-x",
                           "tests/gui/random_actions.py"], cwd=ROOT, env=env, check=False, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert "actions" in done.stdout  # the sessions really ran
