"""The command line a user reaches for: train --save/--no-shuffle, a one-row CSV, help on every
option with the trainer's conventions, a sampled gradcheck, and one line on stderr whatever the
names."""

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from core import cli
from core.cli.network import GRADCHECK_SAMPLE
from core.examples import example_path
from core.netfile import load_network, save_network
from core.network import build_network


def run(capsys, *argv):
    status = cli.run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_train_save_writes_a_network_that_trace_reads(capsys, tmp_path):
    out_path = tmp_path / "trained.json"
    status, out, err = run(capsys, "train", "--example", "circle", "--epochs", "3", "--save",
                           out_path)
    assert status == 0 and err == ""
    trained = load_network(out_path)
    original = load_network(example_path("circle"))
    assert not np.allclose(trained.network.layers[0].W, original.network.layers[0].W)
    assert trained.training["epochs"] == 3
    assert trained.dataset["name"] == original.dataset["name"]
    status, out, err = run(capsys, "trace", out_path)
    assert status == 0 and out.strip()


def test_mazur_ten_thousand_updates_on_one_csv_row(capsys, tmp_path):
    one = tmp_path / "mazur.csv"
    one.write_text("0.05,0.10,0.01,0.99\n", encoding="utf-8")
    out_path = tmp_path / "m.json"
    status, out, err = run(capsys, "train", "--example", "mazur", "--csv", one, "--epochs",
                           "10000", "--train-fraction", "1", "--save", out_path)
    assert status == 0 and err == ""
    rows = out.strip().splitlines()
    assert len(rows) == 10001
    # Mazur's worked example reports a total error of 0.0000351085 after 10,000 updates;
    # half_squared is summed over the two outputs.
    # (his number is the error measured before his last update: our row 9,999).
    assert float(rows[-2].split(",")[1]) == pytest.approx(3.51085e-5, rel=1e-5)
    assert load_network(out_path).dataset is None  # a CSV is not a data set block


def test_no_shuffle_visits_the_samples_in_one_fixed_order(capsys, tmp_path):
    from core.datasets import load_csv
    from core.training import TrainConfig, Trainer

    data = tmp_path / "d.csv"
    rows = np.random.default_rng(3).normal(size=(12, 2))
    data.write_text("".join(f"{a},{b},{int(a > b)}\n" for a, b in rows), encoding="utf-8")
    argv = ["train", "--example", "xor", "--csv", data, "--epochs", "3", "--batch-size", "2",
            "--train-fraction", "1", "--seed", "4", "--format", "json"]
    histories = {}
    for flags in ((), ("--no-shuffle",)):
        status, out, _ = run(capsys, *argv, *flags)
        assert status == 0
        histories[flags] = json.loads(out)["history"]["train_loss"]
    train, test = load_csv(data).split(1.0, 4)
    expected = {}
    for shuffle in (True, False):
        net = load_network(example_path("xor")).network
        config = TrainConfig(epochs=3, batch_size=2, seed=4, shuffle=shuffle)
        expected[shuffle] = list(Trainer(net, train.X, train.Y, test.X, test.Y,
                                         config).train().train_loss)
    assert histories[("--no-shuffle",)] == pytest.approx(expected[False], rel=1e-12)
    assert histories[()] == pytest.approx(expected[True], rel=1e-12)
    assert histories[()] != histories[("--no-shuffle",)]


def test_save_refuses_a_read_only_file_a_fifo_and_an_example(capsys, tmp_path):
    ro = tmp_path / "ro.json"
    save_network(load_network(example_path("circle")).network, ro)
    os.chmod(ro, 0o444)
    before = ro.read_bytes()
    status, out, err = run(capsys, "train", "--example", "circle", "--epochs", "1", "--save", ro)
    assert status == 2 and out == ""
    assert err == (f"error: --save: {ro} is read-only: not saved (the command line never "
                   "replaces a read-only file)\n")
    assert ro.read_bytes() == before and stat.S_IMODE(os.stat(ro).st_mode) == 0o444
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    status, _, err = run(capsys, "train", "--example", "circle", "--save", fifo)
    assert status == 2 and "is a FIFO (named pipe), not a regular file" in err
    status, _, err = run(capsys, "train", "--example", "circle", "--save",
                         example_path("circle"))
    assert status == 2 and "is a shipped example" in err


def test_every_option_has_help_and_the_conventions_are_stated(capsys):
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    with pytest.raises(SystemExit):
        cli.run(["train", "--help"])
    text = capsys.readouterr().out
    for phrase in ("mean of the loss", "λ/2·Σw² over the weights only", "added to the\n"
                   "             loss that is reported", "v ← μ v + g", "(√s + ε)",
                   "bias corrections", "new random order", "--no-shuffle", "--save OUT.json"):
        assert phrase in text, phrase


def test_the_window_options_have_help():
    from gui.app import build_parser

    for action in build_parser()._actions:
        assert action.help


def test_gradcheck_samples_a_large_network_and_all_checks_every_one(capsys, tmp_path):
    net = build_network([30, 20, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=1)
    net.sample_x = np.linspace(-1, 1, 30)
    net.sample_y = np.array([1.0])
    path = tmp_path / "big.json"
    save_network(net, path)
    total = 30 * 20 + 20 + 20 + 1
    status, out, _ = run(capsys, "gradcheck", path)
    assert status == 0
    assert f"over {GRADCHECK_SAMPLE} of {total} parameters (drawn at random; --all checks every " \
           "one)" in out
    status, out, _ = run(capsys, "gradcheck", path, "--all")
    assert status == 0 and f"over {total} parameters and 1 sample(s): ok" in out


def test_gradcheck_shows_progress_on_a_terminal(capsys, monkeypatch):
    import sys

    class Terminal:
        def __init__(self):
            self.parts = []

        def write(self, text):
            self.parts.append(text)

        def flush(self):
            pass

        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.run(["gradcheck", "--example", "mazur"]) == 0
    written = "".join(terminal.parts)
    assert "checking parameter 12 of 12…" in written
    assert written.endswith("\r\033[K")  # the line is cleared before the result


@pytest.mark.parametrize("kind", ["file", "csv", "key"])
def test_names_with_newlines_stay_on_one_line(capsys, tmp_path, kind):
    if kind == "file":
        bad = tmp_path / "two\nlines.json"
        bad.write_text("{", encoding="utf-8")
        argv = ["trace", bad]
        expect = "two\\nlines.json"
    elif kind == "csv":
        bad = tmp_path / "da\nta.csv"
        bad.write_text("1,2,0\n3,x,1\n", encoding="utf-8")
        argv = ["train", "--example", "circle", "--csv", bad]
        expect = "da\\nta.csv"
    else:
        data = json.loads(Path(example_path("mazur")).read_text(encoding="utf-8"))
        data["a\nkey"] = 1
        bad = tmp_path / "k.json"
        bad.write_text(json.dumps(data), encoding="utf-8")
        argv = ["trace", bad]
        expect = "a\\nkey: unknown field"
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert len(err.splitlines()) == 1 and expect in err


def test_a_missing_file_with_a_newline_is_one_line(capsys, tmp_path):
    status, _, err = run(capsys, "trace", tmp_path / "no\nsuch.json")
    assert status == 2 and len(err.splitlines()) == 1 and "no\\nsuch.json" in err
