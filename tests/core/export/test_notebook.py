"""The exported notebook validates, and its cells run in order with every assert exercised."""

import re

import nbformat
import pytest

from core.export.notebook import notebook_text
from tests.core.export.helpers import example, regression, three_layer


def run_cells(text: str) -> dict:
    """Execute the code cells in order in one namespace (no Jupyter kernel needed)."""
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    namespace: dict = {}
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"<cell {k}>", "exec"), namespace)
    return namespace


CASES = {
    "mazur": lambda: example("mazur"),
    "softmax3": lambda: example("softmax3"),
    "three_layers": lambda: three_layer(),
    "circle_dataset": lambda: example("circle"),
    "momentum": lambda: three_layer("momentum"),
    "rmsprop": lambda: three_layer("rmsprop"),
    "adam": lambda: three_layer("adam"),
    "regression_squared": lambda: regression("squared"),
    "regression_half_squared": lambda: regression("half_squared"),
}


@pytest.mark.parametrize("case", CASES)
def test_notebook_validates_runs_and_matches_the_trace(case, capsys):
    loaded, stepper = CASES[case]()
    text = notebook_text(loaded, stepper, epochs=3)
    nb = nbformat.reads(text, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    step_cells = [c for c in code if c.startswith("# Step ")]
    assert len(step_cells) == len(stepper.trace)  # one cell per operation, each with its assert
    for op, cell in zip(stepper.trace, step_cells):
        assert cell.startswith(f"# Step {op.index + 1} (")
        assert "assert close(" in cell
    namespace = run_cells(text)
    # The cells computed the app's numbers themselves (not just copied them).
    for op in stepper.trace:
        if op.quantity == "loss":
            assert namespace["loss"] == pytest.approx(op.value, rel=1e-9)
    assert "epoch 3: mean loss" in capsys.readouterr().out


def test_the_three_layer_network_carries_a_gradient_through_every_unit():
    _, stepper = three_layer()
    deltas = [op.value for op in stepper.trace if op.quantity == "delta"]
    assert len(deltas) == 6 and all(d != 0 for d in deltas)


def test_a_wrong_number_in_a_cell_fails_its_assert():
    loaded, stepper = example("mazur")
    text = notebook_text(loaded, stepper, epochs=1)
    op = stepper.trace[5]
    literal = repr(op.value)
    assert literal in text
    broken = re.sub(re.escape(f"close(u[2][0], {literal})"), "close(u[2][0], 0.5)", text)
    assert broken != text
    with pytest.raises(AssertionError, match="step 6"):
        run_cells(broken)


def test_a_stepper_on_a_later_sample_exports_that_sample():
    loaded, stepper = example("circle")
    stepper.to_end()
    stepper.step()  # the first update is committed: weights and sample changed
    namespace = run_cells(notebook_text(loaded, stepper, epochs=1))
    assert list(namespace["x"]) == list(stepper.x)
    assert namespace["w"][1][0, 0] == stepper.network.layers[0].W[0, 0]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow is the point here
def test_an_overflowing_step_still_exports_and_runs():
    loaded, stepper = example("mazur")
    stepper.set_input(0, 1e10)
    stepper.set_weight(1, 0, 0, 1e306)
    assert stepper.trace[0].value == float("inf")
    namespace = run_cells(notebook_text(loaded, stepper, epochs=1))
    assert namespace["z"][1][0] == float("inf")
