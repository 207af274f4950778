"""``python -m gradviz`` is the ``gradviz`` command: same arguments, same exit codes."""

from __future__ import annotations

import subprocess
import sys

from gradviz import __version__
from gradviz.io.paths import DEFAULT_EXAMPLE


def module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradviz", *args], capture_output=True, text=True, check=False)


def test_version_and_a_run_exit_0():
    version = module("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    run = module("run", str(DEFAULT_EXAMPLE))
    assert run.returncode == 0 and "W" in run.stdout


def test_a_missing_file_exits_2_with_one_line():
    done = module("run", "no/such/graph.json")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "no/such/graph.json" in done.stderr
