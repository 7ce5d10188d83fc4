"""Seeds are one range everywhere: a file's init.seed, the command line and the Training dock
all take 0 … 2^64 − 1 and refuse the rest with a message naming the field."""

import json
from pathlib import Path

import pytest

from core.examples import example_path
from core.fields import MAX_SEED
from core.netfile import NetworkFileError, load_network, loads_network


def _with_seed(seed) -> str:
    data = json.loads(Path(example_path("circle")).read_text(encoding="utf-8"))
    data["init"] = {"scheme": "xavier", "seed": seed}
    for layer in data["layers"]:
        layer.pop("weights", None)
        layer.pop("biases", None)
    return json.dumps(data)


@pytest.mark.parametrize("seed", [2**31, 2**32 + 7, 2**63, MAX_SEED])
def test_a_big_seed_opens_in_the_window_and_the_dock_shows_it(make_window, tmp_path, seed):
    path = tmp_path / "big.json"
    path.write_text(_with_seed(seed), encoding="utf-8")
    window = make_window()
    assert window.open_path(str(path)), window.errors
    assert window.training.settings.seed == seed
    assert window.training_dock.seed.text() == str(seed)
    window.training_dock.epoch_action.trigger()  # trains with it
    assert window.errors == []


@pytest.mark.parametrize("seed", [MAX_SEED + 1, -1, 1.5, "7"])
def test_a_seed_out_of_range_is_named(seed):
    with pytest.raises(NetworkFileError, match=r"^f.json: init.seed: expected a seed, a whole "
                                               r"number from 0 to 2\^64 − 1, got "):
        loads_network(_with_seed(seed), source="f.json")


def test_the_dock_takes_a_64_bit_seed_undoably_and_refuses_a_bigger_one(make_window):
    window = make_window("circle")
    dock, training = window.training_dock, window.training
    before = training.settings.seed
    dock.seed.setText("5000000000")
    dock.seed.editingFinished.emit()
    assert training.settings.seed == 5_000_000_000
    assert training.undo_stack.canUndo()
    training.undo_stack.undo()
    assert training.settings.seed == before and dock.seed.text() == str(before)
    dock.seed.setText(str(MAX_SEED + 1))
    dock.seed.editingFinished.emit()
    assert training.settings.seed == before
    assert dock.seed.text() == str(before)
    assert "Seed: expected a whole number from 0 to 2^64 − 1" in dock.message.text()


def test_the_command_line_seed_range(capsys, tmp_path):
    from core import cli

    path = tmp_path / "big.json"
    path.write_text(_with_seed(2**40), encoding="utf-8")
    assert load_network(path).init["seed"] == 2**40
    status = cli.run(["train", str(path), "--epochs", "1", "--seed", str(2**63)])
    out, err = capsys.readouterr()
    assert status == 0 and err == "" and out.startswith("epoch")
    for bad in (str(MAX_SEED + 1), "-1", "x"):
        status = cli.run(["train", str(path), "--epochs", "1", "--seed", bad])
        err = capsys.readouterr().err
        assert status == 2
        assert err.startswith("error: argument --seed: expected a whole number from 0 to 2^64")
        assert len(err.splitlines()) == 1


def test_regenerating_at_the_largest_data_seed_wraps_to_zero(make_window):
    import dataclasses

    window = make_window("circle")
    training = window.training
    data = dataclasses.replace(training.settings.data, seed=MAX_SEED)
    assert training.request(dataclasses.replace(training.settings, data=data), "seed")
    assert training.regenerate()
    assert training.settings.data.seed == 0 and window.errors == []
