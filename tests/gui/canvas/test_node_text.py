"""Canvas text is drawn exactly where it is at least LEGIBLE_PX tall on screen, and whole in an export."""

from __future__ import annotations

from gradviz.gui.canvas.node_text import LEGIBLE_PX, Label, em_pixels
from gradviz.io.paths import EXAMPLES


def _texts_drawn(window, qtbot, monkeypatch, zoom: float) -> set[str]:
    """The lines of text the canvas draws at ``zoom``, read by spying on Label.draw during a real paint."""
    drawn: set[str] = set()
    real_draw = Label.draw

    def spy(self, painter, *args, **kwargs):
        drawn.add(self.static.text())
        return real_draw(self, painter, *args, **kwargs)

    window.view.set_zoom(zoom)
    window.view.centerOn(window.scene.nodes["W"])
    monkeypatch.setattr(Label, "draw", spy)
    window.view.viewport().grab()  # a real paint through the view at that zoom
    monkeypatch.setattr(Label, "draw", real_draw)
    return drawn


def test_node_names_are_drawn_down_to_the_stated_size_and_not_below(window, qtbot, monkeypatch):
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    threshold = LEGIBLE_PX / em_pixels(13, bold=True)  # the zoom at which a node's name is LEGIBLE_PX tall
    assert "W" in _texts_drawn(window, qtbot, monkeypatch, threshold * 1.05)
    assert "W" not in _texts_drawn(window, qtbot, monkeypatch, threshold * 0.95)
    small = LEGIBLE_PX / em_pixels(9.5)  # port names and op names, the smallest node text
    assert "parameter" in _texts_drawn(window, qtbot, monkeypatch, small * 1.05)
    assert "parameter" not in _texts_drawn(window, qtbot, monkeypatch, small * 0.95)
    assert "parameter" in _texts_drawn(window, qtbot, monkeypatch, window.view.readable_zoom())  # as a graph opens


def test_exporting_a_zoomed_out_canvas_still_draws_every_text(window, qtbot, monkeypatch):
    """Box pictures are for the screen at small zooms: an export draws the nodes whole, as vectors."""
    from gradviz.gui.render import scene_image  # noqa: PLC0415

    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    window.view.set_zoom(0.15)
    window.view.viewport().grab()
    assert window.scene.nodes["W"]._boxes
    drawn: set[str] = set()
    real_draw = Label.draw

    def spy(self, painter, *args, **kwargs):
        drawn.add(self.static.text())
        return real_draw(self, painter, *args, **kwargs)

    monkeypatch.setattr(Label, "draw", spy)
    scene_image(window.scene, 1.0)
    assert {"W", "parameter", "matmul"} <= drawn
