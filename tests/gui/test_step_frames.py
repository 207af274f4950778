"""The HTML lesson page's pictures: one SVG per step the timeline tells, each marking its own step."""

from __future__ import annotations

from gradviz.engine.tracer import run
from gradviz.gui.step_frames import step_svgs
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES


def test_one_svg_per_told_step_each_different(qapp):
    graph, program = load(EXAMPLES / "linear_layer.json")
    frames = step_svgs(graph, run(program))
    # linear_layer as the timeline tells it: 5 nodes forward, the seed, 3 edges back (see test_render)
    assert len(frames) == 9
    assert all("<svg" in frame[:500] and frame.rstrip().endswith("</svg>") for frame in frames)
    assert len(set(frames)) == 9  # each frame marks another step
    assert all(name in frames[0] for name in ("matmul", "parameter"))


def test_the_dark_frames_differ_from_the_light(qapp):
    graph, program = load(EXAMPLES / "linear_layer.json")
    trace = run(program)
    light, dark = step_svgs(graph, trace), step_svgs(graph, trace, dark=True)
    assert len(dark) == len(light) and dark[0] != light[0]
