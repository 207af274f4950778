"""The scene: mirrors the document as items, and turns gestures into undo commands.

It subscribes to the document and redraws what changed. Dragging nodes becomes one MoveNodes when the
mouse is released; dragging a wire from a port to a port becomes a ReplaceNode after the document
says the connection is allowed (a refused one is explained in the status bar); an op dropped from the
palette becomes an AddNodes.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QPen, QTransform, QUndoStack
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsSceneDragDropEvent, QGraphicsSceneMouseEvent

from gradviz.engine.ops._common import show
from gradviz.engine.registry import find_op
from gradviz.engine.trace import State, Step
from gradviz.gui.canvas.items import BACKWARD_COLOUR, FORWARD_COLOUR, EdgeItem, NodeItem, NodeLook, s_curve
from gradviz.gui.canvas.tokens import TokenRun
from gradviz.gui.commands import AddNodes, MoveNodes, ReplaceNode
from gradviz.gui.theme import Theme
from gradviz.model.document import Change, GraphDocument, new_node

OP_MIME = "application/x-gradviz-op"


class GraphScene(QGraphicsScene):
    """Items for every node and wire of a document."""

    message = Signal(str)

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack, theme: Theme) -> None:
        super().__init__()
        self.document, self.undo_stack, self.theme = document, undo_stack, theme
        self.setObjectName("graphScene")
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, int], EdgeItem] = {}
        self._syncing = False
        self._press_positions: dict[str, QPointF] = {}
        self._wire: EdgeItem | None = None
        self._wire_from: tuple[str, str, int] | None = None  # (kind, node id, port) where the drag began
        self._state: State | None = None  # the playback state drawn on the nodes, None when not stepping
        self._step: Step | None = None
        self._highlighted: dict[tuple[str, int], tuple] = {}  # wires drawn marked now
        self.animate = False  # the window turns tokens on; offscreen renders draw frames without them
        self.tokens = TokenRun(self)
        self.setBackgroundBrush(theme.background)
        self._unsubscribe = document.subscribe(self._on_change)
        self._rebuild()

    def close(self) -> None:
        self._unsubscribe()

    def set_theme(self, theme: Theme) -> None:
        """Repaint every item in ``theme`` (dark mode switched), keeping the selection and the step shown."""
        selected = [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]
        self.theme = theme
        self.setBackgroundBrush(theme.background)
        self._rebuild()
        for node_id in selected:
            if node_id in self.nodes:
                self.nodes[node_id].setSelected(True)

    # ----- following the document ------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.kind == "reset":
            self._rebuild()
        elif change.kind == "added":
            self._add_item(change.node_id)
            self._refresh_all()
        elif change.kind == "removed":
            item = self.nodes.pop(change.node_id)
            self.removeItem(item)
            self._refresh_all()
        elif change.kind == "moved":
            self._syncing = True
            self.nodes[change.node_id].setPos(*self.document.positions[change.node_id])
            self._syncing = False
            self._place_edges(change.node_id)
        else:  # changed, output: shapes and errors may change downstream
            self._refresh_all()

    def _rebuild(self) -> None:
        for item in list(self.nodes.values()) + list(self.edges.values()):
            self.removeItem(item)
        self.nodes.clear()
        self.edges.clear()
        for node_id in self.document.nodes:
            self._add_item(node_id)
        self._refresh_all()

    def _add_item(self, node_id: str) -> None:
        item = NodeItem(node_id, self.theme, self._node_moved)
        self.nodes[node_id] = item
        self.addItem(item)
        self._syncing = True
        item.setPos(*self.document.positions.get(node_id, (0.0, 0.0)))
        self._syncing = False

    def show_step(self, state: State | None, step: Step | None) -> None:
        """Draw the values and bars of ``state`` and mark ``step``; None for both stops stepping."""
        self._state, self._step = state, step
        self._refresh_looks()
        self._highlight_edges()  # the wires themselves do not change when only the step does
        if self.animate:
            self._send_tokens()

    def _send_tokens(self) -> None:
        """Tokens along the step's wires: values forward into the node, a contribution back to its parent."""
        step, moves = self._step, []
        if step is not None and step.kind in ("forward", "tangent") and not step.node.op.is_source:
            values = self._state.values
            for key, edge in self.edges.items():
                if key[0] == step.node.id and edge.parent_id in values:
                    moves.append((values[edge.parent_id], False, FORWARD_COLOUR, edge.path(), False))
        elif step is not None and step.kind == "backward" and (step.node.id, step.port) in self.edges:
            edge = self.edges[(step.node.id, step.port)]
            moves.append((step.contribution, True, BACKWARD_COLOUR, edge.path(), True))
        self.tokens.start(moves)

    def _highlight(self, node_id: str) -> str | None:
        step = self._step
        if step is None:
            return None
        if step.kind in ("forward", "tangent") and step.node.id == node_id:
            return "forward"
        if step.kind in ("seed", "accumulate") and step.node.id == node_id:
            return "backward"
        if step.kind == "backward" and node_id in (step.node.id, step.parent.id):
            return "backward"
        return None

    def _refresh_all(self) -> None:
        self._refresh_looks()
        self._rewire()
        self._highlighted.clear()  # rewired: every wire is drawn plain, then the step's are marked
        self._highlight_edges()

    def _refresh_looks(self) -> None:
        statuses = self.document.statuses()
        state = self._state
        for node_id, spec in self.document.nodes.items():
            op = find_op(spec.op)
            status = statuses[node_id]
            ports = op.port_names if op else ()
            value = state.values.get(node_id) if state else None
            self.nodes[node_id].set_look(NodeLook(
                spec.op, op.category if op else "", spec.label or node_id, ports,
                show(status.shape) if status.shape is not None else "", status.error,
                node_id == self.document.output, stepping=state is not None, value=value,
                bar=state.bars.get(node_id) if state else None,
                dimmed=state is not None and value is None, highlight=self._highlight(node_id),
                tangents=self._step is not None and self._step.kind == "tangent"))

    def _highlight_edges(self) -> None:
        """Mark the current step's wires and unmark the last step's; other wires are not touched."""
        step, marked = self._step, {}
        if step is not None and step.kind in ("forward", "tangent"):
            marked = {key: (FORWARD_COLOUR, "") for key in self.edges if key[0] == step.node.id}
        elif step is not None and step.kind == "backward" and (step.node.id, step.port) in self.edges:
            summed = "Σ over axis " + ", ".join(map(str, step.summed_axes)) if step.summed_axes else ""
            marked = {(step.node.id, step.port): (BACKWARD_COLOUR, summed)}
        for key in self._highlighted.keys() - marked.keys():
            if key in self.edges:
                self.edges[key].set_highlight(None)
        for key, (colour, text) in marked.items():
            self.edges[key].set_highlight(colour, text)
        self._highlighted = marked

    def _rewire(self) -> None:
        wanted = {(spec.id, port): parent for spec in self.document.nodes.values()
                  for port, parent in enumerate(spec.inputs) if parent in self.nodes}
        for key in [key for key in self.edges if key not in wanted or self.edges[key].parent_id != wanted[key]]:
            self.removeItem(self.edges.pop(key))
        for (child, port), parent in wanted.items():
            if (child, port) not in self.edges:
                edge = EdgeItem(parent, child, port, self.theme)
                self.edges[(child, port)] = edge
                self.addItem(edge)
            self._place_edge(self.edges[(child, port)])

    def _place_edge(self, edge: EdgeItem) -> None:
        parent, child = self.nodes[edge.parent_id], self.nodes[edge.child_id]
        edge.set_ends(parent.mapToScene(parent.output_port()), child.mapToScene(child.input_port(edge.port)))

    def _place_edges(self, node_id: str) -> None:
        for edge in self.edges.values():
            if node_id in (edge.parent_id, edge.child_id):
                self._place_edge(edge)

    def _node_moved(self, node_id: str) -> None:
        self._place_edges(node_id)

    # ----- gestures --------------------------------------------------------------------------------

    def _port_under(self, point: QPointF) -> tuple[str, str, int] | None:
        for item in self.items(point):
            if isinstance(item, NodeItem):
                hit = item.port_at(item.mapFromScene(point))
                if hit:
                    return hit[0], item.node_id, hit[1]
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        hit = self._port_under(event.scenePos())
        if hit and event.button().name == "LeftButton":
            kind, node_id, port = hit
            if kind == "in" and port < len(self.document.nodes[node_id].inputs) \
                    and self.document.nodes[node_id].inputs[port] is not None:
                # pick up the wire already in this port: it now hangs from its parent's output
                parent = self.document.nodes[node_id].inputs[port]
                self.undo_stack.push(ReplaceNode(self.document, self.document.with_input(node_id, port, None),
                                                 f"disconnect {parent} from {node_id}"))
                hit = ("out", parent, 0)
            self._wire_from = hit
            self._wire = EdgeItem("", "", 0, self.theme)
            self._wire.setPen(QPen(self.theme.selection, 2.2))
            self.addItem(self._wire)
            event.accept()
            return
        # where the nodes were before the press: handling it can move them already (selecting a convolution
        # shows its dock, the canvas shrinks and refits, and Qt replays the held press as a drag)
        before = {node_id: item.pos() for node_id, item in self.nodes.items()}
        super().mousePressEvent(event)
        self._press_positions = {item.node_id: before[item.node_id] for item in self.selectedItems()
                                 if isinstance(item, NodeItem) and item.node_id in before}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            kind, node_id, port = self._wire_from
            item = self.nodes[node_id]
            anchor = item.mapToScene(item.output_port() if kind == "out" else item.input_port(port))
            ends = (anchor, event.scenePos()) if kind == "out" else (event.scenePos(), anchor)
            self._wire.setPath(s_curve(*ends))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self.removeItem(self._wire)
            self._wire = None
            self._finish_wire(self._port_under(event.scenePos()))
            return
        super().mouseReleaseEvent(event)
        pressed, self._press_positions = self._press_positions, {}
        pressed = {node_id: old for node_id, old in pressed.items() if node_id in self.nodes}
        travelled = event.screenPos() - event.buttonDownScreenPos(Qt.MouseButton.LeftButton)
        if travelled.manhattanLength() < QApplication.startDragDistance():
            # a click, not a drag: the view may have scrolled under a still mouse (Qt replays the press as a
            # move then), so put the nodes back where they were and record nothing
            for node_id, old in pressed.items():
                if self.nodes[node_id].pos() != old:
                    self.nodes[node_id].setPos(old)
            return
        moves = {node_id: ((old.x(), old.y()), (self.nodes[node_id].x(), self.nodes[node_id].y()))
                 for node_id, old in pressed.items() if self.nodes[node_id].pos() != old}
        if moves:
            self.undo_stack.push(MoveNodes(self.document, moves))

    def _finish_wire(self, target: tuple[str, str, int] | None) -> None:
        start, self._wire_from = self._wire_from, None
        if target is None or target[0] == start[0]:
            return
        (_, parent, _), (_, child, port) = (start, target) if start[0] == "out" else (target, start)
        self.connect_ports(parent, child, port)

    def connect_ports(self, parent: str, child: str, port: int) -> bool:
        """Wire ``parent``'s output into ``child``'s port ``port`` (replacing what was there), if allowed."""
        reason = self.document.connection_refused(child, port, parent)
        if reason:
            self.message.emit(f"Cannot connect {parent} to {child}: {reason}")
            return False
        port_name = find_op(self.document.nodes[child].op).port_names[port]
        self.undo_stack.push(ReplaceNode(self.document, self.document.with_input(child, port, parent),
                                         f"connect {parent} → {child}.{port_name}"))
        return True

    # ----- adding from the palette ------------------------------------------------------------------

    def add_op(self, op_name: str, position: QPointF) -> str:
        """Add a new ``op_name`` node centred near ``position``; returns its id."""
        spec = new_node(self.document, op_name)
        self.undo_stack.push(AddNodes(self.document, [(spec, (position.x() - 90.0, position.y() - 30.0))],
                                      f"add {spec.id}"))
        return spec.id

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(event.mimeData().hasFormat(OP_MIME))

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(event.mimeData().hasFormat(OP_MIME))

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        if event.mimeData().hasFormat(OP_MIME):
            self.add_op(bytes(event.mimeData().data(OP_MIME)).decode(), event.scenePos())
            event.acceptProposedAction()

    def node_at(self, point: QPointF) -> NodeItem | None:
        item = self.itemAt(point, QTransform())
        return item if isinstance(item, NodeItem) else None
