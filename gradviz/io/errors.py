"""The one error every bad graph file raises, with a one-line message naming file, node and field."""

from __future__ import annotations

from pathlib import Path


class GraphFileError(Exception):
    """A graph file that cannot be read, with where the problem is and what it is, on one line."""

    def __init__(
        self, path: str | Path | None, message: str, node: str | None = None, field: str | None = None
    ) -> None:
        self.path = str(path) if path is not None else None
        self.node = node
        self.field = field
        self.reason = " ".join(message.split())  # one line, whatever the cause said
        where = [self.path or "<graph>"]
        if node is not None:
            where.append(f"node {node!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(", ".join(where) + ": " + self.reason)
