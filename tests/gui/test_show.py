"""``Graph.show()`` under a running event loop (a notebook, a test): the window opens on the graph held in
memory, untitled and unchanged, and is returned at once."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from gradviz.gui.recovery import Recovery
from gradviz.gui.show import show_graph
from gradviz.io.graph_file import dumps, read
from gradviz.io.paths import EXAMPLES


def test_show_returns_the_window_on_the_graph_untitled_and_unmodified(qtbot, tmp_path):
    graph = read(EXAMPLES / "linear_layer.json")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = show_graph(graph, settings, Recovery(tmp_path / "state"))
    assert window is not None
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.path is None and window.windowTitle().startswith("untitled")
    assert not window.isWindowModified() and window.undo_stack.count() == 0
    assert set(window.scene.nodes) == {spec.id for spec in graph.nodes}
    assert dumps(window.document.to_graph_file()) == dumps(graph)
