"""What gradviz adds to the colour tables (test_colormap_tables.py): limits, unknown cells, nan, readable ink."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz.gui.colormaps import DIVERGING, SEQUENTIAL, limits, readable_on, rgba


def test_zero_is_white_and_the_signs_are_blue_and_red():
    low, high = limits(np.array([-2.0, 0.0, 2.0]), diverging=True)
    negative, zero, positive = rgba(np.array([[-2.0, 0.0, 2.0]]), True, (low, high))[0, :, :3].astype(int)
    assert zero.min() >= 245  # white to the eye (matplotlib's RdBu middle is #f7f7f7)
    assert negative[2] > negative[0] and positive[0] > positive[2]


finite_or_not = st.one_of(st.floats(-1e6, 1e6), st.just(np.nan), st.just(np.inf), st.just(-np.inf))


@given(
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=finite_or_not),
    st.booleans(),
    st.data(),
)
def test_nan_and_infinities_are_magenta_and_unknown_cells_transparent(grid, diverging, data):
    known = data.draw(arrays(np.bool_, grid.shape))
    pixels = rgba(grid, diverging, limits(grid, diverging), known)
    bad = ~np.isfinite(grid)
    assert np.all(pixels[bad] == (255, 0, 255, 255))
    assert np.all(pixels[~bad & ~known][:, 3] == 0) and np.all(pixels[~bad & known][:, 3] == 255)
    table = DIVERGING if diverging else SEQUENTIAL
    colours = {tuple(colour) for colour in table}
    assert all(tuple(pixel[:3]) in colours for pixel in pixels[~bad])


def _contrast(one: np.ndarray, other: np.ndarray) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (bytes)."""

    def luminance(rgb: np.ndarray) -> float:
        c = rgb / 255.0
        linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ink_on_every_colour_of_both_maps_reads():
    """Black or white, whichever is chosen, contrasts at least 3:1 (WCAG's bar for large text)."""
    for table in (SEQUENTIAL, DIVERGING):
        dark = readable_on(table)
        for colour, black in zip(table, dark):
            ink = np.zeros(3) if black else np.full(3, 255.0)
            assert _contrast(colour.astype(float), ink) >= 3.0, colour
