"""The headless commands: trace, train and gradcheck, as a user calls them."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core import cli
from core.examples import example_path

ROOT = Path(__file__).resolve().parents[3]


def run(capsys, *argv):
    status = cli.run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_trace_json_reproduces_mazur_from_the_example_file(capsys):
    status, out, err = run(capsys, "trace", example_path("mazur"), "--format", "json")
    assert status == 0 and err == ""
    doc = json.loads(out)
    assert doc["format"] == "backprop-trace" and doc["version"] == 1
    ops = {op["id"]: op for op in doc["operations"]}
    assert ops["z:1:0"]["value"] == pytest.approx(0.3775)
    assert ops["u:1:0"]["value"] == pytest.approx(0.593269992, abs=1e-9)
    assert ops["loss"]["value"] == pytest.approx(0.298371109, abs=1e-9)
    assert ops["grad_w:2:0:0"]["value"] == pytest.approx(0.082167041, abs=1e-9)
    assert ops["new_w:1:0:0"]["value"] == pytest.approx(0.149780716, abs=1e-9)
    first = doc["operations"][0]
    assert set(first) >= {"phase", "quantity", "layer", "unit", "input", "value", "formula",
                          "substituted", "text", "reads"}
    assert first["phase"] == "forward" and first["quantity"] == "z" and first["input"] is None


def test_trace_markdown_and_text(capsys):
    status, out, _ = run(capsys, "trace", "--example", "mazur", "--format", "markdown")
    assert status == 0
    assert out.startswith("# One training step: Mazur 2-2-2")
    for title in ("## Forward pass", "## Loss", "## Backward pass", "## Gradients", "## Updates"):
        assert title in out
    assert "z<sup>(1)</sup><sub>1</sub> = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775" in out
    status, out, _ = run(capsys, "trace", "--example", "mazur")
    assert status == 0 and len(out.splitlines()) == 29


def test_trace_without_a_sample_uses_the_first_training_sample(capsys, tmp_path):
    data = json.loads(Path(example_path("circle")).read_text())
    data.pop("sample", None)
    path = tmp_path / "circle.json"
    path.write_text(json.dumps(data))
    status, out, err = run(capsys, "trace", str(path), "--format", "json")
    assert status == 0, err
    inputs = json.loads(out)["operations"][0]["reads"]
    assert "u:0:0" in inputs


def test_train_csv_history(capsys):
    status, out, err = run(capsys, "train", "--example", "circle", "--dataset", "circle",
                           "--samples", "200", "--noise", "0.0", "--epochs", "30",
                           "--batch-size", "10", "--train-fraction", "0.5", "--seed", "1")
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 30
    assert {"epoch", "train_loss", "test_loss", "train_accuracy", "grad_norm_1",
            "saturation_1"} <= set(rows[0])
    assert float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])


def test_train_json_and_divergence_is_reported_not_raised(capsys, tmp_path):
    net = {"format": "backprop-network", "version": 1, "name": "linear blow-up", "inputs": 2,
           "init": {"scheme": "normal", "scale": 1.0, "seed": 3},
           "layers": [{"units": 8, "activation": "linear"}, {"units": 1, "activation": "linear"}],
           "loss": "squared", "optimizer": {"name": "sgd", "learning_rate": 10},
           "dataset": {"name": "plane", "samples": 100}}
    path = tmp_path / "blowup.json"
    path.write_text(json.dumps(net))
    status, out, err = run(capsys, "train", str(path), "--epochs", "50", "--format", "json")
    assert status == 0
    doc = json.loads(out)  # strict JSON: no NaN or Infinity in it
    assert doc["format"] == "backprop-history"
    assert doc["status"] == "diverged" and 1 <= doc["diverged_epoch"] < 50
    assert "diverged" in err and "lower learning rate" in err
    assert len(doc["history"]["epoch"]) == doc["diverged_epoch"]


def test_gradcheck_ok_and_failure(capsys, monkeypatch):
    status, out, _ = run(capsys, "gradcheck", "--example", "mazur")
    assert status == 0 and out.strip().endswith(": ok")
    from core.network import Network

    real = Network.gradients

    def broken(self, X, Y):
        loss, gw, gb = real(self, X, Y)
        return loss, [g * 1.001 for g in gw], gb

    monkeypatch.setattr(Network, "gradients", broken)
    status, out, _ = run(capsys, "gradcheck", "--example", "mazur")
    assert status == 1 and "FAILED" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["trace", "missing.json"], "cannot open missing.json"),
        (["trace"], "give a network file or --example"),
        (["trace", "--example", "nope"], "no example 'nope'"),
        (["train", "--example", "circle", "--dataset", "moons"], "invalid choice: 'moons'"),
        (["train", "--example", "circle", "--learning-rate", "-1"], "learning_rate"),
        (["train", "--example", "circle", "--batch-size", "0"], "batch_size"),
        (["train", "--example", "circle", "--train-fraction", "1.5"], "train_fraction"),
        (["train", "--example", "mazur", "--dataset", "circle"], "output unit"),
        (["trace", "--example", "mazur", "--format", "pdf"], "invalid choice: 'pdf'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bad_network_file_names_the_field(capsys, tmp_path):
    data = json.loads(Path(example_path("mazur")).read_text())
    data["layers"][1]["weights"].append([1.0, 2.0])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    status, _, err = run(capsys, "gradcheck", str(path))
    assert status == 2
    assert "layers[1].weights: expected 2 rows of 2 numbers, got 3 rows" in err


def test_main_py_runs_a_command_as_a_subprocess():
    result = subprocess.run([sys.executable, "main.py", "trace", "--example", "mazur",
                             "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert json.loads(result.stdout)["operations"][8]["quantity"] == "loss"


def test_softmax3_trains_on_its_three_class_data_set(capsys, tmp_path):
    status, out, err = run(capsys, "train", "--example", "softmax3", "--epochs", "40")
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 40 and float(rows[-1]["train_accuracy"]) > 0.9  # argmax accuracy
    assert float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])
    labels = tmp_path / "labels.csv"  # one column of labels 0, 1, 2 for the 3 softmax units
    labels.write_text("a,b,y\n1,2,2\n3,4,0\n5,6,1\n-1,0,2\n")
    status, out, err = run(capsys, "train", "--example", "softmax3", "--csv", str(labels),
                           "--epochs", "2", "--train-fraction", "1")  # fmt: skip
    assert status == 0, err
    assert len(list(csv.DictReader(io.StringIO(out)))) == 2


def test_targets_that_do_not_fit_the_loss_are_an_error(capsys, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("a,b,y\n1,2,2\n3,4,-1\n5,6,0\n")
    status, out, err = run(capsys, "train", "--example", "circle", "--csv", str(data))
    assert status == 2 and out == ""
    assert "binary cross-entropy needs targets from 0 to 1" in err and "2 and −1" in err


def test_gradcheck_names_the_worst_weight_one_based_as_the_app_does(capsys, monkeypatch):
    from core.network import Network
    from core.stepper import Stepper
    from tests.core.helpers import mazur

    real = Network.gradients

    def broken(self, X, Y):  # only the weight of layer 2 into unit index 1 from unit index 0
        loss, gw, gb = real(self, X, Y)
        gw = [g.copy() for g in gw]
        gw[1][1, 0] *= 1.01
        return loss, gw, gb

    monkeypatch.setattr(Network, "gradients", broken)
    status, out, _ = run(capsys, "gradcheck", "--example", "mazur")
    assert status == 1
    assert " at w^{(2)}_{2,1} (weight from hidden unit 1 to output unit 2) " in out
    # The stepper names the same weight the same way.
    op = next(op for op in Stepper(mazur()).trace if op.key == "grad_w:2:1:0")
    assert op.substituted.startswith("∂L/∂w^{(2)}_{2,1} = ")
    assert "from hidden unit 1 to output unit 2" in op.text
