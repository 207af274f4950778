"""The menus: every command the window offers, with its shortcut and an objectName for tests and
accessibility. Building them is the window's longest piece of set-up, so it lives here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from gradviz.gui.panels.code_editor import open_code_editor
from gradviz.io.paths import EXAMPLES

if TYPE_CHECKING:
    from gradviz.gui.main_window import MainWindow


def _action(
    window: QMainWindow,
    menu: QMenu,
    text: str,
    slot: Callable[..., object],
    shortcut: QKeySequence.StandardKey | str | None = None,
    *,
    name: str = "",
) -> QAction:
    """An action named after its text (actionSaveAs), with a window-wide shortcut."""
    action = QAction(text, window)
    action.setObjectName(name or "action" + "".join(word.capitalize() for word in text.strip(".…").split()))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """File, Edit, View, Step and Help, every action named and with its standard shortcut."""
    keys = QKeySequence.StandardKey
    file = window.menuBar().addMenu("&File")
    files = window.files
    _action(window, file, "New", files.new_document, keys.New)
    _action(window, file, "Open…", files.open_dialog, keys.Open)
    files.recent_menu = file.addMenu("Open Recent")
    files.recent_menu.setObjectName("recentMenu")
    examples = file.addMenu("Examples")
    examples.setObjectName("examplesMenu")
    for path in sorted(EXAMPLES.glob("*.json")):
        _action(
            window,
            examples,
            path.stem.replace("_", " "),
            lambda _=False, p=path: files.open_file(p),
            name=f"example_{path.stem}",
        )
    file.addSeparator()
    _action(window, file, "Save", files.save, keys.Save)
    _action(window, file, "Save As…", files.save_as, keys.SaveAs)
    _action(window, file, "Export Image…", files.export_image, "Ctrl+Shift+E")  # Ctrl+E: Graph as Code
    file.addSeparator()
    _action(window, file, "Quit", window.close, keys.Quit)
    files.refresh_recent()
    edit = window.menuBar().addMenu("&Edit")
    undo = window.undo_stack.createUndoAction(window, "Undo")
    undo.setShortcut(keys.Undo)
    redo = window.undo_stack.createRedoAction(window, "Redo")
    # both common redo keys, each once (QKeySequence.Redo is Ctrl+Shift+Z on Linux: listing it as well made
    # the shortcut ambiguous, and then neither key redid anything)
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    undo.setObjectName("actionUndo")
    redo.setObjectName("actionRedo")
    edit.addActions([undo, redo])
    edit.addSeparator()
    _action(window, edit, "Copy", window.edits.copy, keys.Copy)
    _action(window, edit, "Paste", window.edits.paste, keys.Paste)
    _action(window, edit, "Duplicate", window.edits.duplicate, "Ctrl+D")
    _action(window, edit, "Delete", window.edits.delete_selected, keys.Delete)
    _action(window, edit, "Select All", window.edits.select_all, keys.SelectAll)
    _action(window, edit, "Use as Cost", window.edits.use_selected_as_cost, "Ctrl+Shift+C")
    _action(window, edit, "Graph as Code…", lambda: open_code_editor(window), "Ctrl+E")
    _view_step_help_menus(window)


def _view_step_help_menus(window: MainWindow) -> None:
    """View, Step and Help."""
    keys = QKeySequence.StandardKey
    view = window.menuBar().addMenu("&View")
    _action(window, view, "Fit to View", window.view.fit, "F")
    _action(window, view, "Zoom In", lambda: window.view.set_zoom(window.view.zoom() * 1.2), keys.ZoomIn)
    _action(window, view, "Zoom Out", lambda: window.view.set_zoom(window.view.zoom() / 1.2), keys.ZoomOut)
    _action(window, view, "Auto Layout", window.edits.auto_layout, "Ctrl+L")
    view.addSeparator()
    dark = _action(window, view, "Dark Mode", window.set_dark, "Ctrl+Shift+D")
    dark.setCheckable(True)
    dark.setChecked(window.scene.theme.dark)
    view.addSeparator()
    view.addActions(window.dock_toggles)
    steps = window.menuBar().addMenu("&Step")
    _action(window, steps, "Step Forward", window.player.step, "Right")
    _action(window, steps, "Step Back", window.player.back, "Left")
    _action(window, steps, "Go to Start", window.player.home, "Home")
    _action(window, steps, "Go to End", window.player.end, "End")
    _action(window, steps, "Play or Pause", window.player.toggle, "Ctrl+Space")
    steps.addSeparator()
    _action(window, steps, "Check Gradients…", window.check_gradients, "Ctrl+G")
    practice = _action(window, steps, "Practice", window.practice.set_enabled, "Ctrl+P", name="actionPractice")
    practice.setCheckable(True)
    window.practice.action = practice
    _lesson_menu(window)
    help_menu = window.menuBar().addMenu("&Help")
    _action(window, help_menu, "Shortcuts", window.show_shortcuts, keys.HelpContents)


def _lesson_menu(window: MainWindow) -> None:
    """Lesson: follow the file's stops, and write them (each change undoable, saved with the file)."""
    lesson = window.menuBar().addMenu("&Lesson")
    lesson.setObjectName("lessonMenu")
    _action(window, lesson, "Follow", window.lesson.follow, "Ctrl+Shift+L", name="actionFollowLesson")
    _action(window, lesson, "Next Stop", window.lesson.next, "Ctrl+]", name="actionNextStop")
    _action(window, lesson, "Previous Stop", window.lesson.previous, "Ctrl+[", name="actionPreviousStop")
    lesson.addSeparator()
    _action(window, lesson, "Add Stop Here…", window.lesson.add_stop_here, "Ctrl+Shift+A", name="actionAddStop")
    _action(window, lesson, "Edit Stop…", window.lesson.edit_stop, name="actionEditStop")
    _action(window, lesson, "Remove Stop", window.lesson.remove_stop, name="actionRemoveStop")
