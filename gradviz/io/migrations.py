"""Reading old files: a table of steps from version n to n + 1, applied in turn.

Version 1 is the first published format, so the table is empty today; the tests run the mechanism
with a synthetic version 0. A migration takes and returns the parsed JSON document (plain dicts and
lists), never live objects, and sets the new version number itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT_VERSION = 1

Document = dict[str, Any]

MIGRATIONS: dict[int, Callable[[Document], Document]] = {}


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
