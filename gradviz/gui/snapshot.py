"""A graph drawn without a window: the scene alone, for `gradviz render` and for tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil
from pathlib import Path

import shiboken6
from PySide6.QtGui import QImage, QUndoStack

from gradviz.engine.tracer import run
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.notation import rich
from gradviz.gui.qt_application import application
from gradviz.gui.render import caption, caption_width, picture_size, render_scene, scene_image, with_caption
from gradviz.gui.theme import current_theme
from gradviz.io.graph_file import GraphFile
from gradviz.model.document import GraphDocument
from gradviz.model.layout import layered_positions
from gradviz.model.story import Story, story_of


def build_scene(graph: GraphFile, dark: bool) -> GraphScene:
    """The scene of ``graph``, with anything the file gives no position laid out."""
    application([])  # Qt needs one before any scene
    if any(spec.id not in graph.layout for spec in graph.nodes):
        graph = GraphFile(
            graph.nodes,
            graph.output,
            layered_positions(graph.nodes, graph.layout),
            graph.view,
            graph.title,
            graph.description,
        )
    return GraphScene(GraphDocument(graph), QUndoStack(), current_theme(dark))


@contextmanager
def snapshot_scene(graph: GraphFile, dark: bool) -> Iterator[GraphScene]:
    """``build_scene``'s scene for a drawing, deleted as soon as the drawing is done. Left to Python, a scene
    lives on in reference cycles (its items call it back) until the garbage collector frees it, which can
    happen inside one of the scene's own pending events, deleting it mid-call: a crash, not a leak."""
    scene = build_scene(graph, dark)
    try:
        yield scene
    finally:
        scene.close()
        shiboken6.delete(scene)


def render_file(graph: GraphFile, output: str | Path, dark: bool = False) -> Path:
    """The canvas of ``graph`` as the editor shows it, to PNG or SVG."""
    with snapshot_scene(graph, dark) as scene:
        return render_scene(scene, output)


def _caption_html(story: Story, index: int, muted: str) -> str:
    """The step as the timeline tells it: its number and phase, its formula, its sentence."""
    position = story.position(index)
    where = f"step {position + 1} of {len(story)} · {story.trace.where(index)}"
    return (
        f'<span style="font-size: 120%"><b>{rich(story.formula(position))}</b></span>'
        f'&nbsp;&nbsp; <span style="color: {muted}">{where}</span><br>{rich(story.sentence(position))}'
    )


def captioned_frames(
    graph: GraphFile, steps: list[int] | None, dark: bool = False, scale: float = 2.0
) -> Iterator[tuple[int, QImage]]:
    """The canvas at each exact step of ``steps`` (None: at every step the timeline tells), each with its
    caption, all the same size: (exact step, frame) pairs, made one at a time so that a long pass is
    never held in memory whole. A first pass measures every picture and caption (no drawing).

    Raises IndexError for a step outside the trace and GradvizError if the graph cannot run.
    """
    with snapshot_scene(graph, dark) as scene:
        trace = run(scene.document.program())
        story = story_of(trace)
        indices = [told.index for told in story.told] if steps is None else steps
        for index in indices:
            if not 0 <= index < len(trace):
                raise IndexError(f"step {index} is outside 0..{len(trace) - 1}")
        sizes = []
        for index in indices:
            scene.show_step(trace.state(index), story.shown_step(index))
            sizes.append(picture_size(scene, scale))
        theme = scene.theme
        width = max([size.width() for size in sizes] + [caption_width(scale)])
        height = max(size.height() for size in sizes)
        captions = [_caption_html(story, index, theme.muted_text.name()) for index in indices]
        band = max(ceil(caption(html, theme.text, width, scale).size().height()) for html in captions)
        for index, html in zip(indices, captions):
            scene.show_step(trace.state(index), story.shown_step(index))
            yield (
                index,
                with_caption(
                    scene_image(scene, scale),
                    caption(html, theme.text, width, scale),
                    (width, height),
                    band,
                    background=theme.background,
                    rule=theme.grid,
                ),
            )


def render_steps(graph: GraphFile, steps: list[int] | None, output: str | Path, dark: bool = False) -> list[Path]:
    """The canvas at each of ``steps`` (exact trace steps; None: every step the timeline tells), captioned
    with the step in words: one file, or a folder of PNGs named by exact step (``step-0008.png`` is what
    ``--step 8`` draws). Raises GradvizError if the graph cannot run."""
    output = Path(output)
    if steps is not None and len(steps) == 1 and output.suffix.lower() == ".svg":
        with snapshot_scene(graph, dark) as scene:  # a vector picture for a slide: the canvas alone
            trace = run(scene.document.program())
            if not 0 <= steps[0] < len(trace):
                raise IndexError(f"step {steps[0]} is outside 0..{len(trace) - 1}")
            scene.show_step(trace.state(steps[0]), story_of(trace).shown_step(steps[0]))
            return [render_scene(scene, output)]
    written = []
    for index, frame in captioned_frames(graph, steps, dark):
        target = output if steps is not None and len(steps) == 1 else output / f"step-{index:04d}.png"
        if not frame.save(str(target)):
            raise OSError(f"cannot write {target}")
        written.append(target)
    return written


def render_gif(graph: GraphFile, output: str | Path, dark: bool = False, frame_ms: int = 1500) -> Path:
    """The whole pass as an animated GIF, one captioned frame per step the timeline tells, the last held
    longer (Raises GradvizError if the graph cannot run)."""
    from PIL import Image  # noqa: PLC0415 - only this export needs Pillow

    frames = []
    for _, frame in captioned_frames(graph, None, dark, scale=1.0):
        image = frame.convertToFormat(QImage.Format.Format_RGBA8888)
        frames.append(
            Image.frombuffer(
                "RGBA",
                (image.width(), image.height()),
                bytes(image.constBits()),
                "raw",
                "RGBA",
                image.bytesPerLine(),
                1,
            ).convert("RGB")
        )
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 3]
    frames[0].save(output, save_all=True, append_images=frames[1:], duration=durations, loop=0, optimize=True)
    return Path(output)
