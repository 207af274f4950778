"""The window's file commands: open, save, recent files, image export, autosave and recovery.

A mixin of MainWindow (it uses the window's document, undo stack, view, settings and recovery); kept
apart because files are a job of their own: every failure here becomes a one-line dialog that loses
nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from gradviz.gui.render import render_scene
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, read, save
from gradviz.io.paths import EXAMPLES
from gradviz.model.layout import layered_positions

RECENT_LIMIT = 10
FILTER = "gradviz graphs (*.json);;All files (*)"


class FileActions:
    """File menu behaviour for MainWindow."""

    def load_graph(self, graph: GraphFile, path: Path | None) -> None:
        """Show ``graph``; nodes the file gives no position get a layered one."""
        missing = [spec.id for spec in graph.nodes if spec.id not in graph.layout]
        if missing:
            layout = layered_positions(graph.nodes, graph.layout)
            graph = GraphFile(graph.nodes, graph.output, layout, graph.view, graph.title, graph.description)
        self.undo_stack.clear()
        self.document.load(graph)
        self.restore_mode(graph.view.get("mode", "reverse"))
        self._retrace(int(graph.view.get("step", -1)))  # a lesson file opens at the step it was saved at
        self.path = path
        self.undo_stack.setClean()
        self._update_title()
        self._fit_soon.start()

    def open_path(self, path: str | Path) -> bool:
        if not self._maybe_save():
            return False
        try:
            graph = read(path)
        except GraphFileError as error:
            QMessageBox.warning(self, "Cannot open", str(error))
            return False
        self.load_graph(graph, Path(path) if Path(path).parent != EXAMPLES else None)
        if Path(path).parent == EXAMPLES:
            self.path = None  # an example opens as a new, untitled copy: the original stays pristine
            self._update_title()
        else:
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

    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path or Path(str(self.settings.value("files/folder", str(Path.home())))) / "graph.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save graph", start, FILTER)
        return self.save_to(Path(path)) if path else False

    def save_to(self, path: Path) -> bool:
        self.document.view.update(zoom=round(self.view.zoom(), 4), step=self.player.index, mode=self.mode)
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
            self, "Unsaved changes", f"Save the changes to {self.path.name if self.path else 'this graph'}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def autosave(self) -> None:
        """Write unsaved work to the recovery file (nothing to do when the document is saved)."""
        if not self.undo_stack.isClean():
            try:
                self.recovery.write(self.document.to_graph_file(), str(self.path) if self.path else None)
            except (GraphFileError, OSError) as error:
                self.show_message(f"Autosave failed: {error}")

    def offer_recovery(self) -> bool:
        """After a crash: ask to bring back the unsaved work. True if it was restored."""
        pending = self.recovery.pending()
        if pending is None:
            return False
        graph, source = pending
        answer = QMessageBox.question(self, "Recover unsaved work",
                                      f"gradviz closed without saving {source or 'an untitled graph'}. Recover it?")
        if answer != QMessageBox.StandardButton.Yes:
            self.recovery.clear()
            return False
        self.load_graph(graph, Path(source) if source else None)
        self.undo_stack.resetClean()  # recovered work is unsaved work
        self._update_title()
        return True
