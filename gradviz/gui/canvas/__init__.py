"""The canvas: scene, view, node and edge items, and the gestures that become undo commands."""
