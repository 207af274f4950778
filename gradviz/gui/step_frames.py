"""The canvas at every step as SVG text, for the HTML lesson page (which must not load Qt itself)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gradviz.engine.trace import Trace
from gradviz.gui.render import render_scene
from gradviz.gui.snapshot import build_scene
from gradviz.model.graph_record import GraphFile


def step_svgs(graph: GraphFile, trace: Trace, dark: bool = False) -> list[str]:
    """One SVG document per step of ``trace`` (a run of ``graph``), drawn as `gradviz render --step` draws it."""
    scene = build_scene(graph, dark)
    frames = []
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "frame.svg"
        for index in range(len(trace)):
            scene.show_step(trace.state(index), trace.steps[index])
            frames.append(render_scene(scene, target).read_text(encoding="utf-8"))
    return frames
