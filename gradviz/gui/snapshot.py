"""A graph drawn without a window: the scene alone, for `gradviz render` and for tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QApplication

from gradviz.engine.tracer import run
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.render import render_scene, scene_image
from gradviz.gui.theme import current_theme
from gradviz.io.graph_file import GraphFile
from gradviz.model.document import GraphDocument
from gradviz.model.layout import layered_positions


def build_scene(graph: GraphFile, dark: bool) -> GraphScene:
    """The scene of ``graph``, with anything the file gives no position laid out."""
    QApplication.instance() or QApplication([])  # Qt needs one before any scene
    if any(spec.id not in graph.layout for spec in graph.nodes):
        graph = GraphFile(graph.nodes, graph.output, layered_positions(graph.nodes, graph.layout), graph.view,
                          graph.title, graph.description)
    return GraphScene(GraphDocument(graph), QUndoStack(), current_theme(dark))


def render_file(graph: GraphFile, output: str | Path, dark: bool = False) -> Path:
    """The canvas of ``graph`` as the editor shows it, to PNG or SVG."""
    return render_scene(build_scene(graph, dark), output)


def render_steps(graph: GraphFile, steps: list[int] | None, output: str | Path, dark: bool = False) -> list[Path]:
    """The canvas at each of ``steps`` (all of them when None): one file, or a folder of numbered PNGs.

    Raises GradvizError if the graph cannot run.
    """
    scene = build_scene(graph, dark)
    trace = run(scene.document.program())
    indices = list(range(len(trace))) if steps is None else steps
    output = Path(output)
    written = []
    for index in indices:
        if not 0 <= index < len(trace):
            raise IndexError(f"step {index} is outside 0..{len(trace) - 1}")
        scene.show_step(trace.state(index), trace.steps[index])
        target = output if steps is not None and len(indices) == 1 else output / f"step-{index:04d}.png"
        written.append(render_scene(scene, target))
    return written


def render_gif(graph: GraphFile, output: str | Path, dark: bool = False, frame_ms: int = 700) -> Path:
    """The whole pass as an animated GIF, one frame per step, the last held longer (Raises GradvizError
    if the graph cannot run)."""
    from PIL import Image  # noqa: PLC0415 - only this export needs Pillow

    scene = build_scene(graph, dark)
    trace = run(scene.document.program())
    frames = []
    for index in range(len(trace)):
        scene.show_step(trace.state(index), trace.steps[index])
        image = scene_image(scene, 1.0).convertToFormat(QImage.Format.Format_RGBA8888)
        frames.append(Image.frombuffer("RGBA", (image.width(), image.height()), bytes(image.constBits()), "raw",
                                       "RGBA", image.bytesPerLine(), 1).convert("RGB"))
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 4]
    frames[0].save(output, save_all=True, append_images=frames[1:], duration=durations, loop=0, optimize=True)
    return Path(output)
