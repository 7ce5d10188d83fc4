"""Training throughput of the core Trainer against a minimal NumPy loop and PyTorch.

The network is 2-8-8-1, tanh hidden layers, a sigmoid output with binary cross-entropy, trained
by plain SGD in minibatches of 10 on 250 training samples of the circle data set (500 in all).
The three contenders start from the same weights and visit the same minibatches, so their final
weights must agree too; they are timed in turn, several rounds interleaved, and the median of
each is reported. PyTorch runs in float64 on one thread, like NumPy here.

Requirements: core ≥ 5 × PyTorch's steps/s and ≥ 0.70 × the minimal loop's. Exit status 1 when
one fails. Run: ``python benchmarks/bench_core.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.network import OptimizerConfig, build_network  # noqa: E402
from core.training import TrainConfig, Trainer  # noqa: E402

SIZES = [2, 8, 8, 1]
BATCH = 10
LEARNING_RATE = 0.1
EPOCHS = 60  # per timed run: 1,500 steps
ROUNDS = 9  # at most; fewer (but at least MIN_ROUNDS) when the machine is slow
MIN_ROUNDS = 3
TIME_BUDGET = 30.0  # seconds of timed rounds, so that the whole run stays under a minute
SEED = 0
MIN_VS_TORCH = 5.0
MIN_VS_MINIMAL = 0.70
SAME_WEIGHTS = 1e-6


def circle_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """500 samples of the circle set, half for training (core.datasets when available)."""
    try:
        from core.datasets import generate

        train, test = generate("circle", samples=500, noise=0.1, seed=SEED).split(0.5, seed=SEED)
        return train.X, train.Y, test.X, test.Y
    except (ImportError, AttributeError, TypeError, ValueError):
        rng = np.random.default_rng(SEED)
        radius = np.concatenate([rng.uniform(0, 2.5, 250), rng.uniform(3.5, 5.5, 250)])
        angle = rng.uniform(0, 2 * np.pi, 500)
        X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
        Y = (radius < 3.0).astype(float)[:, None]
        order = rng.permutation(500)
        X, Y = X[order], Y[order]
        return X[:250], Y[:250], X[250:], Y[250:]


def initial_network():
    return build_network(
        SIZES, ["tanh", "tanh", "sigmoid"], "binary_cross_entropy", init="xavier", seed=SEED,
        optimizer=OptimizerConfig("sgd", LEARNING_RATE),
    )  # fmt: skip


def run_core(X, Y, Xt, Yt, epochs):
    """The Trainer as the app uses it, recording the full history every epoch."""
    net = initial_network()
    trainer = Trainer(net, X, Y, Xt, Yt, TrainConfig(epochs=epochs, batch_size=BATCH, seed=SEED))
    start = time.perf_counter()
    trainer.train(epochs)
    elapsed = time.perf_counter() - start
    return elapsed, [p.copy() for p in net.parameters()]


def run_minimal(X, Y, Xt, Yt, epochs):
    """The same training written out by hand for this one network: no history, no checks."""
    (W1, b1), (W2, b2), (W3, b3) = [(la.W.copy(), la.b.copy()) for la in initial_network().layers]
    rng = np.random.default_rng(SEED)
    n, lr = len(X), LEARNING_RATE
    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(n)
        Xs, Ys = X[order], Y[order]
        for s in range(0, n, BATCH):
            x, y = Xs[s : s + BATCH], Ys[s : s + BATCH]
            u1 = np.tanh(x @ W1.T + b1)
            u2 = np.tanh(u1 @ W2.T + b2)
            u3 = 0.5 + 0.5 * np.tanh(0.5 * (u2 @ W3.T + b3))
            d3 = (u3 - y) / len(x)
            d2 = (d3 @ W3) * (1.0 - u2 * u2)
            d1 = (d2 @ W2) * (1.0 - u1 * u1)
            W3 -= lr * (d3.T @ u2)
            b3 -= lr * d3.sum(axis=0)
            W2 -= lr * (d2.T @ u1)
            b2 -= lr * d2.sum(axis=0)
            W1 -= lr * (d1.T @ x)
            b1 -= lr * d1.sum(axis=0)
    elapsed = time.perf_counter() - start
    return elapsed, [W1, b1, W2, b2, W3, b3]


def make_torch_runner():
    """A function timing the same training in PyTorch, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def run_torch(X, Y, Xt, Yt, epochs):
        layers = initial_network().layers
        model = torch.nn.Sequential(
            torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
            torch.nn.Linear(8, 1),
        ).double()  # fmt: skip
        with torch.no_grad():
            for linear, layer in zip(model[::2], layers):
                linear.weight.copy_(torch.from_numpy(layer.W))
                linear.bias.copy_(torch.from_numpy(layer.b))
        loss_fn = torch.nn.BCEWithLogitsLoss()  # mean over the batch of −y z + ln(1 + e^z)
        opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        Xtorch, Ytorch = torch.from_numpy(X), torch.from_numpy(Y)
        rng = np.random.default_rng(SEED)
        n = len(X)
        start = time.perf_counter()
        for _ in range(epochs):
            order = torch.from_numpy(rng.permutation(n))
            Xs, Ys = Xtorch[order], Ytorch[order]
            for s in range(0, n, BATCH):
                opt.zero_grad()
                loss = loss_fn(model(Xs[s : s + BATCH]), Ys[s : s + BATCH])
                loss.backward()
                opt.step()
        elapsed = time.perf_counter() - start
        params = [p.detach().numpy().copy() for p in model.parameters()]
        return elapsed, params

    return run_torch


