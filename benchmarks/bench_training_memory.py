"""Memory of a long run in the window: 100,000 epochs (the window's cap) of the circle set in one
full batch (one step per epoch, so the run takes about a minute), Training tab showing.

Requirement: the process's resident memory at the end is within 50 MB of what it was after the
first 2,000 epochs (the history is thinned, snapshots carry only the new rows, the trainer
forgets rows the GUI has stored). Exit status 1 when it is not.
Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/bench_training_memory.py``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

MAX_GROWTH_MB = 50.0
FIRST = 2_000


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_until(condition, limit: float) -> None:
    start = time.perf_counter()
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: (condition() or time.perf_counter() - start > limit)
                          and loop.quit())  # fmt: skip
    timer.start(50)
    loop.exec()
    timer.stop()


def main() -> int:
    from gui.main_window import MainWindow
    from gui.training.settings import MAX_GUI_EPOCHS

    app = QApplication.instance() or QApplication(["bench"])
    window = MainWindow(persist=False)
    window.ask_discard = lambda: "discard"
    window.open_example("circle")
    window.resize(1280, 800)
    window.show()
    window.tabs.setCurrentWidget(window.training_tab)
    app.processEvents()
    training = window.training
    training.request(dataclasses.replace(training.settings, batch_size=250), "full batch")
    training.start()
    started = time.perf_counter()
    run_until(lambda: training.epoch >= FIRST, 120)
    early = rss_mb()
    run_until(lambda: not training.running, 600)
    end = rss_mb()
    epochs = training.trainer.epoch
    window.close()
    growth = end - early
    rows = len(training.store)
    print(f"{epochs:,} epochs in {time.perf_counter() - started:.0f} s; history rows kept: "
          f"{rows:,} (full resolution from epoch {training.store.thinned_before:,})")
    print(f"resident memory after {FIRST:,} epochs {early:.0f} MB, at the end {end:.0f} MB")
    ok = growth <= MAX_GROWTH_MB and epochs == MAX_GUI_EPOCHS
    print(f"growth {growth:+.1f} MB (need ≤ {MAX_GROWTH_MB:g} MB over {MAX_GUI_EPOCHS:,} "
          f"epochs): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
