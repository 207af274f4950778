"""A node's badges: one picture per array, shared while the array cannot change, and reading what it holds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz.gui.canvas import badges
from gradviz.gui.colormaps import cell_text


def test_a_read_only_arrays_badge_is_shared_and_a_writeable_ones_is_not(qapp):
    frozen = np.arange(6.0).reshape(2, 3)
    frozen.setflags(write=False)
    assert badges.badge_for(frozen, False) is badges.badge_for(frozen, False)
    assert badges.badge_for(frozen, True) is not badges.badge_for(frozen, False)  # another colour map
    loose = np.arange(6.0).reshape(2, 3)
    first = badges.badge_for(loose, False)
    loose[0, 0] = 100.0  # changed in place: the cache must not show the old numbers
    assert badges.badge_for(loose, False).numbers[0][0] == cell_text(100.0) != first.numbers[0][0]


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, st.integers(1, 16), elements=st.floats(-1e6, 1e6)))
def test_a_cached_badge_reads_what_its_array_holds(qapp, values):
    values.setflags(write=False)
    badge = badges.badge_for(values, False)
    assert badge.numbers[0] == tuple(cell_text(number) for number in values.ravel())
    assert (badge.image.width(), badge.image.height()) == (values.size, 1)
