"""Drawing a graph to PNG, SVG, step frames and a GIF: `gradviz render` as a user types it."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from gradviz.cli import main
from gradviz.io.paths import EXAMPLES


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_render_command_draws_the_canvas(tmp_path, suffix, qapp):
    out = tmp_path / f"linear{suffix}"
    assert main(["render", str(EXAMPLES / "linear_layer.json"), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:400]
    if suffix == ".svg":
        assert b"matmul" in data and json.dumps("W")[1:-1].encode() in data


def test_render_a_step_and_all_steps(tmp_path, qapp):
    graph = EXAMPLES / "linear_layer.json"
    assert main(["render", str(graph), "--step", "8", "-o", str(tmp_path / "step8.png")]) == 0
    assert (tmp_path / "step8.png").read_bytes().startswith(b"\x89PNG")
    assert main(["render", str(graph), "--all-steps", str(tmp_path / "frames")]) == 0
    frames = sorted(path.name for path in (tmp_path / "frames").iterdir())
    # one per step as the timeline tells it: 5 nodes, the seed, 3 edges (each named by the exact step that
    # completes it, 7, 9 and 11, so that --step 9 draws the same frame)
    assert frames == [f"step-{index:04d}.png" for index in (0, 1, 2, 3, 4, 5, 7, 9, 11)]
    assert main(["render", str(graph), "--step", "99", "-o", str(tmp_path / "x.png")]) == 2


def test_render_the_whole_pass_as_a_gif(tmp_path, qapp):
    out = tmp_path / "pass.gif"
    assert main(["render", str(EXAMPLES / "linear_layer.json"), "--gif", str(out)]) == 0
    with Image.open(out) as gif:
        assert gif.format == "GIF" and gif.n_frames == 9  # one frame per step the timeline tells
