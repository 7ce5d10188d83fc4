"""Step-to-repainted latency of the stepping window's network view.

One sample of latency is: one step of the controller + processEvents + grab of the view, all
offscreen. Budgets: median at most 5 ms for Mazur's 2-2-2 network and at most 16 ms for a
network of six layers of 16 units (about 1,300 edges) and for a 3-5-4-2 network drawn with
weight tables.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.examples import example_path  # noqa: E402
from core.netfile import LoadedNetwork, load_network  # noqa: E402
from core.network import build_network  # noqa: E402
from gui.stepper.controller import StepController  # noqa: E402
from gui.stepper.network_view import NetworkView  # noqa: E402
from gui.theme import NORMAL  # noqa: E402

STEPS = 300


def big_network():
    sizes = [2, 16, 16, 16, 16, 16, 16, 1]
    net = build_network(sizes, ["tanh"] * 6 + ["sigmoid"], "binary_cross_entropy", seed=1)
    net.sample_x, net.sample_y = np.array([0.5, -0.5]), np.array([1.0])
    return LoadedNetwork(net)


def tables_network():
    """3-5-4-2: too dense for edge labels, its weights are drawn as tables."""
    net = build_network([3, 5, 4, 2], ["tanh", "tanh", "sigmoid"], "half_squared", seed=3)
    assert net.sizes == [3, 5, 4, 2]
    net.sample_x, net.sample_y = np.array([0.3, 0.6, 0.9]), np.array([0.5, 0.5])
    return LoadedNetwork(net)


def latencies(app, loaded, steps: int) -> tuple[list[float], bool]:
    """The step-to-repainted times, and whether the view drew weight tables."""
    controller = StepController()
    view = NetworkView(controller, NORMAL)
    view.resize(1000, 700)
    view.show()
    controller.set_loaded(loaded)
    app.processEvents()
    out = []
    for _ in range(steps):
        start = time.perf_counter()
        controller.step()
        app.processEvents()
        view.grab()
        out.append(time.perf_counter() - start)
    view.close()
    return out, view.tables is not None


def main() -> int:
    app = QApplication.instance() or QApplication([])
    cases = [("Mazur 2-2-2", lambda: load_network(example_path("mazur")), 5.0),
             ("6 x 16 (1,328 edges)", big_network, 16.0),
             ("3-5-4-2 weight tables", tables_network, 16.0)]
    ok = True
    for name, make, budget in cases:
        samples, tables = latencies(app, make(), STEPS)
        median = statistics.median(samples) * 1000
        p90 = sorted(samples)[int(0.9 * len(samples))] * 1000
        passed = median <= budget and (tables or "tables" not in name)  # measured what it says
        ok &= passed
        print(f"{name:22s} step→repainted median {median:6.2f} ms  p90 {p90:6.2f} ms  "
              f"budget {budget:4.1f} ms  {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
