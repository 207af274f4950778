"""The window's file commands: open, save, recent files, image export, autosave and recovery.

A class of its own, composed by MainWindow with the collaborators it works on named when it is made
(the document, the undo stack, the player, the canvas, the settings, the recovery file, somewhere to
say things), because files are a job of their own: every failure here becomes a one-line dialog that
loses nothing. Opening runs in the background (see opening.py) for every way a user opens a graph:
File ▸ Open, Open Recent, Examples, a dropped file, the file named at start-up and recovered work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from gradviz.engine.check import NodeStatus
from gradviz.engine.errors import GradvizError
from gradviz.gui.canvas.building import SceneItems
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.canvas.view import GraphView
from gradviz.gui.opening import Opening, Prepared, prepare
from gradviz.gui.playback import Player
from gradviz.gui.recovery import Recovery
from gradviz.gui.render import render_scene
from gradviz.gui.worker import Reaper, RunProgress
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, save
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument

AUTOSAVE_MS = 30_000
AUTOSAVE_AFTER_EDIT_MS = 2_000
RECENT_LIMIT = 10
FILTER = "gradviz graphs (*.json);;All files (*)"


@dataclass(frozen=True)
class _Request:
    """What to do when a graph being opened is ready (swap it in), refused, or cancelled."""

    name: str
    swap: Callable[[Prepared, SceneItems | None], bool]
    refuse: Callable[[GraphFileError], bool]
    cancelled: Callable[[], None] = lambda: None


class FileActions(QObject):
    """The File menu's behaviour for one window: ``path`` is the file the document is saved to (None:
    untitled); ``path_changed`` whenever it or the saved state changes (the window's title follows)."""

    path_changed = Signal()

    def __init__(
        self,
        *,
        window: QMainWindow,
        document: GraphDocument,
        undo_stack: QUndoStack,
        player: Player,
        scene: GraphScene,
        view: GraphView,
        settings: QSettings,
        recovery: Recovery,
        say: Callable[[str], None],
        mode: Callable[[], str],
        show_view: Callable[[GraphFile], None],
        opened: Callable[[], None],
    ) -> None:
        """``window``: the parent of dialogs and the status bar's owner; ``say``: a line in the status
        bar; ``mode``: the timeline's mode now (saved with the file); ``show_view``: show a loaded graph's
        mode and step (may raise GradvizError: it then opens unrun); ``opened``: a graph is shown."""
        super().__init__(window)
        self.window, self.document, self.undo_stack, self.player = window, document, undo_stack, player
        self.scene, self.view, self.settings, self.recovery = scene, view, settings, recovery
        self.say, self.mode, self.show_view, self.opened = say, mode, show_view, opened
        self.path: Path | None = None
        self.recent_menu: QMenu | None = None
        self.progress = RunProgress(window.statusBar(), name="open", title="Opening a graph progress")
        self.progress.describe(
            "Opening a graph", "opening: %p%", "Cancel opening", "Stop opening (Esc): the graph shown stays as it is"
        )
        self.progress.cancel.clicked.connect(self.cancel_open)
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window, self.cancel_open)
        self._escape.setObjectName("cancelOpenShortcut")
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.setEnabled(False)  # Esc is the canvas's own except while a graph opens
        self._opening: Opening | None = None
        self._request: _Request | None = None
        self._stopping = Reaper(self)  # cancelled openings' threads, finishing their stage
        self._cancelled_note = ""
        self._say_cancelled = QTimer(self, singleShot=True, interval=0)
        self._say_cancelled.timeout.connect(self._repeat_cancelled)
        self._start_autosave()

    # ----- opening --------------------------------------------------------------------------------

    def prepare_graph(self, graph: GraphFile, where: str | Path | None) -> GraphFile:
        """``graph`` made ready to show (see opening.prepare), before anything on screen changes."""
        return prepare(graph, where).graph

    def load_graph(
        self,
        graph: GraphFile,
        path: Path | None,
        statuses: dict[str, NodeStatus] | None = None,
        items: SceneItems | None = None,
    ) -> None:
        """Replace the document with ``graph`` (prepared): graph, path, undo history, mode and step
        change together. ``statuses`` and ``items``: its check and its canvas items, made already.
        Until the swap is complete the window has no path, so nothing a failure half-way could leave on
        screen is ever saved over another file."""
        self.path = None
        self.scene.clearSelection()  # the canvas is rebuilt: nothing may stay selected from the old graph
        self.player.set_source(None)  # stepping the old graph ends here, not on the new one's first run
        self.undo_stack.clear()
        with self.scene.prebuilt(items) if items is not None else nullcontext():
            self.document.load(graph, statuses)
        try:
            self.show_view(graph)  # a lesson file opens at the step it was saved at
        except GradvizError as error:  # it was saved at a step its run cannot reach now: it opens unrun
            self.player.set_source(None, -1)
            self.say(f"The graph opened but cannot run: {error}")
        self.path = path
        self.undo_stack.setClean()
        self.path_changed.emit()
        self.opened()

    def open_file(self, path: str | Path) -> None:
        """Open the graph file at ``path`` in the background, the window answering meanwhile (with a
        progress bar and Cancel once it takes a moment): all of it, or (with a one-line dialog) nothing
        changes. A newer open replaces one still going: the user asked for another file."""
        self._open(path, path, self._file_request(path), background=True)

    def open_path(self, path: str | Path) -> bool:
        """Open the graph file at ``path`` now, waiting for it (scripts and tests): True if it opened."""
        return self._open(path, path, self._file_request(path), background=False)

    def _file_request(self, path: str | Path) -> _Request:
        def swap(prepared: Prepared, items: SceneItems | None) -> bool:
            if not self.maybe_save():
                return False
            example = Path(path).parent == EXAMPLES
            # an example opens as an untitled copy
            self.load_graph(prepared.graph, None if example else Path(path), prepared.statuses, items)
            if not example:
                self._remember(Path(path))
            title = prepared.graph.title
            self.say(f"Opened {Path(path).name}: {title}" if title else f"Opened {path}")
            return True

        def refuse(error: GraphFileError) -> bool:
            QMessageBox.warning(self.window, "Cannot open", str(error))
            return False

        return _Request(Path(path).name, swap, refuse)

    def _open(
        self, source: str | Path | GraphFile, where: str | Path | None, request: _Request, background: bool
    ) -> bool:
        """Prepare ``source`` (errors name ``where``) and hand it to ``request``; True once it was swapped
        in (or, in the background, once it has started)."""
        self.cancel_open()
        outcome: list[bool] = []

        def ready(prepared: Prepared, items: SceneItems) -> None:
            self._done(opening)
            outcome.append(request.swap(prepared, items))

        def failed(error: GraphFileError) -> None:
            self._done(opening)
            outcome.append(request.refuse(error))

        opening = Opening(
            source, where, theme=self.scene.theme, progress=self.progress, ready=ready, failed=failed, parent=self
        )
        self._opening, self._request = opening, request
        if not background:
            opening.run_here()
            return bool(outcome and outcome[0])
        self._escape.setEnabled(True)
        self.progress.bar.setFormat(f"opening {request.name}: %p%")
        opening.start()
        return True

    def _done(self, opening: Opening) -> None:
        if self._opening is opening:
            self._opening, self._request = None, None
            self._escape.setEnabled(False)
        opening.deleteLater()  # its worker's thread has ended (ready and failed come after it)

    @property
    def loading(self) -> bool:
        """Whether a graph is being opened in the background."""
        return self._opening is not None

    def cancel_open(self) -> None:
        """Stop opening (Cancel, Esc): the document, path, undo history and view stay as they are."""
        opening, request = self._opening, self._request
        if opening is None or request is None:
            return
        self._opening, self._request = None, None
        self._escape.setEnabled(False)
        opening.cancel()
        request.cancelled()
        if opening.worker is not None:
            # it stops at its next stage (parsing cannot be interrupted): joined once its thread has ended
            self._stopping.add(opening.worker)
        opening.deleteLater()
        self._cancelled_note = f"Opening {request.name} cancelled: nothing changed"
        self.say(self._cancelled_note)
        # said again once the status bar is back to its height: the fitted canvas refits then, and its
        # "zoom" note would hide this one
        self._say_cancelled.start()

    def _repeat_cancelled(self) -> None:
        self.say(self._cancelled_note)

    def shutdown(self) -> None:
        """The window closes: stop opening and join every thread, so none outlives the window."""
        self.cancel_open()
        self._stopping.join_all()

    def open_dialog(self) -> None:
        start = str(self.path.parent) if self.path else str(self.settings.value("files/folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self.window, "Open graph", start, FILTER)
        if path:
            self.open_file(path)

    def new_document(self) -> None:
        if self.maybe_save():
            self.cancel_open()  # the user asked for an empty graph since: a file still opening would replace it
            self.load_graph(GraphFile((), None), None)

    # ----- saving ---------------------------------------------------------------------------------

    def current_file(self) -> GraphFile:
        """The document as a file, with the view as it is now (zoom, and the timeline's mode and step)."""
        graph = self.document.to_graph_file()
        view = {**graph.view, "zoom": round(self.view.zoom(), 4), "step": self.player.index, "mode": self.mode()}
        return dataclasses.replace(graph, view=view)

    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path or Path(str(self.settings.value("files/folder", str(Path.home())))) / "graph.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save graph", start, FILTER)
        return self.save_to(Path(path)) if path else False

    def save_to(self, path: Path) -> bool:
        self.document.view.update(self.current_file().view)  # the document is what the file holds now
        try:
            save(self.document.to_graph_file(), path)
        except GraphFileError as error:
            QMessageBox.warning(self.window, "Cannot save", str(error))
            return False
        self.path = path
        self.undo_stack.setClean()
        self.recovery.clear()
        self._remember(path)
        self.path_changed.emit()
        self.say(f"Saved {path}")
        return True

    def export_image(self) -> None:
        start = str((self.path or Path.home() / "graph").with_suffix(".png"))
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export image", start, "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if path:
            try:
                render_scene(self.scene, path)
                self.say(f"Exported {path}")
            except OSError as error:
                QMessageBox.warning(self.window, "Cannot export", str(error))

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded, or nothing to lose)."""
        if self.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {self.path.name if self.path else 'this graph'}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ----- recent files ---------------------------------------------------------------------------

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self._recent() if p != str(path)]
        self.settings.setValue("files/recent", recent[:RECENT_LIMIT])
        self.settings.setValue("files/folder", str(path.parent))
        self.refresh_recent()

    def _recent(self) -> list[str]:
        remembered = self.settings.value("files/recent", [], list)
        return [str(entry) for entry in remembered] if isinstance(remembered, list) else []

    def refresh_recent(self) -> None:
        """Open Recent lists the remembered files (``recent_menu``, given by the menus)."""
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        for number, entry in enumerate(self._recent()):
            action = self.recent_menu.addAction(entry)
            action.setObjectName(f"recentFile{number}")
            action.triggered.connect(lambda _=False, p=entry: self.open_file(p))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    # ----- autosave and recovery ------------------------------------------------------------------

    def _start_autosave(self) -> None:
        """Unsaved work reaches the recovery file a moment after the last edit (a burst of edits is one
        write) and every 30 s besides (the timeline's mode and step change without an edit); undoing
        back to the saved state removes it at once."""
        self.autosave_timer = QTimer(self, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self.autosave_soon = QTimer(self, singleShot=True, interval=AUTOSAVE_AFTER_EDIT_MS)
        self.autosave_soon.timeout.connect(self.autosave)
        # bound methods, not lambdas: Qt disconnects them when this is destroyed
        self.undo_stack.indexChanged.connect(self._edited)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    def _edited(self, _index: int) -> None:
        self.autosave_soon.start()  # restarting the pending one coalesces a burst of edits

    def _clean_changed(self, clean: bool) -> None:
        if clean:
            self.recovery.clear()

    def autosave(self) -> None:
        """Write unsaved work to the recovery file; a saved document has none."""
        if self.undo_stack.isClean():
            self.recovery.clear()
            return
        try:
            self.recovery.write(self.current_file(), str(self.path) if self.path else None)
        except (GraphFileError, OSError) as error:
            self.say(f"Autosave failed: {error}")

    def offer_recovery(self, background: bool = False, otherwise: str | Path | None = None) -> bool:
        """After a crash: ask to bring back the unsaved work of a window that did not close cleanly (never
        the work of a window still running). True if it was restored (in the ``background``: is being
        restored), unsaved, under its own path. Work that cannot be shown is refused with a dialog, and
        then the file ``otherwise`` opens (start-up's file) as if nothing had been offered."""
        orphan = self.recovery.claim_orphan()
        if orphan is None:
            return False
        answer = QMessageBox.question(
            self.window,
            "Recover unsaved work",
            f"gradviz closed without saving {orphan.source or 'an untitled graph'}. Recover it?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            orphan.discard()
            return False

        def swap(prepared: Prepared, items: SceneItems | None) -> bool:
            source = Path(orphan.source) if orphan.source else None
            self.load_graph(prepared.graph, source, prepared.statuses, items)
            self.undo_stack.resetClean()  # recovered work is unsaved work
            self.path_changed.emit()
            self.autosave()  # this window's recovery file holds it now, before the orphan goes
            orphan.discard()
            return True

        def refuse(error: GraphFileError) -> bool:
            orphan.release()  # kept: a later gradviz may read it
            QMessageBox.warning(self.window, "Cannot recover", str(error))
            if otherwise is not None:
                self.open_file(otherwise)
            return False

        name = Path(orphan.source).name if orphan.source else "the recovered graph"
        request = _Request(name, swap, refuse, cancelled=orphan.release)
        return self._open(orphan.graph, orphan.source, request, background)
