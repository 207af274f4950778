"""Crash recovery: each window's unsaved work is written to its own recovery file, locked while it runs.

A recovery file is a normal graph file (saved atomically, view section included, so the timeline's
mode and step come back), with the path it belongs to in a small file beside it. Each running window
holds a ``QLockFile`` on its own file for as long as it lives; a clean save or close removes the file.
At start-up, only an orphan is offered: a recovery file whose lock no live process holds (its window
crashed). A second window running beside the first never sees the first one's live work as lost, so
declining or closing it cannot delete that work.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile

from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, read, save


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    # Only a dead owner makes a lock stale (Qt checks its pid): a window may run for days, and by age
    # alone (Qt's default, 30 s) a second window would take a live window's work for an orphan.
    lock.setStaleLockTime(0)
    return lock


@dataclass
class Orphan:
    """Work left by a window that did not close cleanly, claimed (its lock held) until discarded."""

    graph: GraphFile
    source: str | None  # the file the work belongs to, None for an untitled graph
    _files: tuple[Path, ...]
    _lock: QLockFile

    def discard(self) -> None:
        """Delete it (it was recovered into a window, or the user declined it)."""
        for path in self._files:
            path.unlink(missing_ok=True)
        self._lock.unlock()

    def release(self) -> None:
        """Keep it for another time, and let another window claim it."""
        self._lock.unlock()


class Recovery:
    """This window's recovery file in ``folder``, and the orphans other windows left there."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        session = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.graph_path = folder / f"{session}.json"
        self.source_path = folder / f"{session}.source"
        self._lock = _lock(folder / f"{session}.lock")

    def write(self, graph: GraphFile, source: str | None) -> None:
        """Save ``graph`` as this window's unsaved work (the lock is taken before the first write)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self._lock.isLocked() and not self._lock.tryLock(0):
            raise GraphFileError(self.graph_path, f"cannot lock the recovery file ({self._lock.error().name})")
        self.source_path.write_text(source or "", encoding="utf-8")
        save(graph, self.graph_path)

    def clear(self) -> None:
        """No unsaved work any more (saved, or undone back to the saved state)."""
        self.graph_path.unlink(missing_ok=True)
        self.source_path.unlink(missing_ok=True)

    def close(self) -> None:
        """The window closes cleanly: its work is saved or discarded, and the lock goes."""
        self.clear()
        self._lock.unlock()

    def claim_orphan(self) -> Orphan | None:
        """The newest readable work of a window that crashed, its lock now held by this one; or None."""
        for path in self._newest_first():
            lock = _lock(path.with_suffix(".lock"))
            if not lock.tryLock(0):
                continue  # its window is running: that work is not lost
            try:
                graph = read(path)
            except GraphFileError:
                lock.unlock()  # unreadable: left for a person to look at, never offered
                continue
            source_path = path.with_suffix(".source")
            source = source_path.read_text(encoding="utf-8").strip() if source_path.exists() else ""
            return Orphan(graph, source or None, (path, source_path), lock)
        return None

    def _newest_first(self) -> list[Path]:
        found = []
        for path in self.folder.glob("*.json"):
            try:
                found.append((path.stat().st_mtime, path))
            except OSError:
                continue  # removed meanwhile by the window that owned it
        return [path for _, path in sorted(found, reverse=True) if path != self.graph_path]
