"""The help page: every shortcut, in one table."""

SHORTCUTS = [
    ("Ctrl+N / Ctrl+O / Ctrl+S / Ctrl+Shift+S", "new, open, save, save as"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo, redo (every edit)"),
    ("Ctrl+C / Ctrl+V / Ctrl+D", "copy, paste, duplicate the selected nodes"),
    ("Delete", "delete the selected nodes"),
    ("Tab, or double-click the canvas", "quick add: type an op's name, Enter"),
    ("drag output port → input port", "connect (dropping on a used port replaces its wire)"),
    ("drag from a connected input port", "pick up that wire; drop it on empty canvas to disconnect"),
    ("F", "fit the graph in the window"),
    ("wheel, + / −, pinch", "zoom"),
    ("middle drag, or Space + drag", "pan"),
    ("Ctrl+L", "auto layout, left to right (selected nodes keep their place)"),
    ("Ctrl+Shift+C", "use the selected node as the cost c"),
    ("Ctrl+E", "the graph as numpy-like code: edit it, Apply (Ctrl+Enter) is one undoable edit"),
    ("Ctrl+Shift+E", "export the canvas as PNG or SVG"),
]

SHORTCUTS_HTML = "<table cellpadding='4'>" + "".join(
    f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>" for keys, what in SHORTCUTS) + "</table>"
