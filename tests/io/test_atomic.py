"""Atomic saving: durable, through symlinks, never over a read-only file, and cleaning up after kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradviz.io import atomic
from gradviz.io.atomic import TEMP_MARK, remove_stale_temps, temp_name, write_atomic
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import parse, read, save

VALID = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [
        {"id": "x", "op": "input", "value": [1.0, 2.0]},
        {"id": "c", "op": "sum", "inputs": ["x"]},
    ],
}


def graph():
    return parse(json.dumps(VALID))


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped), so no process has it now."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_save_is_atomic_and_durable(tmp_path, monkeypatch):
    target = tmp_path / "g.json"
    target.write_text("old contents")
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    save(graph(), target)
    assert len(synced) >= 2, "the file and then its folder (the rename) are synced"
    assert read(target).output == "c"
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_a_failed_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "g.json"
    target.write_text("old contents")

    def refuse(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(GraphFileError, match="cannot save: No space left on device"):
        save(graph(), target)
    assert target.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"], "the temporary file is removed"


def test_saving_into_a_missing_folder_is_one_error(tmp_path):
    with pytest.raises(GraphFileError, match="cannot save"):
        save(graph(), tmp_path / "no" / "such" / "g.json")


def test_save_keeps_the_file_mode(tmp_path):
    target = tmp_path / "g.json"
    target.write_text("{}")
    target.chmod(0o640)
    save(graph(), target)
    assert target.stat().st_mode & 0o777 == 0o640


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "lessons" / "real.json"
    real.parent.mkdir()
    real.write_text("stale")
    link = tmp_path / "link.json"
    link.symlink_to(Path("lessons") / "real.json")  # relative, as `ln -s` makes them
    save(graph(), link)
    assert link.is_symlink(), "the link is still a link"
    assert read(real).output == "c", "the file it points to holds the new graph"
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.json"], "the temporary file went beside it"


def test_a_chain_of_symlinks_is_followed_to_the_end(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("stale")
    (tmp_path / "one.json").symlink_to(real)
    (tmp_path / "two.json").symlink_to(tmp_path / "one.json")
    save(graph(), tmp_path / "two.json")
    assert read(real).output == "c" and (tmp_path / "two.json").is_symlink() and (tmp_path / "one.json").is_symlink()


def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    target = tmp_path / "g.json"
    target.write_text("keep me")
    target.chmod(0o444)
    with pytest.raises(GraphFileError, match="read-only") as caught:
        save(graph(), target)
    assert str(target) in str(caught.value) and "\n" not in str(caught.value)
    assert target.read_text() == "keep me" and target.stat().st_mode & 0o777 == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "g.json").mkdir()
    with pytest.raises(GraphFileError, match="not a regular file"):
        save(graph(), tmp_path / "g.json")


def test_temporary_files_are_named_after_the_target_and_this_process(tmp_path):
    name = temp_name(tmp_path / "g.json").name
    assert name.startswith(f".g.json{TEMP_MARK}{os.getpid()}-")


def test_stale_temporary_files_of_dead_processes_are_removed_on_the_next_save(tmp_path):
    target = tmp_path / "g.json"
    stale = [temp_name(target, dead_pid()) for _ in range(3)]
    live = temp_name(target, os.getppid())  # a save in progress in a running process: left alone
    other = tmp_path / f".h.json{TEMP_MARK}{dead_pid()}-0000"  # another file's: not this save's business
    unrelated = tmp_path / ".g.json.swp"
    for path in [*stale, live, other, unrelated]:
        path.write_text("half a graph")
    save(graph(), target)
    assert not any(path.exists() for path in stale)
    assert live.exists() and other.exists() and unrelated.exists()
    assert read(target).output == "c"


def test_remove_stale_temps_skips_names_that_are_not_its_own(tmp_path):
    target = tmp_path / "g.json"
    odd = tmp_path / f".g.json{TEMP_MARK}notapid-1"
    odd.write_text("?")
    assert remove_stale_temps(target) == []
    assert odd.exists()


def test_write_atomic_returns_the_resolved_target(tmp_path):
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert write_atomic(tmp_path / "link.txt", "new") == (tmp_path / "real.txt").resolve()
    assert (tmp_path / "real.txt").read_text() == "new"


SAVER = """
import json, os, sys, time
from gradviz.io.graph_file import parse, save
real_fsync = os.fsync
def slow_fsync(descriptor):  # a busy disk: the temporary file lives long enough for a kill to land mid-save
    time.sleep(0.02)
    real_fsync(descriptor)
os.fsync = slow_fsync
big = [[float(i + j) for j in range(200)] for i in range(200)]
graphs = []
for fill in (1.0, 2.0):
    nodes = [{"id": "x", "op": "input", "value": [[v * fill for v in row] for row in big]},
             {"id": "c", "op": "sum", "inputs": ["x"]}]
    graphs.append(parse(json.dumps({"format": "gradviz-graph", "version": 1, "output": "c", "nodes": nodes})))
print("ready", flush=True)
turn = 0
while True:
    save(graphs[turn % 2], sys.argv[1])
    turn += 1
"""


def test_kill_9_mid_save_leaves_the_old_or_the_new_file_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "g.json"
    save(graph(), target)
    interrupted = 0
    for attempt in range(20):  # until two kills land mid-save (under load, a kill may land between saves)
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(target)], stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2]
        )
        assert saver.stdout.readline().strip() == b"ready"
        time.sleep(0.05 + 0.013 * attempt)
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        saver.stdout.close()
        read(target)  # whole: the old graph or a new one, never half of one
        interrupted += any(TEMP_MARK in path.name for path in tmp_path.iterdir())
        if interrupted == 2:
            break
    assert interrupted, "some kill landed mid-save (else this test tests nothing)"
    save(graph(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"], "temporary files of the killed savers are gone"
