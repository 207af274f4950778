"""The scene: mirrors the document as items, and turns gestures into undo commands.

It subscribes to the document and redraws what changed. Dragging nodes becomes one MoveNodes when the
mouse is released; dragging a wire from a port to a port becomes a ReplaceNode after the document
says the connection is allowed (a refused one is explained in the status bar); an op dropped from the
palette becomes an AddNodes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import NamedTuple

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPen, QTransform, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
)

from gradviz.engine.forward_mode import TangentStep
from gradviz.engine.registry import get_op
from gradviz.engine.trace import BackwardStep, ForwardStep, State
from gradviz.engine.walkable import AnyStep, Walkable
from gradviz.gui.canvas.box_pictures import BoxPictures
from gradviz.gui.canvas.building import SceneItems, node_look, place_edge
from gradviz.gui.canvas.items import (
    BACKWARD_COLOUR,
    FORWARD_COLOUR,
    MARKED_WIRE,
    ArrayLook,
    EdgeItem,
    NodeItem,
    box_level,
    boxes_below,
    repaint_where_drawn,
    s_curve,
    wire_pen,
)
from gradviz.gui.canvas.tokens import TokenRun
from gradviz.gui.canvas.wire_layer import WireLayer
from gradviz.gui.commands import AddNodes, MoveNodes, ReplaceNode
from gradviz.gui.theme import Theme
from gradviz.model.document import (
    Change,
    DocumentReset,
    GraphDocument,
    NodeChanged,
    NodesAdded,
    NodesMoved,
    NodesRemoved,
    OutputChanged,
    new_node,
)

OP_MIME = "application/x-gradviz-op"


def nodes_of(step: AnyStep) -> tuple[str, ...]:
    """The nodes a step is about: its node, and for a backward step the parent its bar flows into."""
    return (step.node.id, step.parent.id) if isinstance(step, BackwardStep) else (step.node.id,)


WIRE_UPDATES = 16  # separate repaints of the wires' layer between two paints; past this, one of the whole
NEAR_STEPS = 64  # a move of at most this many exact steps redraws what changed; a longer jump redraws all


class Shown(NamedTuple):
    """A step drawn on the canvas: its state, the step marked, and the trace both came from (if known)."""

    state: State
    step: AnyStep
    trace: Walkable | None


def changed_between(old: Shown | None, new: Shown | None) -> set[str] | None:
    """The nodes whose look can differ between two shown steps, or None for "all of them".

    Moving within one trace changes the state only at the nodes the steps in between computed or added
    into (the trace says which: ``changed``), and moves the mark from the old step's nodes to the new one's.
    A told step may span two exact steps (an edge and its addition), so this is not limited to one step.
    Without the trace only a single exact step is known to be small: one in the same forward-mode pass.
    The start or end of stepping, or a long jump, redraws everything.
    """
    if old is None or new is None or abs(new.state.index - old.state.index) > NEAR_STEPS:
        return None
    marks = {*nodes_of(old.step), *nodes_of(new.step)}
    if new.trace is not None and new.trace is old.trace:
        return new.trace.changed(old.state.index, new.state.index) | marks
    if abs(new.state.index - old.state.index) != 1:
        return None
    if isinstance(old.step, TangentStep) and isinstance(new.step, TangentStep):
        return marks if old.step.pass_index == new.step.pass_index else None
    return None if isinstance(old.step, TangentStep) or isinstance(new.step, TangentStep) else marks


class GraphScene(QGraphicsScene):
    """Items for every node and wire of a document."""

    message = Signal(str)
    background_changed = Signal(QRectF)  # the wires or the theme changed there (a null rect: anywhere)
    emptied = Signal(bool)  # the graph became empty (True) or got its first node (False)

    def __init__(
        self, document: GraphDocument, undo_stack: QUndoStack, theme: Theme, parent: QObject | None = None
    ) -> None:
        """``parent``: the window showing it. A window's scene must be its child: left to Python, the scene
        of a closed window lived on until the garbage collector freed it, which could happen inside one of
        the scene's own pending events (a Python boundingRect allocating), deleting it mid-call: a crash."""
        super().__init__(parent)
        self.document, self.undo_stack, self.theme = document, undo_stack, theme
        self.setObjectName("graphScene")
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, int], EdgeItem] = {}
        self._press_positions: dict[str, QPointF] = {}
        self._lifted: set[tuple[str, int]] = set()  # wires drawn as items while their nodes are dragged
        self._wire: EdgeItem | None = None
        self._wire_from: tuple[str, str, int] | None = None  # (kind, node id, port) where the drag began
        self._wire_macro = False  # a picked-up wire's undo macro is open until the drop
        self._state: State | None = None  # the playback state drawn on the nodes, None when not stepping
        self._step: AnyStep | None = None
        self._shown: Shown | None = None  # the step drawn, while the next one may differ only a little
        self._edges_into: dict[str, list[tuple[str, int]]] = {}  # child id → its wires' keys
        self._boxes = False  # zoomed out below legible text: nodes drawn as cached boxes (see NodeItem.show_boxes)
        self._box_level = 0  # how many times their pictures are halved for the zoom (items.box_level)
        self.looks_built = 0  # NodeLooks made so far (tests count them: a step rebuilds only what it touched)
        self._highlighted: dict[tuple[str, int], tuple] = {}  # wires drawn marked now
        self._plain = False  # every node shows the document's look, no step and no run error: nothing to redraw
        self._prebuilt: SceneItems | None = None  # items made ahead for the next reset (see prebuilt)
        self.glide_ms = 0  # how long tokens glide along a step's wires (tokens.glide_ms); 0: none, as
        # offscreen renders draw their frames (the window sets it)
        self.tokens = TokenRun(self)
        self._wires: WireLayer | None = None  # every plain wire of the graph, laid out when next drawn
        self._wire_updates = 0  # background invalidations since the wires were last drawn (see wire_moved)
        self._stale_pictures: set[NodeItem] = set()  # boxed nodes whose picture is made before the next paint
        self._box_pictures = BoxPictures()  # the box pictures nodes that look alike share
        self._pictures: dict[Hashable, ArrayLook] = {}  # badge pictures made ahead for the next step (take_pictures)
        self.setBackgroundBrush(theme.background)
        self._unsubscribe = document.subscribe(self._on_change)
        self._selected: set[NodeItem] = set()  # the nodes selected as of the last change of the selection
        self.selectionChanged.connect(self._selection_changed)
        self._rebuild()
        self._empty = not self.nodes

    def close(self) -> None:
        self._unsubscribe()

    def set_theme(self, theme: Theme) -> None:
        """Repaint every item in ``theme`` (dark mode switched), keeping the selection and the step shown."""
        selected = [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]
        self.theme = theme
        self.setBackgroundBrush(theme.background)
        self._rebuild()  # which draws the background afresh, in the theme's colours
        for node_id in selected:
            if node_id in self.nodes:
                self.nodes[node_id].setSelected(True)

    # ----- following the document ------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        match change:
            case DocumentReset():
                self._rebuild()
            case NodesAdded(node_ids=added):
                with self._unindexed(len(added) > 1):
                    for node_id in added:
                        self._add_item(node_id)
                    self._refresh_all()
            case NodesRemoved(node_ids=removed):
                with self._unindexed(len(removed) > 1):
                    for node_id in removed:
                        self.removeItem(self.nodes.pop(node_id))
                    self._refresh_all()  # the wires that read them go too
            case NodesMoved(node_ids=moved):
                for node_id in moved:
                    item = self.nodes[node_id]
                    repaint_where_drawn(item)
                    item.setPos(*self.document.positions[node_id])
                self._place_edges(*moved)
            case NodeChanged() | OutputChanged():  # shapes, errors and the cost mark may change downstream
                self._refresh_all()
        if self._empty != (not self.nodes):
            self._empty = not self.nodes
            self.emptied.emit(self._empty)

    @contextmanager
    def _unindexed(self, many: bool = True) -> Iterator[None]:
        """Many items leave or come without an index meanwhile (each removal from Qt's BSP tree cost a
        millisecond at 3000 nodes), then one index is built for them all."""
        if many:
            self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        try:
            yield
        finally:
            if many:
                self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)

    @contextmanager
    def prebuilt(self, items: SceneItems) -> Iterator[None]:
        """Within this, a reset of the document shows ``items`` (made ahead, a slice at a time, for the
        graph being loaded) rather than making its own; items made for another graph, theme or step
        are not used."""
        self._prebuilt = items
        try:
            yield
        finally:
            self._prebuilt = None

    def _rebuild(self) -> None:
        """Every item made again for the document (see building.SceneItems), or those made ahead for it."""
        items, self._prebuilt = self._prebuilt, None
        if (
            items is None
            or items.nodes.keys() != self.document.nodes.keys()
            or len(items.nodes) + len(items.edges) != items.total
            or items.theme is not self.theme
            or items.state is not self._state
            or items.step is not self._step
        ):
            items = SceneItems(self.document, self.theme, self._state, self._step).make_all()
        self.looks_built += len(items.nodes)
        with self._unindexed():  # thousands of items leave and come
            for item in list(self.nodes.values()) + list(self.edges.values()):
                self.removeItem(item)
            self.nodes, self.edges = items.nodes, items.edges
            self._selected = set()  # the old items go: none of the new ones is selected yet
            for item in self.nodes.values():
                self.addItem(item)
                item.set_box_level(self._box_level)
                if self._boxes:
                    item.show_boxes(True)
            for edge in self.edges.values():
                self.addItem(edge)
            self._edges_into = {}
            for key in self.edges:
                self._edges_into.setdefault(key[0], []).append(key)
            self._wires = None  # the wires were placed before they joined the scene: draw the layer afresh
            self._background_changed(QRectF())
            self._shown = None  # the document changed: the next step shown may come from another trace
            self._highlighted.clear()  # every wire is new and plain: mark the step's
            self._highlight_edges()
            self._plain = self._state is None and self._step is None

    def _add_item(self, node_id: str) -> None:
        item = NodeItem(node_id, self.theme)
        item.setPos(*self.document.positions.get(node_id, (0.0, 0.0)))
        self.nodes[node_id] = item
        self.addItem(item)
        item.set_box_level(self._box_level)
        if self._boxes:
            item.show_boxes(True)  # in the scene: it asks the scene for its picture

    @property
    def stepping(self) -> bool:
        """Whether the nodes show a step's arrays (and so have their stepping size)."""
        return self._state is not None

    def show_step(self, state: State | None, step: AnyStep | None, trace: Walkable | None = None) -> None:
        """Draw the values and bars of ``state`` and mark ``step``; None for both stops stepping.

        Only the nodes the move changes are looked at again (see changed_between): given the ``trace``
        both come from, for any nearby step; without it, for one exact step."""
        shown = Shown(state, step, trace) if state is not None and step is not None else None
        if state is None and step is None and self._plain:
            return  # no step shown before or now, and every node already shows the document's look
        touched = changed_between(self._shown, shown)
        self._state, self._step, self._shown = state, step, shown
        self._refresh_looks(touched)
        self._plain = state is None and step is None
        self._highlight_edges()  # the wires themselves do not change when only the step does
        if self.glide_ms:
            self._send_tokens()
        self._make_pictures()  # now, not as the view paints: a picture changed then would ask for a second paint

    def take_pictures(self, pictures: dict[Hashable, ArrayLook]) -> None:
        """Badge pictures made in the background for the step shown next (gui/seeking.py), by token: the
        nodes showing them take them instead of reading and colouring their arrays here."""
        self._pictures = pictures

    def has_picture(self, token: Hashable) -> bool:
        """Whether a badge picture of the array ``token`` names waits to be taken (see take_pictures)."""
        return token in self._pictures

    def show_run_error(self, node_id: str | None, message: str = "") -> None:
        """Mark ``node_id`` as where the run failed (outlined red, ``message`` under it); None marks nothing.
        The document's checks pass for such a node (a singular matrix is only found by running), so the
        mark comes from the player, and the next refresh of the looks clears it."""
        if node_id in self.nodes:
            self._plain = False
            item = self.nodes[node_id]
            item.set_look(replace(item.look, error=message.splitlines()[0] if message else "the run failed here"))

    def paint_at(self, zoom: float) -> None:
        """The view is about to paint at ``zoom``: below legible text, nodes become cached boxes."""
        boxes = zoom < boxes_below()
        if boxes != self._boxes:
            self._boxes = boxes
            for item in self.nodes.values():
                item.show_boxes(boxes)
        level = box_level(zoom)
        if level != self._box_level:
            self._box_level = level
            for item in self.nodes.values():
                item.set_box_level(level)
        self._make_pictures()

    def picture_changed(self, item: NodeItem) -> None:
        """``item``'s box picture is out of date: made again before the next paint (see NodeItem.show_boxes)."""
        self._stale_pictures.add(item)

    def _make_pictures(self) -> None:
        for item in self._stale_pictures:
            if item.scene() is self:
                item.show_picture(self._box_pictures)
        self._stale_pictures.clear()

    # ----- the wires' layer: every plain wire drawn at once, under the items ------------------------------

    def wire_moved(self, where: QRectF) -> None:
        """A wire's path changed (or it left) in ``where``: its layer is drawn again there. Opening a file
        moves thousands: past WIRE_UPDATES separate updates, the whole layer is redrawn once instead."""
        self._wires = None
        self._wire_updates += 1
        if self._wire_updates <= WIRE_UPDATES:
            margin = MARKED_WIRE
            self._background_changed(where.adjusted(-margin, -margin, margin, margin))
        elif self._wire_updates == WIRE_UPDATES + 1:
            self._background_changed(QRectF())

    def _background_changed(self, where: QRectF) -> None:
        """The background (the wires' layer) must be drawn again in ``where`` (a null rect: everywhere): Qt
        repaints it there, and each view drops the tiles it kept of it (canvas/background_tiles.py)."""
        self.invalidate(where, QGraphicsScene.SceneLayer.BackgroundLayer)
        self.background_changed.emit(where)

    def removeItem(self, item: QGraphicsItem) -> None:
        if isinstance(item, EdgeItem) and item.drawn_by_scene and item.scene() is self:
            self.wire_moved(item.path().controlPointRect())
        repaint_where_drawn(item)
        super().removeItem(item)

    def draw_wires(self, painter: QPainter, exposed: QRectF) -> None:
        """The plain wires crossing ``exposed`` (see WireLayer), laid out again after any wire moved."""
        self._wire_updates = 0
        if self._wires is None:
            ends = []
            for edge in self.edges.values():
                path = edge.path()
                if edge.drawn_by_scene and not path.isEmpty():
                    start, end = path.elementAt(0), path.currentPosition()
                    ends.append((start.x, start.y, end.x(), end.y()))
            self._wires = WireLayer(ends)
        self._wires.draw(painter, exposed, wire_pen(self.theme.edge))

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The background and the wires (what an export draws; the window's view adds its grid between)."""
        super().drawBackground(painter, rect)
        self.draw_wires(painter, QRectF(rect))  # Qt passes a QRectF; the stubs allow a QRect too

    def _send_tokens(self) -> None:
        """Tokens along the step's wires: values forward into the node, a contribution back to its parent."""
        step, moves = self._step, []
        if isinstance(step, ForwardStep | TangentStep) and not step.node.op.is_source and self._state is not None:
            values = self._state.values
            for key in self._edges_into.get(step.node.id, ()):
                edge = self.edges[key]
                if edge.parent_id in values:
                    moves.append((values[edge.parent_id], False, FORWARD_COLOUR, edge.path(), False))
        elif isinstance(step, BackwardStep) and (step.node.id, step.port) in self.edges:
            edge = self.edges[(step.node.id, step.port)]
            moves.append((step.contribution, True, BACKWARD_COLOUR, edge.path(), True))
        self.tokens.start(moves, self.glide_ms)

    def _refresh_all(self) -> None:
        self._shown = None  # the document changed: the next step shown may come from another trace
        self._refresh_looks()
        self._rewire()
        self._highlighted.clear()  # rewired: every wire is drawn plain, then the step's are marked
        self._highlight_edges()
        self._plain = self._state is None and self._step is None

    def _refresh_looks(self, only: set[str] | None = None) -> None:
        """Give each node (or only those in ``only``) its look for the document and the step shown.

        Only nodes the scene already has an item for: another view's listener may step the timeline in
        the middle of an edit that added a node, before this scene's own listener has made its item (and
        given it its look)."""
        statuses, output = self.document.statuses(), self.document.output
        state, nodes, ready = self._state, self.document.nodes, self._pictures
        wanted = nodes.keys() if only is None else only
        specs = [(node_id, nodes[node_id]) for node_id in wanted if node_id in nodes and node_id in self.nodes]
        for node_id, spec in specs:
            self.looks_built += 1
            item = self.nodes[node_id]
            look = node_look(
                spec, statuses[node_id], node_id == output, state, self._step, previous=item.look, ready=ready
            )
            item.set_look(look)
        self._pictures = {}  # taken by the nodes that show them; a seek elsewhere has no use for the rest

    def _highlight_edges(self) -> None:
        """Mark the current step's wires and unmark the last step's; other wires are not touched."""
        step, marked = self._step, {}
        if isinstance(step, ForwardStep | TangentStep):
            marked = {key: (FORWARD_COLOUR, "") for key in self._edges_into.get(step.node.id, ())}
        elif isinstance(step, BackwardStep) and (step.node.id, step.port) in self.edges:
            summed = "Σ over axis " + ", ".join(map(str, step.summed_axes)) if step.summed_axes else ""
            marked = {(step.node.id, step.port): (BACKWARD_COLOUR, summed)}
        for key in self._highlighted.keys() - marked.keys():
            if key in self.edges:
                self.edges[key].set_highlight(None)
        for key, (colour, text) in marked.items():
            self.edges[key].set_highlight(colour, text)
        self._highlighted = marked

    def _rewire(self) -> None:
        wanted = {
            (spec.id, port): parent
            for spec in self.document.nodes.values()
            for port, parent in enumerate(spec.inputs)
            if parent in self.nodes
        }
        for key in [key for key in self.edges if key not in wanted or self.edges[key].parent_id != wanted[key]]:
            self.removeItem(self.edges.pop(key))
        for (child, port), parent in wanted.items():
            if (child, port) not in self.edges:
                edge = EdgeItem(parent, child, port, self.theme)
                self.edges[(child, port)] = edge
                self.addItem(edge)
            self._place_edge(self.edges[(child, port)])
        self._edges_into = {}
        for key in self.edges:
            self._edges_into.setdefault(key[0], []).append(key)

    def _place_edge(self, edge: EdgeItem) -> None:
        place_edge(edge, self.nodes)

    def _place_edges(self, *node_ids: str) -> None:
        """Place again the wires to and from these nodes (one pass over the wires, however many moved)."""
        moved = set(node_ids)
        for edge in self.edges.values():
            if edge.parent_id in moved or edge.child_id in moved:
                self._place_edge(edge)

    def _dragged(self, item: NodeItem) -> None:
        """A drag moved ``item``: its wires follow it now (a move the document makes places them once all moved)."""
        self._lift_wires(item.node_id)
        self._place_edges(item.node_id)

    def _selection_changed(self) -> None:
        """Nodes whose selection changed have their box pictures made again (the border says selected)."""
        selected = {item for item in self.selectedItems() if isinstance(item, NodeItem)}
        for item in selected ^ self._selected:
            if item.boxes and item.scene() is self:
                item.picture_outdated()
        self._selected = selected

    def _lift_wires(self, node_id: str) -> None:
        """While a node is dragged its wires draw themselves, as items over the background: moved in the wires'
        layer, each mouse move dropped and drew again every background tile their long bounds crossed, and
        laid the layer out again. They go back into the layer when the drag ends (_settle_wires)."""
        for key, edge in self.edges.items():
            if edge.drawn_by_scene and node_id in (edge.parent_id, edge.child_id):
                self.wire_moved(edge.path().controlPointRect())
                edge.drawn_by_scene = False
                edge.setVisible(True)
                self._lifted.add(key)

    def _settle_wires(self) -> None:
        """The drag ended: the wires it lifted are drawn by the wires' layer again (a marked one stays shown)."""
        lifted, self._lifted = self._lifted, set()
        for key in lifted:
            edge = self.edges.get(key)
            if edge is not None and edge.parent_id:
                edge.drawn_by_scene = True
                repaint_where_drawn(edge)
                edge.setVisible(key in self._highlighted)
                self.wire_moved(edge.path().controlPointRect())

    def selected_ids(self) -> list[str]:
        """The ids of the nodes selected (wires can be selected too; they are not nodes)."""
        return [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]

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
            inputs = self.document.nodes[node_id].inputs if kind == "in" else ()
            parent = inputs[port] if port < len(inputs) else None
            if parent is not None:
                # pick up the wire already in this port: it now hangs from its parent's output. Picking up
                # and dropping is one gesture, so one undo entry: the macro closes on release.
                self.undo_stack.beginMacro(f"move the wire from {parent} into {node_id}")
                self._wire_macro = True
                self.undo_stack.push(
                    ReplaceNode(
                        self.document,
                        self.document.with_input(node_id, port, None),
                        f"disconnect {parent} from {node_id}",
                    )
                )
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
        self._press_positions = {
            item.node_id: before[item.node_id]
            for item in self.selectedItems()
            if isinstance(item, NodeItem) and item.node_id in before
        }

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            assert self._wire_from is not None, "a press sets where the wire hangs from as it makes the wire"
            kind, node_id, port = self._wire_from
            item = self.nodes[node_id]
            anchor = item.mapToScene(item.output_port() if kind == "out" else item.input_port(port))
            ends = (anchor, event.scenePos()) if kind == "out" else (event.scenePos(), anchor)
            self._wire.setPath(s_curve(*ends))
            return
        dragged = self._nodes_a_move_drags(event)
        for item, _ in dragged:
            repaint_where_drawn(item)  # before Qt moves it (see repaint_where_drawn)
        super().mouseMoveEvent(event)
        for item, before in dragged:
            if item.pos() != before:
                self._dragged(item)

    def _nodes_a_move_drags(self, event: QGraphicsSceneMouseEvent) -> list[tuple[NodeItem, QPointF]]:
        """The nodes Qt moves with the mouse (the selected ones and the one grabbed), with their positions:
        the scene, not each item, hears of moves, since an item told of its every change (Qt calls a Python
        itemChange some 17 times per node as a file opens) made opening 2000 nodes a fifth slower."""
        grabbed = self.mouseGrabberItem()
        if not isinstance(grabbed, NodeItem) or not event.buttons() & Qt.MouseButton.LeftButton:
            return []
        moving = {item for item in self.selectedItems() if isinstance(item, NodeItem)} | {grabbed}
        return [(item, item.pos()) for item in moving]

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self.removeItem(self._wire)
            self._wire = None
            self._finish_wire(self._port_under(event.scenePos()))
            return
        super().mouseReleaseEvent(event)
        self._settle_wires()
        pressed, self._press_positions = self._press_positions, {}
        pressed = {node_id: old for node_id, old in pressed.items() if node_id in self.nodes}
        travelled = event.screenPos() - event.buttonDownScreenPos(Qt.MouseButton.LeftButton)
        if travelled.manhattanLength() < QApplication.startDragDistance():
            # a click, not a drag: the view may have scrolled under a still mouse (Qt replays the press as a
            # move then), so put the nodes back where they were and record nothing
            for node_id, old in pressed.items():
                item = self.nodes[node_id]
                if item.pos() != old:
                    repaint_where_drawn(item)
                    item.setPos(old)
                    self._place_edges(node_id)
            return
        moves = {
            node_id: ((old.x(), old.y()), (self.nodes[node_id].x(), self.nodes[node_id].y()))
            for node_id, old in pressed.items()
            if self.nodes[node_id].pos() != old
        }
        if moves:
            self.undo_stack.push(MoveNodes(self.document, moves))

    def _finish_wire(self, target: tuple[str, str, int] | None) -> None:
        start, self._wire_from = self._wire_from, None
        assert start is not None, "only a release that drops the wire the press made finishes it"
        if target is not None and target[0] != start[0]:
            (_, parent, _), (_, child, port) = (start, target) if start[0] == "out" else (target, start)
            self.connect_ports(parent, child, port)
        if self._wire_macro:
            self._wire_macro = False
            self.undo_stack.endMacro()

    def connect_ports(self, parent: str, child: str, port: int) -> bool:
        """Wire ``parent``'s output into ``child``'s port ``port`` (replacing what was there), if allowed."""
        reason = self.document.connection_refused(child, port, parent)
        if reason:
            self.message.emit(f"Cannot connect {parent} to {child}: {reason}")
            return False
        port_name = get_op(self.document.nodes[child].op).port_names[port]
        self.undo_stack.push(
            ReplaceNode(
                self.document, self.document.with_input(child, port, parent), f"connect {parent} → {child}.{port_name}"
            )
        )
        return True

    # ----- adding from the palette ------------------------------------------------------------------

    def add_op(self, op_name: str, position: QPointF) -> str:
        """Add a new ``op_name`` node centred near ``position``; returns its id."""
        spec = new_node(self.document, op_name)
        self.undo_stack.push(
            AddNodes(self.document, [(spec, (position.x() - 90.0, position.y() - 30.0))], f"add {spec.id}")
        )
        return spec.id

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(event.mimeData().hasFormat(OP_MIME))

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(event.mimeData().hasFormat(OP_MIME))

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        if event.mimeData().hasFormat(OP_MIME):
            self.add_op(bytes(event.mimeData().data(OP_MIME).data()).decode(), event.scenePos())
            event.acceptProposedAction()

    def node_at(self, point: QPointF) -> NodeItem | None:
        item = self.itemAt(point, QTransform())
        return item if isinstance(item, NodeItem) else None