def main() -> int:
    X, Y, Xt, Yt = circle_data()
    steps = EPOCHS * -(-len(X) // BATCH)
    runners = {"core": run_core, "minimal": run_minimal}
    run_torch = make_torch_runner()
    if run_torch is not None:
        runners["pytorch"] = run_torch
    rates: dict[str, list[float]] = {name: [] for name in runners}
    finals = {}
    for run in runners.values():  # warm-up: imports, caches, first allocations
        run(X, Y, Xt, Yt, 5)
    began = time.perf_counter()
    rounds = 0
    while rounds < ROUNDS and (rounds < MIN_ROUNDS or time.perf_counter() - began < TIME_BUDGET):
        for name, run in runners.items():
            elapsed, finals[name] = run(X, Y, Xt, Yt, EPOCHS)
            rates[name].append(steps / elapsed)
        rounds += 1
    median = {name: statistics.median(r) for name, r in rates.items()}

    print(
        f"network {'-'.join(map(str, SIZES))} tanh/sigmoid + BCE, SGD, batch {BATCH}, "
        f"{len(X)} training samples, {EPOCHS} epochs = {steps} steps per run, "
        f"median of {rounds} interleaved rounds"
    )
    for name, label in (("core", "core Trainer"), ("minimal", "minimal NumPy loop")):
        print(f"{label:20s} {median[name]:10,.0f} steps/s")
    if run_torch is None:
        print("PyTorch: not installed")
    else:
        print(f"{'PyTorch (float64)':20s} {median['pytorch']:10,.0f} steps/s")
    ok = True
    for name in finals:
        if name != "core":  # the same computation, so the same weights up to rounding
            diff = max(float(np.max(np.abs(a - b))) for a, b in zip(finals["core"], finals[name]))
            same = diff <= SAME_WEIGHTS
            ok &= same
            verdict = "ok" if same else f"FAIL (must be ≤ {SAME_WEIGHTS:g})"
            print(f"max |w_core − w_{name}| after training: {diff:.1e} {verdict}")
    needs = [("minimal", MIN_VS_MINIMAL)]
    if run_torch is not None:
        needs.append(("pytorch", MIN_VS_TORCH))
    for name, need in needs:
        ratio = median["core"] / median[name]
        passed = ratio >= need
        ok &= passed
        print(f"core/{name} = {ratio:.2f} (need ≥ {need:.2f}): {'PASS' if passed else 'FAIL'}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
