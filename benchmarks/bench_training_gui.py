"""Training in the window against the headless core, and the window's responsiveness meanwhile.

The network is 2-8-8-1 (tanh hidden layers, sigmoid output, binary cross-entropy), trained by SGD
(learning rate 0.1) in minibatches of 10 on the 250 training samples of the circle set (500 in
all), as in bench_core.py. Each round starts from fresh weights and times, in turn:

- headless: ``core.training.Trainer`` on a copy of that network, on this thread;
- GUI: the whole main window (1280 × 800, Training tab showing, plots updating) training the same
  network on its worker thread, while a 16 ms QTimer records the gaps between its ticks.

Requirements: (a) the GUI's median steps per second ≥ 70% of the headless median; (b) the 95th
percentile of the timer's gaps ≤ 33 ms; (c) the views redraw (one frame: every plot, its header
and the dock, the decision boundary's image included) at least 10 times a second. Exit status 1
when one fails.
Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/bench_training_gui.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.netfile import LoadedNetwork  # noqa: E402
from core.network import OptimizerConfig, build_network  # noqa: E402
from core.training import TrainConfig, Trainer  # noqa: E402

ROUNDS = 5
SECONDS = 2.0  # timed per contender and round
WARM_UP = 0.3  # seconds of GUI training before its steps are counted
TICK_MS = 16
MIN_RATIO = 0.70
MAX_P95_GAP_MS = 33.0
MIN_FRAMES_PER_SECOND = 10.0


def circle_network() -> LoadedNetwork:
    network = build_network(
        [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "binary_cross_entropy", init="xavier",
        seed=0, name="bench 2-8-8-1", optimizer=OptimizerConfig("sgd", 0.1),
    )  # fmt: skip
    dataset = {"name": "circle", "samples": 500, "noise": 0.1, "train_fraction": 0.5, "seed": 0}
    return LoadedNetwork(network, dataset, {"epochs": 200, "batch_size": 10, "l2": 0.0})


def headless_steps_per_second(training, network) -> float:
    train, test = training.train, training.test
    config = TrainConfig(batch_size=10, seed=0)
    trainer = Trainer(network, train.X, train.Y, test.X, test.Y, config)
    batches = -(-len(train.X) // config.batch_size)
    start = time.perf_counter()
    while time.perf_counter() - start < SECONDS:
        trainer.run_epoch()
    return trainer.epoch * batches / (time.perf_counter() - start)


def run_event_loop(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def gui_round(window) -> tuple[float, list[float], float, float]:
    """Steps per second of the window's worker, the timer's gaps in ms, frames per second and
    boundary images per second, over one round."""
    training = window.training
    snapshots, frames, images = [], [], []
    training.snapshot_ready.connect(snapshots.append)
    boundary = window.training_tab.boundary_plot.image
    count_images = lambda: images.append(time.perf_counter())  # noqa: E731
    boundary.sigImageChanged.connect(count_images)
    count_frames = lambda _: frames.append(time.perf_counter())  # noqa: E731
    training.frame_ready.connect(count_frames)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    training.start()
    run_event_loop(WARM_UP)
    first = snapshots[-1]
    frames.clear()
    images.clear()
    timer.start()
    run_event_loop(SECONDS)
    timer.stop()
    last = snapshots[-1]
    training.pause()
    training.snapshot_ready.disconnect(snapshots.append)
    training.frame_ready.disconnect(count_frames)
    boundary.sigImageChanged.disconnect(count_images)
    rate = (last.steps - first.steps) / (last.time - first.time)
    return rate, list(np.diff(ticks) * 1000), len(frames) / SECONDS, len(images) / SECONDS


def main() -> int:
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["bench"])
    window = MainWindow(persist=False)
    window.ask_discard = lambda: "discard"
    window.controller.set_loaded(circle_network())
    window.resize(1280, 800)
    window.show()
    window.tabs.setCurrentWidget(window.training_tab)
    app.processEvents()
    training = window.training
    headless, gui, gaps, fps, images = [], [], [], [], []
    started = time.perf_counter()
    for _ in range(ROUNDS):
        training.reset()  # fresh weights and history: both contenders start from the same ones
        headless.append(headless_steps_per_second(training, window.controller.network.copy()))
        rate, round_gaps, round_fps, round_images = gui_round(window)
        gui.append(rate)
        gaps += round_gaps
        fps.append(round_fps)
        images.append(round_images)
    window.close()
    core, shown = statistics.median(headless), statistics.median(gui)
    ratio = shown / core
    p95 = float(np.percentile(gaps, 95))
    print(f"{ROUNDS} rounds of {SECONDS:g} s each ({time.perf_counter() - started:.0f} s)")
    print(f"{'':24}{'median steps/s':>16}")
    print(f"{'headless Trainer':24}{core:16,.0f}")
    print(f"{'GUI worker (window)':24}{shown:16,.0f}")
    ok_a = ratio >= MIN_RATIO
    ok_b = p95 <= MAX_P95_GAP_MS
    verdict_a = "PASS" if ok_a else "FAIL"
    print(f"(a) GUI / headless = {ratio:.2f} (need ≥ {MIN_RATIO:.2f}): {verdict_a}")
    print(f"(b) 16 ms timer gaps while training: median {statistics.median(gaps):.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(gaps):.1f} ms (need p95 ≤ {MAX_P95_GAP_MS:g} ms): "
          f"{'PASS' if ok_b else 'FAIL'}")  # fmt: skip
    frames, pictures = statistics.median(fps), statistics.median(images)
    ok_c = min(frames, pictures) >= MIN_FRAMES_PER_SECOND
    print(f"(c) frames per second while training: median {frames:.1f}, decision-boundary "
          f"images {pictures:.1f} (need ≥ {MIN_FRAMES_PER_SECOND:g}): "
          f"{'PASS' if ok_c else 'FAIL'}")  # fmt: skip
    return 0 if ok_a and ok_b and ok_c else 1


if __name__ == "__main__":
    sys.exit(main())
