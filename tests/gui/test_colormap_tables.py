"""The colour tables are matplotlib's, byte for byte, and nobody can write into them."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from gradviz.gui.colormap_tables import DIVERGING, SEQUENTIAL


def _bytes(name: str, low: float, high: float) -> np.ndarray:
    return np.round(matplotlib.colormaps[name](np.linspace(low, high, 256))[:, :3] * 255).astype(np.uint8)


def test_the_tables_are_matplotlibs():
    assert np.array_equal(SEQUENTIAL, _bytes("viridis", 0.0, 1.0))
    assert np.array_equal(DIVERGING, _bytes("RdBu_r", 0.1, 0.9))


def test_the_tables_are_read_only():
    """Every heatmap of the window looks colours up in these two arrays: a write would recolour them all."""
    for table in (SEQUENTIAL, DIVERGING):
        assert table.shape == (256, 3) and table.dtype == np.uint8
        with pytest.raises(ValueError, match="read-only"):
            table[0, 0] = 0
