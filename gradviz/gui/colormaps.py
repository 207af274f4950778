"""Colour maps with meanings: values on a sequential map, bars and tangents on a diverging one.

A value's colour says how large it is (dark to bright); a bar's colour says its sign and size, white
at zero (within 1/255), so a student sees at once which entries push the cost up (red) or down (blue).
The maps are matplotlib's own tables (viridis, and the RdBu segment in colormap_tables.py) used as numpy
lookup tables: the canvas draws hundreds of small heatmaps, and what is left here is only what a
plotting library would not do for us: limits, cells still unknown drawn transparent, nan in magenta.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from gradviz.gui.colormap_tables import DIVERGING, SEQUENTIAL

__all__ = ["DIVERGING", "SEQUENTIAL", "as_grid", "cell_text", "heatmap", "limits", "readable_on", "rgba"]


def as_grid(array: np.ndarray) -> np.ndarray:
    """Any array as rows × columns: a scalar is 1×1, a vector one row, higher ranks stack their rows."""
    array = np.asarray(array, dtype=float)
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array.reshape(1, -1)
    return array.reshape(-1, array.shape[-1])


def limits(array: np.ndarray, diverging: bool) -> tuple[float, float]:
    """Colour limits: symmetric about zero for a diverging map, the data's range otherwise."""
    finite = np.asarray(array, dtype=float)[np.isfinite(array)]
    if finite.size == 0:
        return (-1.0, 1.0)
    if diverging:
        top = float(np.max(np.abs(finite))) or 1.0
        return (-top, top)
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low - 1.0, high + 1.0)


def rgba(
    array: np.ndarray, diverging: bool, bounds: tuple[float, float], known: np.ndarray | None = None
) -> np.ndarray:
    """Rows × columns × 4 bytes: the colour map at ``bounds``; cells not ``known`` transparent (a result
    still filling in), nan and infinities magenta, unmissable."""
    low, high = bounds
    scaled = np.clip((np.asarray(array, dtype=float) - low) / (high - low), 0.0, 1.0)
    colours = (DIVERGING if diverging else SEQUENTIAL)[np.nan_to_num(scaled * 255).astype(np.uint8)]
    alpha = np.full((*scaled.shape, 1), 255, np.uint8)
    if known is not None:
        alpha[~known] = 0
    pixels = np.concatenate([colours, alpha], axis=2)
    pixels[~np.isfinite(array)] = (255, 0, 255, 255)
    return pixels


def heatmap(array: np.ndarray, diverging: bool) -> QImage:
    """One pixel per entry (scale it when drawing), coloured on the array's own limits."""
    grid = as_grid(array)
    pixels = np.ascontiguousarray(rgba(grid, diverging, limits(grid, diverging)))
    image = QImage(pixels.data, grid.shape[1], grid.shape[0], 4 * grid.shape[1], QImage.Format.Format_RGBA8888)
    return image.copy()  # own the pixels: the numpy buffer goes away


def readable_on(colours: np.ndarray) -> np.ndarray:
    """For cells of ``colours`` (… × 3 or 4 bytes), True where black text contrasts more than white:
    the WCAG 2 relative luminance is above 0.179, where both contrast ratios are equal (about 4.6:1)."""
    channels = np.asarray(colours, dtype=float)[..., :3] / 255.0
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722]) > 0.179


def cell_text(number: float, digits: int = 3) -> str:
    """A number short enough for a small cell: ``digits`` significant digits, no '+' or leading zeros
    in the exponent (1.5e-05 → 1.5e−5), −0 shown as 0."""
    if not np.isfinite(number):
        return str(number)
    text = f"{number + 0.0:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")
