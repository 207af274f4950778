"""Reading old files: a table of steps from version n to n + 1, applied in turn.

Version 1 is the first published format; version 2 adds lessons (``view.stops``). A migration takes
and returns the parsed JSON document (plain dicts and lists), never live objects, and sets the new
version number itself. The tests also run the mechanism with a synthetic version 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT_VERSION = 2

Document = dict[str, Any]


def _one_to_two(document: Document) -> Document:
    """Version 2 adds an ordered list of lesson stops to the view. A version-1 reader ignored every view
    key it did not know, so a version-1 file may carry a hand-written ``stops`` that was never checked and
    never shown: it is dropped, so that a file that opened before still opens, and means what it meant."""
    migrated = {**document, "version": 2}
    view = document.get("view")
    if isinstance(view, dict) and "stops" in view:
        migrated["view"] = {key: value for key, value in view.items() if key != "stops"}
    return migrated


MIGRATIONS: dict[int, Callable[[Document], Document]] = {1: _one_to_two}


class VersionError(ValueError):
    """A version this gradviz cannot read."""


def migrate(document: Document, version: int) -> Document:
    """``document`` (of ``version``) brought up to CURRENT_VERSION through the table."""
    if version > CURRENT_VERSION:
        raise VersionError(
            f"the file is version {version}, made by a newer gradviz; this one reads up to version {CURRENT_VERSION}"
        )
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise VersionError(f"version {version} is too old: no migration from it is known")
        document = step(document)
        if document.get("version") != version + 1:
            raise VersionError(f"the migration from version {version} did not produce version {version + 1}")
        version += 1
    return document
