"""The window's file commands: open, save, recent files, image export, autosave and recovery.

A mixin of MainWindow (it uses the window's document, undo stack, view, settings and recovery); kept
apart because files are a job of their own: every failure here becomes a one-line dialog that loses
nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gradviz.engine.errors import GradvizError, NodeError
from gradviz.gui.render import render_scene
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, read, save
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument, check_references
from gradviz.model.layout import layered_positions

AUTOSAVE_MS = 30_000
AUTOSAVE_AFTER_EDIT_MS = 2_000
RECENT_LIMIT = 10
FILTER = "gradviz graphs (*.json);;All files (*)"


class FileActions:
    """File menu behaviour for MainWindow."""

    def prepare_graph(self, graph: GraphFile, where: str | Path | None) -> GraphFile:
        """``graph`` made ready to show, before anything on screen changes: every node placed (a layered
        position for those the file leaves out), checked whole. GraphFileError (one line naming the file
        ``where``, the node and the field) if the window cannot hold it. A graph that can be held but
        cannot run (a shape that does not fit, a singular matrix) is fine: it opens, marked where it fails.
        """
        try:
            check_references(graph)
        except NodeError as error:
            raise GraphFileError(where, error.reason, node=error.node_id, field=error.field) from None
        except GradvizError as error:
            raise GraphFileError(where, str(error), field="output") from None
        if any(spec.id not in graph.layout for spec in graph.nodes):
            graph = dataclasses.replace(graph, layout=layered_positions(graph.nodes, graph.layout))
        try:
            GraphDocument(graph).statuses()  # a trial run of what every view asks first, off screen
        except Exception as error:  # whatever the model trips on: the file is refused, never half-shown
            raise GraphFileError(where, f"cannot show this graph ({type(error).__name__}: {error})") from None
        return graph

    def load_graph(self, graph: GraphFile, path: Path | None) -> None:
        """Replace the document with ``graph`` (from ``prepare_graph``): graph, path, undo history, mode
        and step change together. Until the swap is complete the window has no path, so nothing a failure
        half-way could leave on screen is ever saved over another file."""
        self.path = None
        self.scene.clearSelection()  # the canvas is rebuilt: nothing may stay selected from the old graph
        self.player.set_source(None)  # stepping the old graph ends here, not on the new one's first run
        self.undo_stack.clear()
        self.document.load(graph)
        self.restore_mode(graph.view.get("mode", "reverse"))
        try:
            self._retrace(int(graph.view.get("step", -1)))  # a lesson file opens at the step it was saved at
        except GradvizError as error:  # it was saved at a step its run cannot reach now: it opens unrun
            self.player.set_source(None, -1)
            self.show_message(f"The graph opened but cannot run: {error}")
        self.path = path
        self.undo_stack.setClean()
        self._update_title()
        self.lesson.opened()  # a file with stops opens following its lesson
        self._fit_soon.start()

    def open_path(self, path: str | Path) -> bool:
        """Open the graph file at ``path``: all of it, or (with a one-line dialog) nothing changes."""
        try:
            graph = self.prepare_graph(read(path), path)
        except GraphFileError as error:
            QMessageBox.warning(self, "Cannot open", str(error))
            return False
        if not self._maybe_save():
            return False
        example = Path(path).parent == EXAMPLES
        self.load_graph(graph, None if example else Path(path))  # an example opens as an untitled copy
        if not example:
            self._remember(Path(path))
        self.show_message(f"Opened {Path(path).name}: {graph.title}" if graph.title else f"Opened {path}")
        return True

    def open_dialog(self) -> None:
        start = str(self.path.parent) if self.path else str(self.settings.value("files/folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, "Open graph", start, FILTER)
        if path:
            self.open_path(path)

    def new_document(self) -> None:
        if self._maybe_save():
            self.load_graph(GraphFile((), None), None)

    def current_file(self) -> GraphFile:
        """The document as a file, with the view as it is now (zoom, and the timeline's mode and step)."""
        graph = self.document.to_graph_file()
        return dataclasses.replace(
            graph, view={**graph.view, "zoom": round(self.view.zoom(), 4), "step": self.player.index, "mode": self.mode}
        )

    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path or Path(str(self.settings.value("files/folder", str(Path.home())))) / "graph.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save graph", start, FILTER)
        return self.save_to(Path(path)) if path else False

    def save_to(self, path: Path) -> bool:
        self.document.view.update(self.current_file().view)  # the document is what the file holds now
        try:
            save(self.document.to_graph_file(), path)
        except GraphFileError as error:
            QMessageBox.warning(self, "Cannot save", str(error))
            return False
        self.path = path
        self.undo_stack.setClean()
        self.recovery.clear()
        self._remember(path)
        self._update_title()
        self.show_message(f"Saved {path}")
        return True

    def export_image(self) -> None:
        start = str((self.path or Path.home() / "graph").with_suffix(".png"))
        path, _ = QFileDialog.getSaveFileName(self, "Export image", start, "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            try:
                render_scene(self.scene, path)
                self.show_message(f"Exported {path}")
            except OSError as error:
                QMessageBox.warning(self, "Cannot export", str(error))

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.settings.value("files/recent", [], list) if p != str(path)]
        self.settings.setValue("files/recent", recent[:RECENT_LIMIT])
        self.settings.setValue("files/folder", str(path.parent))
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for number, entry in enumerate(self.settings.value("files/recent", [], list)):
            action = self.recent_menu.addAction(entry)
            action.setObjectName(f"recentFile{number}")
            action.triggered.connect(lambda _=False, p=entry: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    def _maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded, or nothing to lose)."""
        if self.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.path.name if self.path else 'this graph'}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def start_autosave(self) -> None:
        """Unsaved work reaches the recovery file a moment after the last edit (a burst of edits is one
        write) and every 30 s besides (the timeline's mode and step change without an edit); undoing
        back to the saved state removes it at once."""
        self.autosave_timer = QTimer(self, interval=AUTOSAVE_MS, timeout=self.autosave)
        self.autosave_timer.start()
        self.autosave_soon = QTimer(self, singleShot=True, interval=AUTOSAVE_AFTER_EDIT_MS, timeout=self.autosave)
        # bound methods, not lambdas: Qt disconnects them when the window is destroyed
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
            self.show_message(f"Autosave failed: {error}")

    def offer_recovery(self) -> bool:
        """After a crash: ask to bring back the unsaved work of a window that did not close cleanly (never
        the work of a window still running). True if it was restored, unsaved, under its own path."""
        orphan = self.recovery.claim_orphan()
        if orphan is None:
            return False
        answer = QMessageBox.question(
            self,
            "Recover unsaved work",
            f"gradviz closed without saving {orphan.source or 'an untitled graph'}. Recover it?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            orphan.discard()
            return False
        try:
            graph = self.prepare_graph(orphan.graph, orphan.source)
        except GraphFileError as error:
            orphan.release()  # kept: a later gradviz may read it
            QMessageBox.warning(self, "Cannot recover", str(error))
            return False
        self.load_graph(graph, Path(orphan.source) if orphan.source else None)
        self.undo_stack.resetClean()  # recovered work is unsaved work
        self._update_title()
        self.autosave()  # this window's recovery file holds it now, before the orphan goes
        orphan.discard()
        return True
