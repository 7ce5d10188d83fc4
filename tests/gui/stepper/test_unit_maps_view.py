"""Unit maps in the window: each unit of the network view is filled with its own map (the
core's forward pass of that unit over the plane), refreshed when the weights change; a click
opens the enlarged map; networks that cannot have them are refused with a reason."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint

from core.inside import plane_grid, unit_maps
from gui.stepper.unit_maps import RESOLUTION, levels_for, map_image, plane_data


def _fill(node):
    return node.brush().texture().toImage()


def _want(window, layer, unit):
    net = window.controller.network
    extent, _ = plane_data(window.training)
    xs, ys, _ = plane_grid(extent, RESOLUTION)
    values = unit_maps(net, xs, ys)[layer - 1][unit]
    return map_image(values, levels_for(net.layers[layer - 1].activation.name, values))


def test_each_unit_shows_its_own_map_and_follows_the_weights(make_window):
    window = make_window("circle")
    window.unit_maps_action.trigger()
    assert window.unit_maps.on
    for (l, j), node in window.network_view.nodes.items():
        if l == 0:
            continue
        got, want = _fill(node), _want(window, l, j)
        assert (got.width(), got.height()) == (want.width(), want.height())
        # Corners carry no data points: exactly the map's colours there.
        for x, y in ((0, 0), (want.width() - 1, 0), (0, want.height() - 1)):
            assert got.pixelColor(x, y) == want.pixelColor(x, y), (l, j)
    before = _fill(window.network_view.nodes[(1, 0)])
    window.train_headless(20)  # the weights change: the maps follow
    window.tabs.setCurrentWidget(window.stepper_tab)
    after = _fill(window.network_view.nodes[(1, 0)])
    assert after != before and after.pixelColor(0, 0) == _want(window, 1, 0).pixelColor(0, 0)
    window.unit_maps_action.trigger()  # off: plain fills again
    assert window.network_view.nodes[(1, 0)].brush().texture().isNull()


def test_clicking_a_unit_opens_its_enlarged_map(make_window):
    window = make_window("circle")
    window.unit_maps_action.trigger()
    view = window.network_view
    node = view.nodes[(1, 2)]
    centre = view.mapFromScene(node.sceneBoundingRect().center())
    window.unit_maps.click(QPoint(centre.x(), centre.y()))
    dock = window.unit_map_dock
    assert dock.isVisible() and dock.unit == (1, 2)
    extent, _ = plane_data(window.training)
    xs, ys, _ = plane_grid(extent, 81)
    np.testing.assert_array_equal(dock.panel.values,
                                  unit_maps(window.controller.network, xs, ys)[0][2])
    assert "u<sup>(1)</sup><sub>3</sub>" in dock.panel.formula.text()


def test_unit_maps_are_refused_for_networks_without_two_inputs(make_window, tmp_path):
    window = make_window("circle")
    window.unit_maps_action.trigger()
    assert window.unit_maps.on
    assert window.open_example("deep_sigmoid_8")  # 2 inputs but many units
    assert not window.unit_maps.on and not window.unit_maps_action.isChecked()
    assert "more than" in window.statusBar().currentMessage()
    window.unit_maps_action.trigger()
    assert not window.unit_maps.on and not window.unit_maps_action.isChecked()


def test_unit_maps_show_the_epoch_the_timeline_shows(make_window):
    from core.inside import network_with_weights

    window = make_window("circle")
    window.unit_maps_action.trigger()
    window.train_headless(30)
    window.training_tab.timeline_bar.scrub_to(5)
    window.tabs.setCurrentWidget(window.stepper_tab)
    snapshot = window.training.trainer.timeline.at(5)
    net = network_with_weights(window.controller.network, snapshot.weights())
    extent, _ = plane_data(window.training)
    xs, ys, _ = plane_grid(extent, RESOLUTION)
    values = unit_maps(net, xs, ys)[1][0]  # the output unit at epoch 5
    want = map_image(values, levels_for("sigmoid", values))
    got = _fill(window.network_view.nodes[(2, 0)])
    assert got.pixelColor(0, 0) == want.pixelColor(0, 0)
    assert got.pixelColor(RESOLUTION - 1, 0) == want.pixelColor(RESOLUTION - 1, 0)


def test_a_training_frame_redraws_the_maps_from_its_weights(make_window):
    window = make_window("circle")
    window.unit_maps_action.trigger()
    drawn = []
    window.unit_maps.redrawn.connect(lambda: drawn.append(1))
    for _ in range(3):
        window.training_dock.epoch_action.trigger()  # one epoch: a new frame, new weights
    assert len(drawn) >= 3 and window.unit_maps.on
    got = _fill(window.network_view.nodes[(2, 0)])
    assert got.pixelColor(0, 0) == _want(window, 2, 0).pixelColor(0, 0)
