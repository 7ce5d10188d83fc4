"""Live training with unit maps on, against the headless core.

The 2-8-8-1 network and circle data of bench_training_gui.py, trained in the window with View ▸
Unit maps on, in two rounds per repetition:

- Stepper tab showing: the network view, its unit maps redrawn from the live weights;
- Training tab showing: the four plots (the maps are on but hidden).

Requirements (issue 16): the unit maps (Stepper tab) and the plots' frames (Training tab) redraw
at least 10 times a second, and the window keeps at least 60% of the headless steps per second in
both. Exit status 1 when one fails.
Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/bench_unit_maps.py``.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_training_gui import (  # noqa: E402
    SECONDS,
    WARM_UP,
    circle_network,
    headless_steps_per_second,
    run_event_loop,
)
from PySide6.QtWidgets import QApplication  # noqa: E402

ROUNDS = 3
MIN_RATIO = 0.60
MIN_PER_SECOND = 10.0


def live_round(window, tab) -> tuple[float, float]:
    """Steps per second of the worker and redraws per second (unit maps on the Stepper tab,
    frames on the Training tab)."""
    training = window.training
    window.tabs.setCurrentWidget(tab)
    snapshots, redraws = [], []
    training.snapshot_ready.connect(snapshots.append)
    signal = window.unit_maps.redrawn if tab is window.stepper_tab else training.frame_ready
    count = lambda *_: redraws.append(time.perf_counter())  # noqa: E731
    signal.connect(count)
    training.start()
    run_event_loop(WARM_UP)
    first = snapshots[-1]
    redraws.clear()
    run_event_loop(SECONDS)
    last = snapshots[-1]
    training.pause()
    training.snapshot_ready.disconnect(snapshots.append)
    signal.disconnect(count)
    return (last.steps - first.steps) / (last.time - first.time), len(redraws) / SECONDS


def main() -> int:
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["bench"])
    window = MainWindow(persist=False)
    window.ask_discard = lambda: "discard"
    window.controller.set_loaded(circle_network())
    window.resize(1280, 800)
    window.show()
    window.unit_maps_action.setChecked(True)
    window.tabs.setCurrentWidget(window.training_tab)  # builds the plots
    app.processEvents()
    assert window.unit_maps.on
    training = window.training
    headless, rows = [], {"Stepper tab (unit maps)": ([], []), "Training tab (plots)": ([], [])}
    for _ in range(ROUNDS):
        for name, tab in zip(rows, (window.stepper_tab, window.training_tab)):
            training.reset()
            headless.append(headless_steps_per_second(training, window.controller.network.copy()))
            rate, per_second = live_round(window, tab)
            rows[name][0].append(rate)
            rows[name][1].append(per_second)
    window.close()
    core = statistics.median(headless)
    print(f"{ROUNDS} rounds of {SECONDS:g} s per tab; headless median {core:,.0f} steps/s")
    ok = True
    for name, (rates, redraws) in rows.items():
        ratio, per_second = statistics.median(rates) / core, statistics.median(redraws)
        passed = ratio >= MIN_RATIO and per_second >= MIN_PER_SECOND
        ok &= passed
        print(f"{name:26} GUI/headless {ratio:.2f} (need ≥ {MIN_RATIO:.2f}), redraws per second "
              f"{per_second:.1f} (need ≥ {MIN_PER_SECOND:g}): {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
