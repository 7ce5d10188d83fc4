"""The Training tab and dock as a user drives them: train, pause, change things mid-run, diverge,
bad input, export, close. Training runs on the real worker thread."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from core.training import History
from gui import app as gui_app
from gui.training.history import HistoryStore
from gui.training.settings import CSV
from gui.training.worker import Grid, TrainingSnapshot

WAIT = 5000  # ms; the waits end as soon as their condition holds


@pytest.fixture
def window(make_window):
    win = make_window("circle", size=(1280, 800))
    win.tabs.setCurrentWidget(win.training_tab)
    return win


def plot_lengths(tab) -> dict[str, int]:
    """How many points each plot draws (its first curve or image)."""
    image = tab.boundary_plot.image.image
    return {
        "loss": len(tab.loss_plot.train_curve.xData),
        "saturation": len(tab.saturation_plot.fractions[0].xData),
        "gradient": len(tab.gradient_plot.curves[0].xData),
        "boundary": 0 if image is None else image.size,
    }


def choose_data(dock, name: str) -> None:
    index = dock.data_combo.findData(name)
    dock.data_combo.setCurrentIndex(index)
    dock.data_combo.activated.emit(index)


def type_rate(qtbot, dock, text: str) -> None:
    line = dock.rate.lineEdit()
    line.clear()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def start(qtbot, win, epochs: int = 3) -> None:
    win.training_dock.train_action.trigger()
    training = win.training
    qtbot.waitUntil(lambda: training.latest is not None and training.latest.epoch >= epochs,
                    timeout=WAIT)  # fmt: skip


def test_one_epoch_updates_every_plot(window):
    tab = window.training_tab
    before = plot_lengths(tab)
    assert before["loss"] == 1 and before["boundary"] == 60 * 60  # epoch 0, the untrained grid
    grid_before = tab.boundary_plot.grid.values.copy()
    window.training_dock.epoch_action.trigger()
    after = plot_lengths(tab)
    assert after["loss"] == after["saturation"] == after["gradient"] == 2
    assert not np.array_equal(tab.boundary_plot.grid.values, grid_before)
    assert len(tab.saturation_plot.dots[0].data) > 0
    assert tab.loss_plot.info.text().startswith("epoch 1 · train ")
    assert window.training_dock.progress.text().startswith("epoch 1")
    assert window.controller.dirty  # the stepped network now holds the trained weights
    trained = window.training.trainer.network.layers[0].W
    assert np.array_equal(window.controller.network.layers[0].W, trained)


def test_train_in_background_pause_and_resume(qtbot, window):
    training, dock = window.training, window.training_dock
    start(qtbot, window)
    assert training.running and dock.train_action.text() == "Pause"
    tab = window.training_tab
    qtbot.waitUntil(lambda: min(plot_lengths(tab)[k] for k in ("loss", "gradient")) > 3,
                    timeout=WAIT)  # fmt: skip
    dock.train_action.trigger()  # pause
    assert not training.running and training.worker.idle.is_set()
    assert dock.train_action.text() == "Train" and not dock.train_action.isChecked()
    paused_at = training.trainer.epoch
    assert training.latest.epoch == paused_at == len(training.trainer.history) - 1
    qtbot.wait(100)
    assert training.trainer.epoch == paused_at
    assert plot_lengths(tab)["loss"] == paused_at + 1  # every plot shows the paused state
    dock.train_action.trigger()  # resume; the window stays usable meanwhile
    window.tabs.setCurrentIndex(0)
    for _ in range(5):
        window.step_controls.actions["step"].trigger()
    window.network_view.scale(1.2, 1.2)
    view = window.network_view  # draws the live weights (colour and width of the edges)
    shown = view._weights_shown.copy()
    qtbot.waitUntil(lambda: not np.array_equal(view._weights_shown, shown), timeout=WAIT)
    window.tabs.setCurrentWidget(tab)
    tab.loss_plot.plot.vb.scaleBy((0.5, 0.5))
    qtbot.waitUntil(lambda: training.latest.epoch > paused_at + 2, timeout=WAIT)
    dock.train_action.trigger()
    assert training.trainer.history.epoch == list(range(training.trainer.epoch + 1))
    # The view is redrawn at a limited rate while training; paused, it shows the last weights.
    window.tabs.setCurrentIndex(0)
    net = window.controller.network
    qtbot.waitUntil(lambda: np.array_equal(
        view._weights_shown, np.concatenate([la.W.ravel() for la in net.layers])), timeout=WAIT)


def test_learning_rate_10_diverges_with_a_banner(qtbot, window):
    dock, training = window.training_dock, window.training
    choose_data(dock, "plane")  # regression with a linear output: lr 10 explodes in a few epochs
    type_rate(qtbot, dock, "10")
    assert training.settings.learning_rate == 10.0
    dock.train_action.trigger()
    qtbot.waitUntil(lambda: not training.running, timeout=WAIT)
    assert training.trainer.status == "diverged"
    banner = window.training_tab.banner
    assert banner.isVisible()
    assert "diverged" in banner.text() and "lower learning rate" in banner.text()
    assert not dock.train_action.isChecked()
    for layer in window.controller.network.layers:  # the view keeps the last finite weights
        assert np.isfinite(layer.W).all()
    loss = window.training_tab.loss_plot  # regression: no accuracy in the legend
    assert loss.legend.getLabel(loss.train_accuracy) is None
    # The last frame (the run has stopped) draws whatever the diverged state holds, finite or
    # not, without raising.
    qtbot.waitUntil(lambda: bool(window.training_tab.saturation_plot.info.text()), timeout=WAIT)
    dock.train_action.trigger()  # refused, with the reason
    assert not training.running and "Reset" in banner.text()
    dock.reset_action.trigger()
    assert training.trainer.status == "ok" and not banner.isVisible()


def test_changing_the_architecture_while_training(qtbot, window):
    training, dock = window.training, window.training_dock
    start(qtbot, window)
    dock.layers.setValue(2)
    assert training.running
    assert window.controller.network.sizes == [2, 4, 4, 1]
    assert training.trainer.network.sizes == [2, 4, 4, 1]
    qtbot.waitUntil(lambda: len(training.latest.weights) == 3 and training.latest.epoch >= 3,
                    timeout=WAIT)  # fmt: skip
    dock.unit_spins[1].setValue(6)
    dock.activation_combos[1].activated.emit(0)  # sigmoid
    assert window.controller.network.sizes == [2, 4, 6, 1]
    assert window.controller.network.layers[1].activation.name == "sigmoid"
    assert window.controller.dirty
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.controller.network.sizes == [2, 4, 4, 1] and training.running
    window.undo_action.trigger()
    assert window.controller.network.sizes == [2, 4, 1]
    window.redo_action.trigger()
    assert window.controller.network.sizes == [2, 4, 4, 1]
    qtbot.waitUntil(lambda: len(training.latest.weights) == 3, timeout=WAIT)
    training.pause()


def test_undo_data_set_optimizer_and_learning_rate(qtbot, window):
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [s.toString() for s in window.redo_action.shortcuts()]
    training, dock = window.training, window.training_dock
    choose_data(dock, "xor")
    dock.optimizer.activated.emit(dock.optimizer.findData("adam"))
    type_rate(qtbot, dock, "0.01")
    assert (training.settings.data.name, training.settings.optimizer) == ("xor", "adam")
    assert training.trainer.optimizer.learning_rate == 0.01
    assert window.controller.loaded.dataset["name"] == "xor"  # saved with the network
    for _ in range(3):
        window.undo_action.trigger()
    assert training.settings.data.name == "circle" and training.settings.optimizer == "sgd"
    assert training.trainer.optimizer.learning_rate == 0.1
    assert dock.data_combo.currentData() == "circle" and dock.rate.currentText() == "0.1"


def test_bad_learning_rates_and_l2_are_refused_with_a_message(qtbot, window):
    dock, training = window.training_dock, window.training
    for text in ("abc", "0", "-1", "100", "nan"):
        type_rate(qtbot, dock, text)
        assert training.settings.learning_rate == 0.1, text
        assert dock.rate.currentText() == "0.1"
        assert dock.message.isVisible() and "learning rate" in dock.message.text()
        dock.show_message("")
    dock.l2.lineEdit().setText("-3")
    dock.l2.lineEdit().editingFinished.emit()
    assert "L2" in dock.message.text() and training.settings.l2 == 0.0
    assert training.undo_stack.count() == 0


def test_a_bad_csv_file_gives_a_clear_error(window, tmp_path):
    dock, training = window.training_dock, window.training
    sizes = window.controller.network.sizes
    cases = [("x1,x2,y\n1,2,0\n3,abc,1\n", "line 3, column 2: 'abc' is not a number"),
             ("y\n1\n2\n", "needs at least 2 columns"), ("", "the file is empty")]  # fmt: skip
    for content, expected in cases:
        path = tmp_path / "bad.csv"
        path.write_text(content)
        dock.ask_csv_path = lambda p=path: str(p)
        choose_data(dock, CSV)
        assert expected in dock.message.text() and "bad.csv" in dock.message.text()
        assert expected in window.training_tab.banner.text()
        assert training.settings.data.name == "circle" and dock.data_combo.currentData() == "circle"
        assert window.controller.network.sizes == sizes  # nothing lost
    dock.ask_csv_path = lambda: str(tmp_path / "missing.csv")
    choose_data(dock, CSV)
    assert "missing.csv" in dock.message.text()


def test_a_csv_file_with_three_inputs_builds_a_fitting_network(window, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    rows = ["a,b,c,label"] + [f"{a},{b},{c},{int(a + b > 0)}" for a, b, c in X]
    path = tmp_path / "three.csv"
    path.write_text("\n".join(rows) + "\n")
    window.training_dock.ask_csv_path = lambda: str(path)
    choose_data(window.training_dock, CSV)
    assert window.controller.network.sizes == [3, 4, 1]
    window.training_dock.epoch_action.trigger()
    assert window.training.latest.epoch == 1
    note = window.training_tab.boundary_plot.note
    assert note.isVisible() and "2 inputs" in note.toPlainText()
    window.undo_action.trigger()
    assert window.controller.network.sizes == [2, 4, 1]


def test_closing_while_training_stops_the_thread(qtbot, window):
    training = window.training
    start(qtbot, window)
    assert training.worker_thread.isRunning()
    window.close()
    assert not training.running and training.worker.idle.is_set()
    assert not training.worker_thread.isRunning()


def test_opening_another_network_while_training(qtbot, window):
    training = window.training
    start(qtbot, window)
    window.training_dock.layers.setValue(2)
    assert window.open_example("deep_sigmoid")
    assert not training.running and not window.training_dock.train_action.isChecked()
    assert training.settings.hidden == ((8, "sigmoid"),) * 5
    assert training.trainer.network.sizes == window.controller.network.sizes
    assert training.undo_stack.count() == 0


def test_a_network_that_does_not_fit_the_data_says_what_to_do(window):
    assert window.open_example("mazur")  # 2 outputs; the default circle set has 1 target
    training = window.training
    assert training.trainer is None
    banner = window.training_tab.banner
    assert banner.isVisible() and "Reset" in banner.text()
    window.training_dock.train_action.trigger()
    assert not training.running
    window.training_dock.reset_action.trigger()
    assert window.controller.network.sizes == [2, 2, 1] and training.trainer is not None
    window.undo_action.trigger()
    assert window.controller.network.sizes == [2, 2, 2]


def test_plots_take_nan_and_infinity(window):
    """A diverging run's numbers reach every plot without an exception or a warning."""
    history = History(2, True)
    history.epoch += [0, 1, 2]
    history.train_loss += [0.7, math.inf, math.nan]
    history.test_loss += [0.7, math.nan, math.nan]
    history.train_accuracy += [0.5, math.nan, math.nan]
    history.test_accuracy += [0.5, math.nan, math.nan]
    history.grad_norm += [(0.1, 0.0), (math.inf, math.nan), (math.nan, math.nan)]
    history.saturation += [(0.2,), (math.nan,), (1.0,)]
    nan = np.full((1, 4), np.nan)
    xs = np.linspace(-1, 1, 60)
    training = window.training
    training.store = HistoryStore(2)
    snapshot = TrainingSnapshot(
        token=training.token, run=training.run, epoch=2, steps=50, time=0.0,
        status="diverged", message="diverged", start=0, rows=history.arrays(),
        classification=True, layers=2,
        weights=((np.full((4, 2), np.nan), np.zeros(4)), (np.full((1, 4), np.inf), np.zeros(1))),
        activations=("tanh", "sigmoid"),
        hidden_z=(np.vstack([nan, [[np.inf, -np.inf, 1.0, 1e300]]]),),
        grid=Grid(xs, xs, np.full((60, 60), np.nan)),
    )  # fmt: skip
    training._on_snapshot(snapshot)
    tab = window.training_tab
    assert all(plot.shown_epoch == 2 for plot in tab.plots)
    tab.loss_plot.set_log(True)
    assert len(tab.loss_plot.train_curve.xData) == 1  # only epoch 0 is finite
    window.grab()  # paints every plot
    assert np.isfinite(window.controller.network.layers[0].W).all()


