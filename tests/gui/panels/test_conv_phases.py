"""What the kernel-flip view draws at each frame: frame f is cell f (row-major) of the phase's result, the
cells filled so far, the padding said in words, and the sentence with the graph's names shown as text.

The plane here is small enough to check by hand: a 3×3 image 0…8 correlated with the 2×2 kernel
[[1, 2], [3, 4]], no padding, so the output is 2×2."""

from __future__ import annotations

import numpy as np

from gradviz.engine.kernel_flip import Plane
from gradviz.gui.panels.conv_phases import Names, frame_of, known_up_to, padding_words, result_shape, sentence

IMAGE = np.arange(9.0).reshape(3, 3)
KERNEL = np.array([[1.0, 2.0], [3.0, 4.0]])


def _plane(op: str = "correlate2d", pads=((0, 0), (0, 0)), stride=(1, 1)) -> Plane:
    return Plane(op, IMAGE, KERNEL, pads, stride, output_bar=np.ones((2, 2)))


def test_frame_f_is_cell_f_of_the_result_row_major():
    plane = _plane()
    assert result_shape(plane, "forward") == (2, 2) and result_shape(plane, "kernel") == (2, 2)
    assert result_shape(plane, "image") == (3, 3)
    frame = frame_of(plane, "forward", 2)  # the third output cell: row 1, column 0
    assert frame.target == (1, 0)
    # the window at rows 1-2, columns 0-1 is [[3, 4], [6, 7]]: 3·1 + 4·2 + 6·3 + 7·4 = 57
    assert frame.total == 57.0
    assert frame_of(plane, "image", 4).target == (1, 1)


def test_the_cells_known_are_those_the_window_has_filled():
    assert known_up_to((2, 3), 3).tolist() == [[True, True, True], [True, False, False]]
    assert known_up_to((2, 2), -1).tolist() == [[False, False], [False, False]]


def test_the_padding_in_words():
    assert padding_words(_plane(), None) == "no padding"
    assert padding_words(_plane(pads=((1, 1), (1, 1))), "same") == "same: 1 zero of padding on each side"
    assert padding_words(_plane(pads=((2, 2), (2, 2))), None) == "2 zeros of padding on each side"
    assert padding_words(_plane(pads=((0, 1), (0, 1)), stride=(2, 2)), None) == (
        "zeros: 0 above, 1 below, 0 left, 1 right, stride 2×2"
    )


def test_the_sentence_says_the_number_and_shows_names_as_text():
    plane = _plane()
    names = Names(image="<i>mg", kernel="k", output="O&")
    words = sentence(plane, "forward", frame_of(plane, "forward", 2), names, "")
    assert words.startswith("O&amp;[1, 0] = <b>57</b>: the sum of the 4 products")
    assert "&lt;i&gt;mg" in words and "<i>mg" not in words and "turned" not in words
    turned = sentence(_plane("convolve2d"), "forward", frame_of(_plane("convolve2d"), "forward", 0), Names(), "")
    assert "k turned 180°" in turned
    note = sentence(plane, "kernel", frame_of(plane, "kernel", 0), Names(), "batch item 0 of 2")
    assert note.endswith("<br><i>batch item 0 of 2</i>") and "overline" in note  # k̄ drawn with a real line
