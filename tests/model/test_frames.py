"""The sub-step cursor of the kernel-flip view: frames are the result's cells, row-major, clamped."""

from __future__ import annotations

from gradviz.model.frames import PACES, FrameCursor


def test_a_fresh_cursor_shows_no_window():
    cursor = FrameCursor()
    assert cursor.index == -1 and cursor.at_end
    assert cursor.seek(3) == -1  # no frames: nothing to seek


def test_loading_a_window_clamps_and_is_off_the_timelines_step():
    cursor = FrameCursor(on_step=True)
    assert cursor.load(6, 3, 10) == 5 and not cursor.on_step and cursor.at_end
    assert cursor.load(6, 0, -4) == 0 and cursor.width == 1  # a width of 0 would divide by zero
    assert not cursor.at_end


def test_pixel_by_pixel_steps_one_cell_and_row_by_row_fills_the_row():
    # a 2×3 result: cells 0 1 2 / 3 4 5
    cursor = FrameCursor()
    cursor.load(6, 3, 0)
    assert [cursor.advance("pixel by pixel") for _ in range(6)] == [1, 2, 3, 4, 5, 5]
    cursor.seek(0)
    assert [cursor.advance("row by row") for _ in range(3)] == [2, 5, 5]  # the rest of row 0, then row 1
    cursor.seek(3)
    assert cursor.advance("row by row") == 5
    assert set(PACES) == {"pixel by pixel", "row by row"} and all(rate > 0 for rate in PACES.values())
