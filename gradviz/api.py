"""The graph a script or a notebook holds: what ``gradviz.trace`` and ``gradviz.from_torch`` return.

    g = gradviz.trace(loss, params=["W"], W=W, x=x)
    g.save("loss.json")          # the file format, laid out: the window opens it as it is
    g.run().gradients()          # the engine's Trace: values, bars by id, the state at any step
    g.at(8)                      # the same graph shown at step 8 (in Jupyter, and in the saved file)
    g.show()                     # the window on it

In Jupyter a graph displays itself as the canvas drawn offscreen (``_repr_svg_``, ``_repr_png_``).
Nothing here imports Qt until a picture or the window is asked for.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradviz.io.graph_file import GraphFile, compile_file, read, save
from gradviz.model.layout import layered_positions

if TYPE_CHECKING:
    from gradviz.engine.program import Program
    from gradviz.engine.trace import Trace


class Graph:
    """A checked graph with a layout, and optionally the step it is shown at."""

    def __init__(self, graph: GraphFile) -> None:
        if any(spec.id not in graph.layout for spec in graph.nodes):
            graph = replace(graph, layout=layered_positions(graph.nodes, graph.layout))
        self.file = graph
        self.program: Program = compile_file(graph)  # every graph error surfaces here, at once
        self._window: Any = None

    @classmethod
    def read(cls, path: str | Path) -> Graph:
        """The graph in the file at ``path``."""
        return cls(read(path))

    def __repr__(self) -> str:
        step = f", at step {self.step}" if self.step is not None else ""
        return f"<gradviz graph {self.file.title!r}: {len(self.file.nodes)} nodes, output {self.file.output!r}{step}>"

    @property
    def step(self) -> int | None:
        """The step this graph is shown at, or None for the graph alone."""
        return self.file.view.get("step")

    @cached_property
    def _trace(self) -> Trace:
        from gradviz.engine.tracer import run  # noqa: PLC0415

        return run(self.program)

    def run(self) -> Trace:
        """Forward and backward: the engine's Trace (``.gradients()``, ``.bars()``, ``.state(k)``)."""
        return self._trace

    def at(self, step: int) -> Graph:
        """This graph shown at ``step`` (negative counts from the end, as in Python)."""
        count = len(self._trace)
        if not -count <= step < count:
            raise IndexError(f"step {step} is outside 0..{count - 1}")
        shown = Graph(replace(self.file, view={**self.file.view, "step": step % count}))
        shown.__dict__["_trace"] = self._trace  # same program, same run
        return shown

    def save(self, path: str | Path) -> Path:
        """Write the graph file (atomically), with its layout and the step it is shown at."""
        save(self.file, path)
        return Path(path)

    # ----- pictures and the window (Qt is loaded only here) -------------------------------------------

    def _render(self, suffix: str) -> bytes:
        from gradviz.gui.render import ensure_platform  # noqa: PLC0415 - the core never loads Qt

        ensure_platform()
        from gradviz.gui.render import render_scene  # noqa: PLC0415
        from gradviz.gui.snapshot import snapshot_scene  # noqa: PLC0415

        with snapshot_scene(self.file, dark=False) as scene, tempfile.TemporaryDirectory() as folder:
            if self.step is not None:
                scene.show_step(self._trace.state(self.step), self._trace.steps[self.step])
            return render_scene(scene, Path(folder) / f"graph{suffix}", scale=1.0).read_bytes()

    def _repr_svg_(self) -> str:
        """The canvas as SVG, for Jupyter."""
        return self._render(".svg").decode("utf-8")

    def _repr_png_(self) -> bytes:
        """The canvas as PNG, for Jupyter."""
        return self._render(".png")

    def show(self) -> Any:
        """Open the window on this graph (untitled, unsaved). Blocks until it closes unless a Qt event loop
        already runs (``%gui qt``); then returns the window."""
        from gradviz.gui.show import show_graph  # noqa: PLC0415 - the core never loads Qt

        self._window = show_graph(self.file)  # kept alive while a running event loop shows it
        return self._window
