"""The inspector fits the narrowest side dock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLineEdit,
    QWidget,
)

from gradviz.gui import docks
from gradviz.gui.panels.inspector import Inspector
from gradviz.io.graph_file import read
from gradviz.io.paths import DEFAULT_EXAMPLE, EXAMPLES
from gradviz.model.document import GraphDocument


def test_a_source_nodes_inspector_fits_the_narrowest_side_dock(qapp):
    document = GraphDocument(read(DEFAULT_EXAMPLE))
    inspector = Inspector(document, None)
    inspector.show_node("W")
    narrowest = docks.side_width(1024, 1.0) - 20  # a scroll bar and the dock's frame
    assert inspector.minimumSizeHint().width() <= narrowest


def test_inspector_shows_one_node_at_a_time(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    for node in ("W", "a", "L", "W"):
        window.scene.clearSelection()
        window.scene.nodes[node].setSelected(True)
    forms = [child for child in window.inspector.form.children() if isinstance(child, QWidget)]
    assert len(forms) == 1
    assert window.inspector.findChild(QLineEdit, "labelEdit").placeholderText() == "W"