def test_log_scale_and_the_value_under_the_mouse(window):
    window.training.train_sync(5)
    plot = window.training_tab.loss_plot
    loss = window.training.trainer.history.train_loss
    plot.set_log(True)
    assert np.allclose(plot.train_curve.yData, np.log10(loss))
    plot.set_log(False)
    assert np.allclose(plot.train_curve.yData, loss)
    pos = plot.plot.vb.mapViewToScene(QPointF(2.1, loss[2]))
    plot.view.scene().sigMouseMoved.emit(pos)
    assert plot.info.text().startswith("epoch 2 · train ")


def test_every_plot_exports_png_svg_and_csv(window, tmp_path):
    window.training.train_sync(3)
    for plot in window.training_tab.plots:
        name = type(plot).__name__
        for ext in ("png", "svg", "csv"):
            plot.export(str(tmp_path / f"{name}.{ext}"))
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in (tmp_path / f"{name}.svg").read_text()
        lines = (tmp_path / f"{name}.csv").read_text().splitlines()
        assert len(lines) > 1 and "," in lines[0]
    table = (tmp_path / "LossPlot.csv").read_text().splitlines()
    assert table[0].startswith("epoch,train_loss") and len(table) == 5  # header, epochs 0-3
    with pytest.raises(ValueError, match="png, .svg or .csv"):
        window.training_tab.loss_plot.export(str(tmp_path / "loss.txt"))


