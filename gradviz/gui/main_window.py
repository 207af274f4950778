"""The main window: canvas in the middle, palette left, inspector right, menus, files, undo, autosave.

The window builds and composes; the jobs are elsewhere: the edit gestures in EditActions (edit_actions),
which run the player steps through in RunControl (run_control), what the panels show at a step in the
presenter (model/step_view), files in FileActions (files).
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gradviz.engine.errors import GradvizError, NodeError
from gradviz.gui import docks
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.canvas.tokens import glide_ms
from gradviz.gui.canvas.view import GraphView
from gradviz.gui.collector import collector
from gradviz.gui.conv_follow import ConvolutionFollower
from gradviz.gui.edit_actions import EditActions
from gradviz.gui.files import FileActions
from gradviz.gui.help import shortcuts_html
from gradviz.gui.jobs import JobProgress, Jobs
from gradviz.gui.lesson_follow import LessonFollower
from gradviz.gui.menus import build_menus
from gradviz.gui.panels.convolution import ConvolutionPanel
from gradviz.gui.panels.formula import FormulaPanel
from gradviz.gui.panels.gradcheck_dialog import GradCheckDialog, check_gradients
from gradviz.gui.panels.hint import HintLine
from gradviz.gui.panels.inspector import Inspector
from gradviz.gui.panels.palette import Palette
from gradviz.gui.panels.quick_add import QuickAdd
from gradviz.gui.panels.race import RaceCounters, ReverseSide, forward_header
from gradviz.gui.panels.timeline import Timeline
from gradviz.gui.panels.training import TrainingPanel
from gradviz.gui.playback import Player
from gradviz.gui.practice_follow import PracticeFollower
from gradviz.gui.reading_pace import ReadingPace
from gradviz.gui.recovery import Recovery
from gradviz.gui.run_control import RunControl
from gradviz.gui.seeking import seek_task
from gradviz.gui.theme import apply_to_application, current_theme
from gradviz.gui.worker import RUNNING, RunProgress
from gradviz.io.graph_file import GraphFile
from gradviz.model.document import Change, GraphDocument, NodesMoved
from gradviz.model.step_view import drawn_at, present


class MainWindow(QMainWindow):
    """One document in one window."""

    def __init__(self, settings: QSettings, recovery: Recovery, dark: bool | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAccessibleName("gradviz")
        self.settings, self.recovery = settings, recovery
        collector()  # from now on Python's garbage is collected on this thread only (see gui/collector.py)
        self.document = GraphDocument()
        self.undo_stack = QUndoStack(self)
        remembered = settings.value("view/dark")
        dark = dark if dark is not None else None if remembered is None else str(remembered).lower() == "true"
        theme = current_theme(dark)
        apply_to_application(theme)
        self.scene = GraphScene(self.document, self.undo_stack, theme, self)
        self.view = GraphView(self.scene)
        self.hint = HintLine(self.document, self.undo_stack)
        self.setCentralWidget(self._build_canvases())
        self.dock_toggles: list[QAction] = []
        self.op_palette = Palette()  # not "palette": that would hide QWidget.palette()
        self.inspector = Inspector(self.document, self.undo_stack)
        self._build_side_docks()
        self._sized = False
        self._build_bottom_docks()
        # timers owned by the window die with it: a bare singleShot(0, method) could fire after close
        # a graph opens legible (fit, but not below readable text); a canvas halved for comparing fits whole
        self._fit_soon = QTimer(self, singleShot=True, interval=0)
        self._fit_soon.timeout.connect(self._opened)
        self._fit_whole_soon = QTimer(self, singleShot=True, interval=0)
        self._fit_whole_soon.timeout.connect(self.view.fit)
        self._refocus_soon = QTimer(self, singleShot=True, interval=0)
        self._refocus_soon.timeout.connect(self._refocus)
        self._size_docks_soon = QTimer(self, singleShot=True, interval=0)
        self._size_docks_soon.timeout.connect(self._size_docks)
        self.quick_add = QuickAdd(self)
        self.edits = EditActions(self.document, self.undo_stack, self.scene, self.view, self.show_message)
        self.files = FileActions(
            window=self,
            document=self.document,
            undo_stack=self.undo_stack,
            player=self.player,
            scene=self.scene,
            view=self.view,
            settings=settings,
            recovery=recovery,
            say=self.show_message,
            mode=lambda: self.mode,
            show_view=self._show_view_of,
            opened=self._graph_opened,
        )
        build_menus(self)
        self._connect()
        self.setAcceptDrops(True)
        screen = QGuiApplication.primaryScreen()
        self.resize(docks.window_size(screen.availableGeometry(), docks.dpi_scale(self)) if screen else docks.PREFERRED)
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._update_title()

    def _build_canvases(self) -> QSplitter:
        """The canvas under its hint line, and beside it (comparing modes only) reverse mode on a read-only copy."""
        self.reverse_side = ReverseSide(lambda: GraphScene(self.document, self.undo_stack, self.scene.theme, self))
        self.forward_header = forward_header()
        self.race_counters = RaceCounters(self.reverse_side, self.forward_header)
        main = QWidget()
        column = QVBoxLayout(main)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.hint)
        column.addWidget(self.forward_header)
        column.addWidget(self.view, 1)
        splitter = self._canvases = QSplitter()
        splitter.setObjectName("canvasSplitter")
        splitter.setAccessibleName("Reverse and forward mode canvases")
        splitter.addWidget(self.reverse_side)
        splitter.addWidget(main)
        self.reverse_side.hide()
        self.forward_header.hide()
        return splitter

    def _build_side_docks(self) -> None:
        """Ops and Inspector, one column of tabs on the right: the canvas keeps the width. Selecting a
        node brings the inspector forward."""
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.palette_dock = self._dock(self.op_palette, "Ops", right, "paletteDock")
        self.inspector_dock = self._dock(self.inspector, "Inspector", right, "inspectorDock")
        self.tabifyDockWidget(self.palette_dock, self.inspector_dock)
        self.palette_dock.raise_()

    def _build_bottom_docks(self) -> None:
        """Steps (timeline beside the formula) below the canvas; Training a tab beside Ops and Inspector."""
        self.player = Player()
        self.player.seek_task = lambda trace, start, index: seek_task(self.scene, trace, start, index)
        self.timeline = Timeline(self.player, self._why_not_runnable)
        self.run_progress = RunProgress(self.statusBar())  # a long run goes on in the background: its bar and Cancel
        self.run_progress.cancel.clicked.connect(self.player.cancel)
        self.player.running.connect(self._show_running)
        self.player.progressed.connect(self.run_progress.show_progress)
        self.formula_panel = FormulaPanel()
        steps = QWidget()
        steps.setObjectName("stepsPanel")
        steps.setAccessibleName("Steps")
        row = QHBoxLayout(steps)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.timeline, 3)
        row.addWidget(self.formula_panel, 2)
        self.steps_dock = self._dock(steps, "Steps", Qt.DockWidgetArea.BottomDockWidgetArea, "stepsDock")
        self.jobs = Jobs(self.document, self)  # training and the gradient check: in the background when long
        self.job_progress = JobProgress(self.jobs, self.statusBar())
        self.training = TrainingPanel(self.document, self.undo_stack, self.jobs)
        training_dock = self._dock(self.training, "Training", Qt.DockWidgetArea.RightDockWidgetArea, "trainingDock")
        self.tabifyDockWidget(self.inspector_dock, training_dock)
        self.palette_dock.raise_()
        self.convolution = ConvolutionPanel(self.player)  # draws the player's frames, asks it to move them
        conv_dock = self._dock(
            self.convolution, "Convolution", Qt.DockWidgetArea.BottomDockWidgetArea, "convolutionDock"
        )
        self.splitDockWidget(conv_dock, self.steps_dock, Qt.Orientation.Vertical)  # the heatmaps above the timeline
        conv_dock.hide()  # shown when a convolution is selected or reached
        conv_dock.visibilityChanged.connect(self._conv_visibility)
        self.conv_follow = ConvolutionFollower(
            self.convolution, conv_dock, self.player, lambda: self.document.can_run()
        )
        self.run = RunControl(self.document, self.player, self.timeline, self)
        self.lesson = LessonFollower(self)
        self.practice = PracticeFollower(self)

    def _dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        """A dock holding ``widget`` in a scroll area: a growing panel scrolls, the window never grows."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(title)
        dock.setWidget(docks.scrolled(widget))
        dock.toggleViewAction().setObjectName(f"{name}Toggle")
        self.dock_toggles.append(dock.toggleViewAction())
        self.addDockWidget(area, dock)
        return dock

    def _why_not_runnable(self) -> str | None:
        """The compiler's first reason this graph cannot run, naming its node (None if it can)."""
        if self.document.can_run():  # from the statuses the document has: a graph being replaced is not compiled
            return None
        try:
            self.document.program()
        except NodeError as error:
            return (
                f"{self.document.nodes[error.node_id].label or error.node_id}: {error.reason}"
                if (error.node_id in self.document.nodes)
                else error.reason
            )
        except GradvizError as error:
            return str(error)
        return None

    def _conv_visibility(self, visible: bool) -> None:
        """A bound method, not a lambda: Qt drops the connection when the window is destroyed (a lambda
        outlived it and raised 'Internal C++ object already deleted' at interpreter exit)."""
        if not visible:
            self._steps_height()

    def _steps_height(self) -> None:
        """The Steps dock back to its own height: space the kernel-flip view gives up goes to the canvas."""
        # the window itself may be half destroyed: deleting a window whose Convolution dock shows hides the
        # dock as it goes, and its visibilityChanged still reaches this
        if shiboken6.isValid(self) and shiboken6.isValid(self.steps_dock):
            docks.size_bottom_docks(self, self.steps_dock)

    def _connect(self) -> None:
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.files.path_changed.connect(self._update_title)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "a window exists only inside a QApplication"
        app.focusChanged.connect(self._focus_changed)
        # bound methods, not lambdas: Qt disconnects them when the window is destroyed, and the undo
        # stack still signals while it is torn down
        self.undo_stack.indexChanged.connect(self._update_title)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.message.connect(self.show_message)
        self.inspector.message.connect(self.show_message)
        self.training.message.connect(self.show_message)
        self.jobs.message.connect(self.show_message)
        self.training.parameters_chosen.connect(self.run.step_through_parameters)
        self.run.comparing.connect(self._show_sides)
        self.run.message.connect(self.show_message)
        self.op_palette.op_chosen.connect(lambda name: self.scene.add_op(name, self._view_centre()))
        self.view.quick_add_requested.connect(self._open_quick_add)
        self.quick_add.chosen.connect(lambda name, where: self.scene.add_op(name, where))
        self.view.zoom_changed.connect(self._show_zoom)
        self.view.play_toggle_requested.connect(self.player.toggle)
        self.player.moved.connect(self._show_step)
        ReadingPace(self, self.player, self._show_step_in_words)  # after the canvas: the window's child
        self.document.subscribe(self._graph_changed)

    def _graph_changed(self, change: Change) -> None:
        """An edit that changes what the graph computes (a move changes nothing): show or hide the
        kernel-flip view as the graph gains or loses a convolution."""
        if not isinstance(change, NodesMoved):
            self.conv_follow.graph_changed(self.document)

    # ----- small helpers ------------------------------------------------------------------------------

    def _show_zoom(self, zoom: float) -> None:
        self.statusBar().showMessage(f"zoom {zoom:.0%}", 1500)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _view_centre(self) -> QPointF:
        return self.view.mapToScene(self.view.viewport().rect().center())

    def _open_quick_add(self, where: QPointF) -> None:
        self.quick_add.open_at(where, self.view.mapToGlobal(self.view.mapFromScene(where)))

    def _selection_changed(self) -> None:
        if not shiboken6.isValid(self.scene) or not shiboken6.isValid(self.inspector):
            return  # the scene clears its selection while it is being destroyed
        # the canvas drops items one by one when it is rebuilt: follow only nodes the document still has
        selected = [node_id for node_id in self.scene.selected_ids() if node_id in self.document.nodes]
        shown = selected[0] if len(selected) == 1 else None
        if shown != self.inspector.node_id:
            # not again for the node it shows: a form rebuilt twice before the event loop runs leaves the
            # first one as a stray top-level window (Qt shows a re-parented child from a queued call)
            self.inspector.show_node(shown)
        if len(selected) == 1:
            self.inspector_dock.raise_()  # a node was chosen: show what it holds
        self.conv_follow.node_selected(selected[0] if len(selected) == 1 else None)

    def _update_title(self, *_: object) -> None:
        name = self.path.name if self.path else "untitled"
        self.setWindowTitle(f"{name}[*] — gradviz")
        self.setWindowModified(not self.undo_stack.isClean())

    @property
    def mode(self) -> str:
        """'reverse', 'forward' or 'both': the differentiation the steps show (saved with the file)."""
        return self.run.mode

    # ----- stepping -----------------------------------------------------------------------------------

    def _show_sides(self, comparing: bool) -> None:
        """Reverse mode's canvas beside the main one (comparing modes), or the main canvas alone."""
        self.reverse_side.follow(comparing)
        self.forward_header.setVisible(comparing)
        if comparing:
            half = max(1, self._canvases.width() // 2)
            self._canvases.setSizes([half, half])  # two equal halves: the graphs compare at one size
            self._fit_whole_soon.start()  # the main canvas is half as wide now

    def _show_running(self, running: bool) -> None:
        """The progress bar of a run, or of a long seek being prepared (its arrays recomputed, coloured)."""
        if self.player.seeking:
            self.run_progress.describe(
                "Preparing the step",
                "preparing the step: %p%",
                "Cancel preparing the step",
                "Stop preparing the step (the timeline stays where it is)",
            )
        else:
            self.run_progress.describe(*RUNNING)
        self.run_progress.show_running(running)

    def _show_step(self, index: int) -> None:
        playback = self.player.playback if index >= 0 else None  # before step 0: nothing to run yet
        self.conv_follow.step_shown(index)
        glide = glide_ms(self.player.speed if self.player.playing else None)  # tokens fit in a played step
        self.scene.glide_ms = glide
        if self.run.mode == "both":
            self.race_counters.show_tick(self.run.race(), index, glide)
        if playback is None:
            self.scene.show_step(None, None)
            error = self.player.error
            self.scene.show_run_error(*(error if error is not None else (None, "")))
            return
        state, step = drawn_at(playback.trace, index)
        grows = not self.scene.stepping  # nodes take their stepping size (arrays shown) only as stepping starts
        self.scene.show_step(state, step, playback.trace)
        if grows:
            self.view.keep_fitted()  # an O(nodes) check: once, not on every step of a playback
        self.view.follow(self.scene.nodes.get(step.node.id))

    def _show_step_in_words(self, index: int) -> None:
        """The inspector and the formula panel at step ``index``, at a reading pace (gui/reading_pace.py)."""
        playback = self.player.playback if index >= 0 else None
        if playback is None:
            self.inspector.show_step(None)
            self.formula_panel.clear()
            return
        view = present(playback.trace, index, self.inspector.node_id)
        self.inspector.show_step(view)
        self.formula_panel.show_step(view)

    def check_gradients(self) -> GradCheckDialog | None:
        """Run finite differences against every bar and show the result: the dialog if it is done at once,
        None if the check goes on in the background (or the graph cannot run: the status bar says why)."""
        return check_gradients(self, self.document, self.jobs, self.show_message)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            self._size_docks_soon.start()  # after the first layout pass, which would undo it

    def _size_docks(self) -> None:
        """The docks as the user left them; on a first run, narrow, so the canvas gets the room. A
        window remembered from a bigger screen is brought back onto this one."""
        screen = self.screen()
        if screen is not None:
            fitted = docks.clamp_to(self.geometry(), self.frameGeometry(), screen.availableGeometry())
            if fitted is not None:
                self.setGeometry(fitted)
        state = self.settings.value("window/state")
        if state is None or not self.restoreState(state):
            scale = docks.dpi_scale(self)
            self.resizeDocks([self.palette_dock], [docks.side_width(self.width(), scale)], Qt.Orientation.Horizontal)
            self._steps_height()
        self.conv_follow.graph_changed(self.document)  # a remembered Convolution dock, for a graph without one
        self._fit_soon.start()

    # ----- edits: EditActions does them; these are the names scripts and tests call ------------------

    def select_all(self) -> None:
        self.edits.select_all()

    def delete_selected(self) -> None:
        self.edits.delete_selected()

    # ----- files: FileActions does them; these are the names scripts and tests call ------------------

    @property
    def path(self) -> Path | None:
        """The file the document is saved to (None: untitled)."""
        return self.files.path

    def open_path(self, path: str | Path) -> bool:
        return self.files.open_path(path)

    def prepare_graph(self, graph: GraphFile, where: str | Path | None) -> GraphFile:
        return self.files.prepare_graph(graph, where)

    def load_graph(self, graph: GraphFile, path: Path | None) -> None:
        self.files.load_graph(graph, path)

    def new_document(self) -> None:
        self.files.new_document()

    def save(self) -> bool:
        return self.files.save()

    def save_to(self, path: Path) -> bool:
        return self.files.save_to(path)

    def export_image(self) -> None:
        self.files.export_image()

    def autosave(self) -> None:
        self.files.autosave()

    def offer_recovery(self) -> bool:
        return self.files.offer_recovery()

    def _show_view_of(self, graph: GraphFile) -> None:
        """A graph was loaded: its timeline mode and step (a GradvizError if the step cannot be reached)."""
        self.run.restore_mode(graph.view.get("mode", "reverse"))
        self.run.retrace(int(graph.view.get("step", -1)))

    def _graph_opened(self) -> None:
        self.lesson.opened()  # a file with stops opens following its lesson
        self._fit_soon.start()

    def _opened(self) -> None:
        """A graph is shown: legible, and the keys (F, →, End…) go to the canvas."""
        self.view.fit(readable=True)
        if QApplication.focusWidget() is self.hint:
            self.view.setFocus()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None and self.isActiveWindow():
            self._refocus_soon.start()

    def _refocus(self) -> None:
        """The focused widget went away (the inspector rebuilds its form when a graph opens): keys would
        go nowhere, so the window's shortcuts would be dead until a click. Give the focus to the canvas."""
        if QApplication.focusWidget() is None and self.isActiveWindow():
            self.view.setFocus()

    def set_dark(self, dark: bool) -> None:
        """Light or dark colours, now and at the next launch."""
        self.settings.setValue("view/dark", dark)
        theme = current_theme(dark)
        apply_to_application(theme)
        self.scene.set_theme(theme)
        if self.reverse_side.scene is not None:
            self.reverse_side.scene.set_theme(theme)
        self.view.viewport().update()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.player.shutdown()  # a run in the background stops and its thread is joined
        self.files.shutdown()  # and so does a file being opened
        self.jobs.shutdown()  # and a training or a gradient check
        self.recovery.close()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            self.files.open_file(files[0])

    def show_shortcuts(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("shortcutsHelp")
        box.setWindowTitle("gradviz shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(shortcuts_html(self))
        box.exec()
