"""The coloured pictures of a node's value and bar, made once per array and shared.

Colouring an array (its heatmap, its numbers' texts, which ink reads on each cell) costs far more than
drawing it, and playback shows the same arrays again and again (stepping back and forth, two canvases
comparing). A trace's arrays are read-only, so an array's identity says its content: the badge of a
read-only array is kept for as long as the array lives and found again by identity. A writeable array
may change in place, so its badge is made afresh each time it is asked for: a stale picture of a value
is the one thing a cache here must never show.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap

from gradviz.gui.colormaps import as_grid, cell_text, heatmap, readable_on

NUMBERS_UP_TO = 16  # arrays this small show their numbers when the cells are large enough on screen


def _rgb(colour: QColor) -> tuple[int, int, int]:
    """A colour's red, green and blue (QColor.getRgb also gives them, but PySide6 6.11's stubs type it as object)."""
    return colour.red(), colour.green(), colour.blue()


@dataclass(frozen=True, eq=False)
class Badge:
    """One array of the badge row: its heatmap (one pixel per element), and for a small array each cell's
    number (with three, then two significant digits, the first that fits) and whether black ink reads
    on its colour. Holds no reference to the array, so a cached badge never keeps one alive."""

    image: QImage
    numbers: tuple[tuple[str, ...], ...]
    dark_ink: np.ndarray | None
    _pixmap: list[QPixmap] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, array: np.ndarray, diverging: bool) -> Badge:
        image = heatmap(array, diverging)
        if np.size(array) > NUMBERS_UP_TO:
            return cls(image, (), None)
        grid = as_grid(array)
        pixels = np.array(
            [[_rgb(image.pixelColor(column, row)) for column in range(grid.shape[1])] for row in range(grid.shape[0])],
            dtype=np.uint8,
        )
        numbers = tuple(tuple(cell_text(number, digits) for number in grid.ravel()) for digits in (3, 2))
        return cls(image, numbers, readable_on(pixels))

    @property
    def pixmap(self) -> QPixmap:
        """The heatmap as a pixmap, converted on first use: drawing a pixmap skips the per-paint
        conversion that drawing a QImage pays."""
        if not self._pixmap:
            self._pixmap.append(QPixmap.fromImage(self.image))
        return self._pixmap[0]


_CACHE: dict[tuple[int, bool], tuple[weakref.ref[np.ndarray], Badge]] = {}
made = 0  # badges coloured so far: tests read it to see that the cache is used


def badge_for(array: np.ndarray, diverging: bool) -> Badge:
    """The badge of ``array``: shared while a read-only array lives, made afresh for a writeable one."""
    global made  # noqa: PLW0603 - a counter the tests read
    cacheable = isinstance(array, np.ndarray) and not array.flags.writeable
    key = (id(array), diverging)
    if cacheable:
        entry = _CACHE.get(key)
        if entry is not None and entry[0]() is array:
            return entry[1]
    badge = Badge.of(array, diverging)
    made += 1
    if cacheable:
        _CACHE[key] = (weakref.ref(array, _forgetting(key)), badge)
    return badge


def _forgetting(key: tuple[int, bool]) -> Callable[[weakref.ref[np.ndarray]], object]:
    """The weak reference's callback: once the array is gone, its badge leaves the cache."""
    return lambda _: _CACHE.pop(key, None)
