"""The cursor over the trace: what is known at each position, moving, editing."""

import numpy as np
import pytest

from core.network import build_network
from core.stepper import Stepper
from tests.core.helpers import mazur


def test_known_values_are_exactly_those_computed_so_far():
    stepper = Stepper(mazur())
    given = set(stepper.known())
    assert "z:1:0" not in given and "loss" not in given
    for k, op in enumerate(stepper.trace):
        stepper.step()
        known = stepper.known()
        assert set(known) - given == {o.key for o in stepper.trace[: k + 1]}
        assert known[op.key] == op.value


def test_step_back_restores_the_previous_state():
    stepper = Stepper(mazur())
    snapshots = []
    for _ in range(len(stepper.trace)):
        snapshots.append((stepper.cursor, stepper.known()))
        stepper.step()
    for cursor, known in reversed(snapshots):
        stepper.back()
        assert stepper.cursor == cursor
        assert stepper.known() == known


def test_back_at_start_returns_to_previous_sample_before_its_update():
    stepper = Stepper(mazur())
    before = stepper.known()
    stepper.to_end()
    stepper.step()
    assert stepper.cursor == 0 and stepper.samples_done == 1
    assert stepper.network.layers[0].W[0, 0] == pytest.approx(0.149780716, abs=1e-9)
    stepper.back()
    assert stepper.at_end and stepper.samples_done == 0
    assert stepper.network.layers[0].W[0, 0] == 0.15
    stepper.to_start()
    assert stepper.known() == before
    stepper.back()  # nothing before the first sample: stays put
    assert stepper.cursor == 0


def test_phase_jumps_and_position():
    stepper = Stepper(mazur())
    assert stepper.position() == ("forward", 0, 8)
    stepper.step()
    assert stepper.position() == ("forward", 1, 8)
    stepper.to_phase_end()
    assert stepper.position() == ("forward", 8, 8)
    stepper.to_phase_end()
    assert stepper.position() == ("loss", 1, 1)
    stepper.step()
    stepper.step()
    stepper.step()
    assert stepper.position() == ("backward", 3, 4)
    stepper.to_end()
    assert stepper.position() == ("update", 8, 8)
    stepper.to_start()
    assert stepper.cursor == 0


def test_edit_weight_rebuilds_and_keeps_cursor():
    stepper = Stepper(mazur())
    for _ in range(12):
        stepper.step()
    old_out = stepper.known()["u:2:0"]
    stepper.set_weight(1, 0, 0, 0.9)
    assert stepper.cursor == 12
    known = stepper.known()
    assert known["w:1:0:0"] == 0.9
    assert known["z:1:0"] == pytest.approx(0.9 * 0.05 + 0.2 * 0.1 + 0.35)
    assert known["u:2:0"] != old_out
    stepper.set_input(1, 0.5)
    assert stepper.known()["u:0:1"] == 0.5
    stepper.set_target(0, 0.5)
    stepper.set_bias(2, 1, -1.0)
    assert stepper.known()["b:2:1"] == -1.0
    with pytest.raises(ValueError, match="finite"):
        stepper.set_weight(1, 0, 0, float("nan"))
    with pytest.raises(ValueError, match="not a number"):
        stepper.set_weight(1, 0, 0, "abc")


def test_data_set_samples_in_turn_with_updated_parameters():
    net = build_network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2)
    X = np.array([[0.1, 0.2], [-1.0, 0.5], [2.0, 2.0]])
    Y = np.array([[1.0], [0.0], [1.0]])
    stepper = Stepper(net, X, Y)
    for k in range(4):
        assert stepper.known()["u:0:0"] == X[k % 3, 0]
        w_before = net.layers[0].W.copy()
        stepper.to_end()
        stepper.step()
        assert not np.array_equal(net.layers[0].W, w_before)


def test_network_without_sample_needs_data():
    net = build_network([2, 2, 1], "sigmoid", "half_squared")
    with pytest.raises(ValueError, match="no sample"):
        Stepper(net)


def test_input_edits_after_stepping_back_land_in_the_network_sample():
    net = mazur()
    stepper = Stepper(net)
    stepper.to_end()
    stepper.step()
    stepper.back()
    stepper.set_input(1, 0.9)
    assert stepper.network.sample_x[1] == 0.9  # what Save writes
    stepper.set_target(0, 0.2)
    assert stepper.network.sample_y[0] == 0.2
    assert stepper.known()["u:0:1"] == 0.9


def test_an_edit_starts_a_new_history():
    stepper = Stepper(mazur())
    stepper.to_end()
    stepper.step()
    stepper.set_weight(1, 0, 0, 5.0)
    stepper.back()  # would cross into the sample before the edit: stays put instead
    assert stepper.samples_done == 1 and stepper.cursor == 0
    assert stepper.network.layers[0].W[0, 0] == 5.0


def test_overflowing_values_are_shown_not_raised():
    import math
    import warnings

    net = mazur()
    for layer in net.layers:
        layer.activation = __import__("core.activations").activations.get_activation("linear")
    stepper = Stepper(net)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stepper.set_weight(1, 0, 0, 1e308)
        stepper.set_weight(2, 0, 0, 1e308)
        stepper.to_end()
        stepper.step()
    values = [op.value for op in stepper.trace]
    assert any(not math.isfinite(v) for v in values)
    assert all(op.to_dict()["value"] is None for op in stepper.trace
               if not math.isfinite(op.value))
