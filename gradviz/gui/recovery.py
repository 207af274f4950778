"""Crash recovery: unsaved work is written beside the user's settings every 30 s while it changes.

The recovery file is a normal graph file (saved atomically), with the path it belongs to kept in a
second small file; a clean save or close removes both. If they are there at start-up, the last
session ended without saving, and the window offers to bring the work back.
"""

from __future__ import annotations

from pathlib import Path

from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, read, save


class Recovery:
    """The recovery file in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.graph_path = folder / "recovery.json"
        self.source_path = folder / "recovery-source.txt"

    def write(self, graph: GraphFile, source: str | None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        save(graph, self.graph_path)
        self.source_path.write_text(source or "", encoding="utf-8")

    def clear(self) -> None:
        self.graph_path.unlink(missing_ok=True)
        self.source_path.unlink(missing_ok=True)

    def pending(self) -> tuple[GraphFile, str | None] | None:
        """The work left by a session that did not end cleanly, or None."""
        if not self.graph_path.exists():
            return None
        try:
            graph = read(self.graph_path)
        except GraphFileError:
            return None
        source = self.source_path.read_text(encoding="utf-8").strip() if self.source_path.exists() else ""
        return graph, source or None