def test_csv_exports_write_epochs_as_whole_numbers(window, tmp_path):
    import csv

    window.training.train_sync(3)
    for plot in window.training_tab.plots[:3]:  # loss, saturation, gradients: by epoch
        path = tmp_path / f"{type(plot).__name__}.csv"
        plot.export(str(path))
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        assert rows[0][0] == "epoch"
        assert [row[0] for row in rows[1:]] == ["0", "1", "2", "3"], path.name
        float(rows[1][1])  # the values stay numbers


def test_headless_train_and_screenshot(qtbot, tmp_path):
    out = tmp_path / "trained.png"
    argv = ["--example", "circle", "--train", "20", "--screenshot", str(out)]
    assert gui_app.run(argv) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert gui_app.run(["--train", "-1"]) == 2


def history_rows(first: int, last: int, layers: int = 2) -> dict:
    epochs = np.arange(first, last, dtype=float)
    n = len(epochs)
    rows = {name: 0.1 * epochs for name in ("train_loss", "test_loss", "train_accuracy",
                                               "test_accuracy")}  # fmt: skip
    rows.update(epoch=epochs, grad_norm=np.column_stack([epochs] * layers),
                saturation=np.full((n, layers - 1), 0.5))  # fmt: skip
    return rows


def test_history_store_takes_new_rows_once_and_in_order():
    store = HistoryStore(2)
    assert store.ingest(0, history_rows(0, 3)) == 3
    views = store.arrays()
    assert store.ingest(1, history_rows(1, 5)) == 2  # rows 1, 2 were here: only 3, 4 added
    assert store.ingest(7, history_rows(7, 9)) == 0  # after a gap: refused
    assert list(store.arrays()["epoch"]) == [0, 1, 2, 3, 4] and store.total == 5
    assert len(views["epoch"]) == 3  # arrays handed out earlier are unchanged
    assert np.array_equal(store.arrays()["grad_norm"][:, 1], [0, 1, 2, 3, 4])


def test_history_store_stays_bounded_and_evenly_thinned():
    from gui.training.history import CAPACITY, RECENT

    store = HistoryStore(3)
    total = 100_000
    for first in range(0, total, 700):
        store.ingest(first, history_rows(first, min(first + 700, total), 3))
    epochs = store.arrays()["epoch"]
    assert store.total == total and len(store) <= CAPACITY
    assert np.array_equal(epochs[-RECENT:], np.arange(total - RECENT, total))  # full resolution
    old = np.diff(epochs[: -RECENT])
    # Evenly spaced at the stride, then (rows aged since the last thinning) closer together.
    assert epochs[0] == 0 and old.max() == old[0] == store.stride and np.all(np.diff(old) <= 0)
    every = epochs >= store.thinned_before  # from here on no epoch is left out
    assert store.thinned_before <= epochs[-RECENT] and np.all(np.diff(epochs[every]) == 1)
    assert store.stride <= 2 * total / (CAPACITY - RECENT)  # no coarser than needed
