"""A graph drawn without a window: the scene alone, for `gradviz render` and for tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.render import render_scene
from gradviz.gui.theme import current_theme
from gradviz.io.graph_file import GraphFile
from gradviz.model.document import GraphDocument
from gradviz.model.layout import layered_positions


def render_file(graph: GraphFile, output: str | Path, dark: bool = False) -> Path:
    """Lay out what has no position, build the scene, and write it to ``output``."""
    app = QApplication.instance() or QApplication([])  # noqa: F841 - Qt needs one before any scene
    if any(spec.id not in graph.layout for spec in graph.nodes):
        graph = GraphFile(graph.nodes, graph.output, layered_positions(graph.nodes, graph.layout), graph.view,
                          graph.title, graph.description)
    scene = GraphScene(GraphDocument(graph), QUndoStack(), current_theme(dark))
    return render_scene(scene, output)
