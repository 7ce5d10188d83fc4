"""The representation panel, the unit maps and the timeline bar on their own: what they show is
what core computes."""

from __future__ import annotations

import numpy as np
import pytest

from core.datasets import generate
from core.inside import plane_grid, representation, unit_maps
from core.network import build_network
from gui.stepper.unit_maps import UnitMapPanel, map_image, thumbnails, too_many_units
from gui.training.plots.representation import RepresentationPanel, class_index
from gui.training.timeline import TimelineBar


def _net(sizes, seed=1):
    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    return build_network(sizes, acts, "binary_cross_entropy", seed=seed)


def test_representation_panel_plots_each_hidden_layers_points_by_class(qtbot):
    panel = RepresentationPanel()
    qtbot.addWidget(panel)
    data = generate("circle", samples=100, seed=3)
    net = _net([2, 2, 5, 1])
    panel.show_network(net, data.X, data.Y)
    assert len(panel.plots) == 2
    classes = class_index(data.Y)
    for layer, scatters in enumerate(panel.scatters, start=1):
        want = representation(net, data.X, layer).points
        for c, item in enumerate(scatters):
            x, y = item.getData()
            np.testing.assert_array_equal(np.column_stack([x, y]), want[classes == c])
    assert "(u₁, u₂)" in panel.plots[0].titleLabel.text
    assert "principal components" in panel.plots[1].titleLabel.text
    for line in panel.lines:  # layer 1 feeds a hidden layer; layer 2 is projected: no line
        x0, _ = line.getData()
        assert x0 is None or len(x0) == 0
    net2 = _net([2, 2, 1])
    panel.show_network(net2, data.X, data.Y)
    x, y = panel.lines[0].getData()  # the output's line in a 2-unit layer's plane
    a, b, c = panel.reps[0].line
    np.testing.assert_allclose(a * x + b * y + c, 0.0, atol=1e-9)


def test_representation_panel_says_when_there_is_no_hidden_layer(qtbot):
    panel = RepresentationPanel()
    qtbot.addWidget(panel)
    panel.show_network(_net([2, 1]), np.zeros((3, 2)), np.zeros((3, 1)))
    assert panel.plots == [] and "no hidden layer" in panel.note.text()


def test_thumbnails_hold_each_units_map(qtbot):
    net = _net([2, 3, 1])
    extent = (-6.0, 6.0, -6.0, 6.0)
    thumbs = thumbnails(net, extent, resolution=9)
    assert set(thumbs) == {(1, 0), (1, 1), (1, 2), (2, 0)}
    xs, ys, _ = plane_grid(extent, 9)
    values = unit_maps(net, xs, ys)[0][2]
    image = thumbs[(1, 2)].toImage()
    assert (image.width(), image.height()) == (9, 9)
    # Bottom-left pixel is (x0, y0): the unit's lowest-x, lowest-y value, tanh on (−1, 1).
    want = map_image(values, (-1.0, 1.0)).pixelColor(0, 8)
    assert image.pixelColor(0, 8) == want
    hottest = np.unravel_index(np.argmax(values), values.shape)
    colour = image.pixelColor(hottest[1], 8 - hottest[0])
    assert colour.blue() > colour.red()  # high values are blue


def test_unit_maps_are_refused_with_a_reason():
    assert "2 inputs" in too_many_units(_net([3, 2, 1]))
    assert "more than" in too_many_units(_net([2, 40, 40, 1]))
    assert too_many_units(_net([2, 4, 1])) == ""


def test_enlarged_map_shows_the_unit_formula_and_line(qtbot):
    panel = UnitMapPanel()
    qtbot.addWidget(panel)
    net = _net([2, 3, 1])
    panel.show_unit(net, 1, 1, (-6.0, 6.0, -6.0, 6.0), X=np.zeros((4, 2)), resolution=21)
    xs, ys, _ = plane_grid((-6.0, 6.0, -6.0, 6.0), 21)
    np.testing.assert_array_equal(panel.values, unit_maps(net, xs, ys)[0][1])
    assert "tanh(z)" in panel.formula.text() and "x<sub>1</sub>" in panel.formula.text()
    x, y = panel.line.getData()
    w1, w2, b = net.layers[0].W[1, 0], net.layers[0].W[1, 1], net.layers[0].b[1]
    np.testing.assert_allclose(w1 * x + w2 * y + b, 0.0, atol=1e-9)
    panel.show_unit(net, 2, 0, (-6.0, 6.0, -6.0, 6.0))
    x, _ = panel.line.getData()
    assert x is None or len(x) == 0


def test_timeline_bar_scrubs_and_returns_to_live(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.set_epochs([0, 1, 2, 4, 8, 16])
    assert bar.live and bar.epoch() == 16
    with qtbot.waitSignal(bar.scrubbed) as blocker:
        bar.scrub_to(5)
    assert blocker.args == [4] and not bar.live
    assert "showing epoch 4" in bar.label.text()
    bar.set_epochs([0, 1, 2, 4, 8, 16, 32])  # a new snapshot keeps the scrubbed epoch
    assert bar.epoch() == 4
    with qtbot.waitSignal(bar.step_requested) as blocker:
        bar.step_button.click()
    assert blocker.args == [4]
    with qtbot.waitSignal(bar.live_requested):
        bar.live_button.click()
    assert bar.live and bar.epoch() == 32


@pytest.mark.parametrize("epochs", [[], [0]])
def test_timeline_bar_with_little_recorded(qtbot, epochs):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.set_epochs(epochs)
    assert bar.epoch() == (epochs[-1] if epochs else 0)
