"""The canvas at every told step as SVG text, for the HTML lesson page (which must not load Qt itself)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gradviz.engine.trace import Trace
from gradviz.gui.render import render_scene
from gradviz.gui.snapshot import snapshot_scene
from gradviz.model.graph_record import GraphFile
from gradviz.model.story import story_of


def step_svgs(graph: GraphFile, trace: Trace, dark: bool = False) -> list[str]:
    """One SVG document per step the timeline tells of ``trace`` (a run of ``graph``), as `gradviz render
    --all-steps` makes its frames: the canvas at the exact step ending each told step, the told step's edge
    marked (so frame k is what `gradviz render --step N` draws, N the exact step ending told step k)."""
    story = story_of(trace)
    frames = []
    with snapshot_scene(graph, dark) as scene, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "frame.svg"
        for told in story.told:
            scene.show_step(trace.state(told.index), story.shown_step(told.index))
            frames.append(render_scene(scene, target).read_text(encoding="utf-8"))
    return frames
