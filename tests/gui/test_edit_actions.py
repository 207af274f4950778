"""The Edit menu's gestures on the selection: duplicate, delete, select all, auto layout; each one undo entry."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gradviz.gui.commands import MoveNodes
from gradviz.io.graph_file import dumps
from gradviz.io.paths import EXAMPLES
from tests.gui.window_setup import active_on


def test_copy_paste_duplicate_delete(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    before = len(window.document.nodes)
    window.scene.nodes["W"].setSelected(True)
    window.scene.nodes["a"].setSelected(True)
    window.edits.duplicate()
    assert len(window.document.nodes) == before + 2
    copies = window.scene.selected_ids()
    copied_a = next(node for node in copies if window.document.nodes[node].op == "matmul")
    copied_w = next(node for node in copies if window.document.nodes[node].op == "parameter")
    assert window.document.nodes[copied_a].inputs == (copied_w, "x")  # wires inside follow, outside stay
    window.undo_stack.undo()
    assert len(window.document.nodes) == before


def test_auto_layout_and_its_undo_move_every_wire_with_its_nodes(window):
    """Auto layout moves all the nodes as one event; each wire must still run from its parent's output
    port to its child's input port, after the layout and after its undo."""
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    for spec in list(window.document.nodes.values()):  # a mess for the layout to tidy
        window.undo_stack.push(MoveNodes(window.document, {spec.id: (window.document.positions[spec.id], (0.0, 0.0))}))

    def wires_meet_their_ports() -> bool:
        scene = window.scene
        for edge in scene.edges.values():
            parent, child = scene.nodes[edge.parent_id], scene.nodes[edge.child_id]
            start, end = edge.path().pointAtPercent(0), edge.path().pointAtPercent(1)
            if (start - parent.mapToScene(parent.output_port())).manhattanLength() > 0.01:
                return False
            if (end - child.mapToScene(child.input_port(edge.port))).manhattanLength() > 0.01:
                return False
        return True

    window.edits.auto_layout()
    assert len(set(window.document.positions.values())) == len(window.document.nodes)  # apart again
    assert wires_meet_their_ports()
    window.undo_stack.undo()
    assert set(window.document.positions.values()) == {(0.0, 0.0)} and wires_meet_their_ports()


def test_select_all_then_delete_by_keys_is_one_undo(window, qtbot):
    active_on(window, qtbot, EXAMPLES / "linear_layer.json")
    before = dumps(window.document.to_graph_file())
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert window.document.nodes == {} and window.scene.nodes == {}
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert dumps(window.document.to_graph_file()) == before


def test_use_as_cost_makes_the_selected_node_the_output(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    assert window.document.output == "L"
    window.scene.nodes["a"].setSelected(True)
    window.edits.use_selected_as_cost()
    assert window.document.output == "a" and window.scene.nodes["a"].look.is_output
    assert not window.scene.nodes["L"].look.is_output
    window.undo_stack.undo()
    assert window.document.output == "L"
