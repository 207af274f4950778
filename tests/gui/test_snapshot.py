"""The frames of `gradviz render --all-steps` and `--gif` carry the step told in words, legibly."""

from __future__ import annotations

import gc

import numpy as np
import shiboken6
from PySide6.QtGui import QImage

from gradviz.engine.tracer import run
from gradviz.gui.snapshot import build_scene, captioned_frames, snapshot_scene
from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from gradviz.model.story import story_of


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def _ink_runs(band: np.ndarray, background: np.ndarray) -> list[int]:
    """Heights of the runs of rows holding text (pixels far from the background)."""
    ink = (np.abs(band - background).sum(axis=2) > 200).any(axis=1)
    runs, length = [], 0
    for row in ink:
        if row:
            length += 1
        elif length:
            runs.append(length)
            length = 0
    return [*runs, length] if length else runs


def test_every_frame_has_a_legible_caption_band_that_follows_the_sentence(qapp):
    graph = read(EXAMPLES / "linear_layer.json")
    frames = list(captioned_frames(graph, None, scale=1.0))
    trace = run(build_scene(graph, False).document.program())
    story = story_of(trace)
    assert [index for index, _ in frames] == [told.index for told in story.told]
    sizes = {(frame.width(), frame.height()) for _, frame in frames}
    assert len(sizes) == 1  # every frame the same size: a GIF and a slide sequence that do not jump
    bands = []
    for index, frame in frames:
        pixels = _pixels(frame)
        background = pixels[-1, -1]  # the band's own colour, at its corner
        # the caption band starts below the rule across the whole frame (one colour, not the background)
        rules = [
            row
            for row in range(pixels.shape[0])
            if (pixels[row] == pixels[row, 0]).all() and np.abs(pixels[row, 0] - background).sum() > 0
        ]
        assert rules, f"step {index}: no rule above a caption"
        band = pixels[rules[-1] + 1 :]
        assert band.shape[0] >= 2 * 14  # room for the formula line and the sentence line
        runs = _ink_runs(band, background)
        # two lines of text (formula, sentence); each line's letters (with ascenders and descenders)
        # stand at least 14 px tall on the frame as drawn
        assert len(runs) >= 2 and max(runs) >= 14, f"step {index}: lines of ink {runs}"
        bands.append(band)
    told = [(story.formula(p), story.sentence(p)) for p in range(len(story))]
    for a in range(len(frames)):
        for b in range(a + 1, len(frames)):
            if told[a] != told[b]:
                assert not np.array_equal(bands[a], bands[b]), f"frames {a} and {b} say different things alike"


def test_a_drawing_scene_is_deleted_when_its_drawing_is_done():
    """Left to Python, a drawing's scene lived in reference cycles until the garbage collector freed it,
    possibly inside one of its own pending events: deleted here, right after the drawing, not by the collector."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with snapshot_scene(read(EXAMPLES / "linear_layer.json"), dark=False) as scene:
            assert shiboken6.isValid(scene) and scene.nodes
        assert not shiboken6.isValid(scene)
    finally:
        if collecting:
            gc.enable()
