"""`main.py trace NET.json --layers`: the layer trace as a user calls it."""

import json
from pathlib import Path

import numpy as np
import pytest

from core import cli
from core.examples import example_path
from core.netfile import load_network
from core.training import TrainConfig, Trainer


def run(capsys, *argv):
    status = cli.run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_layers_json_of_mazur_matches_the_unit_trace(capsys):
    _, unit_out, _ = run(capsys, "trace", example_path("mazur"), "--format", "json")
    unit = {op["id"]: op["value"] for op in json.loads(unit_out)["operations"]}
    status, out, err = run(capsys, "trace", example_path("mazur"), "--layers", "--format", "json")
    assert status == 0 and err == ""
    doc = json.loads(out)
    assert doc["format"] == "backprop-layer-trace" and doc["version"] == 1
    assert doc["batch"] == {"x": [[0.05, 0.1]], "y": [[0.01, 0.99]]}
    ops = doc["operations"]
    assert [op["index"] for op in ops] == list(range(len(ops)))
    assert set(ops[0]) == {"index", "phase", "quantity", "layer", "shape", "value", "formula",
                           "substituted"}
    by = {(op["quantity"], op["layer"]): op for op in ops}
    assert by[("z", 1)]["shape"] == [2, 1]
    assert by[("z", 1)]["value"] == [[pytest.approx(unit["z:1:0"])],
                                     [pytest.approx(unit["z:1:1"])]]
    assert by[("loss", 2)]["value"] == pytest.approx(unit["loss"])  # a number, not a matrix
    assert by[("grad_w", 2)]["value"][0][1] == pytest.approx(unit["grad_w:2:0:1"])
    assert by[("w", 1)]["value"][1][0] == pytest.approx(unit["new_w:1:1:0"])


def test_text_format_prints_shapes_and_numbers(capsys):
    status, out, _ = run(capsys, "trace", example_path("mazur"), "--layers")
    lines = out.splitlines()
    assert status == 0 and len(lines) == 2 * 11  # two lines for each of the 11 operations
    assert lines[0].split() == ["0", "forward", "W^{(1)}:", "2×2", "·", "U^{(0)}:", "2×1", "+",
                                "b^{(1)}:", "2×1", "→", "Z^{(1)}:", "2×1"]
    assert "= 0.3775;" in lines[1]


def test_a_batch_from_the_file_data_set_gives_the_training_step(capsys):
    status, out, _ = run(capsys, "trace", example_path("circle"), "--layers", "--batch", "4",
                         "--format", "json")
    assert status == 0
    doc = json.loads(out)
    X, Y = np.array(doc["batch"]["x"]), np.array(doc["batch"]["y"])
    assert X.shape == (4, 2) and Y.shape == (4, 1)
    net = load_network(example_path("circle")).network
    Trainer(net, X, Y, config=TrainConfig(epochs=1, batch_size=4, shuffle=False)).run_epoch()
    by = {(op["quantity"], op["layer"]): op for op in doc["operations"]}
    np.testing.assert_allclose(by[("w", 1)]["value"], net.layers[0].W, rtol=1e-12)
    np.testing.assert_allclose(np.array(by[("b", 2)]["value"])[:, 0], net.layers[1].b,
                               rtol=1e-12)
    assert by[("z", 1)]["shape"] == [4, 4] and by[("delta", 2)]["shape"] == [1, 4]


def test_dataset_option_and_markdown_tables(capsys):
    status, out, _ = run(capsys, "trace", example_path("circle"), "--layers", "--batch", "3",
                         "--dataset", "xor", "--samples", "20", "--seed", "3",
                         "--format", "markdown")
    assert status == 0
    assert "| unit | sample 1 | sample 2 | sample 3 |" in out
    assert "W<sup>(1)</sup>: 4×2 · U<sup>(0)</sup>: 2×3 + b<sup>(1)</sup>: 4×1 → " \
           "Z<sup>(1)</sup>: 4×3" in out
    assert "| unit | from unit 1 | from unit 2 |" in out  # ∂L/∂W⁽¹⁾ and W⁽¹⁾


def test_own_sample_batch_for_softmax3(capsys, tmp_path):
    # Without a data set in the file, the batch is the file's own sample and samples near it.
    spec = json.loads(Path(example_path("softmax3")).read_text(encoding="utf-8"))
    spec.pop("dataset", None)
    own = tmp_path / "softmax3_own.json"
    own.write_text(json.dumps(spec), encoding="utf-8")
    status, out, _ = run(capsys, "trace", str(own), "--layers", "--batch", "4",
                         "--format", "json")
    assert status == 0
    doc = json.loads(out)
    assert doc["batch"]["x"][0] == [0.5, -0.3] and len(doc["batch"]["y"]) == 4
    assert {tuple(y) for y in doc["batch"]["y"]} == {(0, 1, 0), (0, 0, 1), (1, 0, 0)}
    # With its data set (3-class blobs), the batch is the first rows of the training split.
    status, out, _ = run(capsys, "trace", example_path("softmax3"), "--layers", "--batch", "4",
                         "--format", "json")
    doc = json.loads(out)
    assert status == 0 and len(doc["batch"]["x"]) == 4
    assert all(sorted(y) == [0, 0, 1] for y in doc["batch"]["y"])  # one-hot over 3 classes
    csv_file = tmp_path / "data.csv"
    csv_file.write_text("a,b,c1,c2,c3\n1,2,1,0,0\n3,4,0,1,0\n5,6,0,0,1\n")
    status, out, _ = run(capsys, "trace", example_path("softmax3"), "--layers", "--batch", "2",
                         "--csv", str(csv_file), "--format", "json")
    assert status == 0 and json.loads(out)["batch"]["x"] == [[1, 2], [3, 4]]


@pytest.mark.parametrize("argv,message", [
    (["--layers", "--batch", "0"], "from 1 to 16"),
    (["--layers", "--batch", "17"], "from 1 to 16"),
    (["--batch", "2"], "--batch needs --layers"),
    (["--dataset", "circle"], "--dataset needs --layers"),
    (["--layers", "--samples", "20"], "--samples and --seed need --dataset"),
    (["--layers", "--dataset", "circle", "--csv", "x.csv"], "either --dataset or --csv"),
    (["--layers", "--batch", "4", "--dataset", "xor", "--samples", "1"], "at least 2"),
    (["--layers", "--format", "ipynb"], "--layers prints json, markdown or text"),
])
def test_bad_options_are_named(capsys, argv, message):
    status, out, err = run(capsys, "trace", example_path("circle"), *argv)
    assert status == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_batch_larger_than_the_csv_and_wrong_outputs(capsys, tmp_path):
    csv_file = tmp_path / "two.csv"
    csv_file.write_text("1,2,1\n3,4,0\n")
    status, _, err = run(capsys, "trace", example_path("circle"), "--layers", "--batch", "3",
                         "--csv", str(csv_file))
    assert status == 2 and "larger than the 2 samples" in err
    status, _, err = run(capsys, "trace", example_path("softmax3"), "--layers", "--batch", "4",
                         "--dataset", "circle")
    assert status == 2 and "3 output unit(s)" in err
