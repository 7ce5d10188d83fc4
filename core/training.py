"""Training on a data set: minibatch gradient descent, vectorised over the batch, epoch by epoch.

The loss of a minibatch is the mean over its samples, plus λ/2 Σ w² over every weight (never the
biases) when L2 regularisation is on, so ∂L/∂W gains λ W. A :class:`Trainer` runs one epoch at a
time (the GUI's worker thread calls :meth:`Trainer.run_epoch`; headless code calls
:meth:`Trainer.train`) and records one :class:`EpochRecord` per epoch in a :class:`History`.

Speed: during an epoch the parameters live in one flat array (every W, then every b) that the
network's arrays are copied into at the start and back out of at the end, so one optimizer call
updates all of them; the optimizer's per-parameter state is copied the same way. The inner step
computes exactly what :meth:`core.network.Network.gradients` does, with the same NumPy operations.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.activations import ACTIVATIONS, Activation
from core.history import COLUMNS, History  # noqa: F401 (History is part of this module's API)
from core.network import Network
from core.optimizers import STATE_NAMES, Optimizer, make_optimizer

Array = np.ndarray

SATURATION_THRESHOLD = 0.1  # a unit is saturated when g′(z) < 10% of its activation's max_slope


MAX_EPOCHS = 100_000  # beyond this a run takes hours and its history fills memory

_NOISE_STREAM = 0x6E6F6973  # ("nois"): the gradient noise generator's seed is (seed, this)


@dataclass
class TrainConfig:
    """Settings of a training run.

    Attributes
    ----------
    epochs : passes over the training set that :meth:`Trainer.train` makes by default.
    batch_size : samples per gradient step; a batch larger than the training set is the full set.
    l2 : λ of the L2 penalty λ/2 Σ w² on the weights (biases are never penalised).
    seed : seed of the generator that shuffles the samples each epoch.
    shuffle : visit the samples in a new random order every epoch (else always in order).
    grad_noise : σ of Gaussian noise added to the gradient of every minibatch step: each trained
        parameter's ∂L/∂w gets its own independent N(0, σ²) draw before the optimizer uses it
        (the "added noise" way out of a local minimum). The draws come from their own generator,
        seeded from ``seed``, so a run is reproducible and the shuffle order is the same as
        without noise; 0 (the default) adds nothing and leaves training exactly as it was.
        The gradients recorded after each epoch (``grad_norm``) are the exact ones, noise-free.
    """

    epochs: int = 100
    batch_size: int = 10
    l2: float = 0.0
    seed: int | None = 0
    shuffle: bool = True
    grad_noise: float = 0.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError naming the first bad setting."""
        if not _is_int(self.batch_size) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a whole number ≥ 1, not {self.batch_size!r}")
        if not _is_int(self.epochs) or not 0 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be a whole number from 0 to {MAX_EPOCHS}, "
                             f"not {self.epochs!r}")
        if (
            isinstance(self.l2, bool)
            or not isinstance(self.l2, numbers.Real)
            or not math.isfinite(self.l2)
            or self.l2 < 0
        ):
            raise ValueError(f"l2 must be a finite number ≥ 0, not {self.l2!r}")
        if (
            isinstance(self.grad_noise, bool)
            or not isinstance(self.grad_noise, numbers.Real)
            or not math.isfinite(self.grad_noise)
            or self.grad_noise < 0
        ):
            raise ValueError(f"grad_noise must be a finite number ≥ 0, not {self.grad_noise!r}")
        if self.seed is not None and not _is_int(self.seed):
            raise ValueError(f"seed must be a whole number or None, not {self.seed!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch left behind, measured on the weights at its end.

    Attributes
    ----------
    epoch : 1 for the first epoch (0 for the untrained network, see :meth:`Trainer.evaluate`).
    train_loss, test_loss : mean loss over the set plus the L2 penalty; NaN for an empty set.
    train_accuracy, test_accuracy : fraction classified correctly; None for regression,
        NaN for an empty set.
    grad_norm : Frobenius norm of ∂L/∂W of each layer 1..L, over the whole training set.
    saturation : for each hidden layer 1..L−1, the fraction of (sample, unit) pairs of the
        training set whose g′(z) is below 10% of the activation's largest slope.
    """

    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float | None
    test_accuracy: float | None
    grad_norm: tuple[float, ...]
    saturation: tuple[float, ...]


# g′ from u = g(z) where that is exactly what the activation's own slope computes (tanh′ is
# 1 − tanh², σ′ is σ(1 − σ), relu′ is [z > 0] = [u > 0]); saves recomputing g(z) every step.
_SLOPE_FROM_U: dict[str, Callable[[Array], Array]] = {
    "tanh": lambda u: 1.0 - u * u,
    "sigmoid": lambda u: u * (1.0 - u),
    "relu": lambda u: u > 0,
}


def _hidden_slope(activation: Activation) -> Callable[[Array, Array], Array] | None:
    """g′ of a hidden layer as a function of (z, u); None when it is 1 everywhere (linear)."""
    if ACTIVATIONS.get(activation.name) is activation:  # a registered one, not a look-alike
        if activation.name == "linear":
            return None
        from_u = _SLOPE_FROM_U.get(activation.name)
        if from_u is not None:
            return lambda z, u: from_u(u)
    slope = activation.slope
    return lambda z, u: slope(z)


def _accuracy(U: Array, Y: Array) -> float:
    """Fraction classified correctly: one output is thresholded at 0.5, several by argmax."""
    if len(U) == 0:
        return math.nan
    if U.shape[1] == 1:
        return float(np.count_nonzero((U[:, 0] > 0.5) == (Y[:, 0] > 0.5)) / len(U))
    return float(np.count_nonzero(U.argmax(axis=1) == Y.argmax(axis=1)) / len(U))


def target_problem(loss: str, Y: Array, what: str = "training") -> str:
    """Why targets ``Y`` do not fit the loss called ``loss`` ("" when they do): binary
    cross-entropy needs targets from 0 to 1, softmax cross-entropy rows of a distribution."""
    Y = np.asarray(Y, dtype=float)
    if not Y.size:
        return ""
    if loss == "binary_cross_entropy":
        bad = np.unique(Y[(Y < 0) | (Y > 1)])
        if bad.size:
            values = [bad[-1], bad[0]] if bad.size > 1 else [bad[0]]
            shown = " and ".join(f"{v:g}".replace("-", "−") for v in values)
            return (f"binary cross-entropy needs targets from 0 to 1, but the {what} targets "
                    f"include {shown}: for class labels 0, 1, 2, … use a softmax output, for "
                    "other numbers a linear output with squared error")
    if loss == "softmax_cross_entropy":
        if (Y < 0).any() or not np.allclose(Y.sum(axis=1), 1.0):
            return (f"softmax cross-entropy needs one-hot targets (one column per class, "
                    f"a single 1 in each row), but the {what} targets are not")
    return ""


def _as_data(X: Array | None, Y: Array | None, network: Network, what: str) -> tuple[Array, Array]:
    """Inputs and targets as fresh 2-D float64 arrays, checked against the network's sizes."""
    if X is None:
        X = np.zeros((0, network.inputs))
        Y = np.zeros((0, network.outputs)) if Y is None else Y
    X = np.array(X, dtype=np.float64)
    Y = np.array(Y, dtype=np.float64)
    if Y.ndim == 1 and network.outputs == 1:
        Y = Y[:, None]
    if X.ndim != 2 or X.shape[1] != network.inputs:
        raise ValueError(f"{what} inputs: expected (samples, {network.inputs}), got {X.shape}")
    if Y.ndim != 2 or Y.shape[1] != network.outputs:
        raise ValueError(f"{what} targets: expected (samples, {network.outputs}), got {Y.shape}")
    if len(X) != len(Y):
        raise ValueError(f"{what} set: {len(X)} inputs but {len(Y)} targets")
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):
        raise ValueError(f"{what} set: the data contain NaN or infinite values")
    return X, Y


class Trainer:
    """Trains ``network`` in place on (X, Y), one epoch at a time, and keeps its history.

    Parameters
    ----------
    network : trained in place; its ``train_biases`` flag is respected (frozen biases never
        change). Its weights may be edited between epochs, not during one.
    X, Y : the training set, (samples, inputs) and (samples, outputs); must not be empty.
    X_test, Y_test : the test set, measured after every epoch; None or zero rows for none.
    config : epochs, batch size, L2 strength and shuffle seed.
    optimizer : the update rule with its state; by default made from ``network.optimizer``.
        Its learning rate may be changed between epochs.
    classification : whether to report accuracy; by default true when the output is sigmoid
        or softmax and every target is 0 or 1.

    Attributes
    ----------
    epoch : epochs completed.
    history : one entry per completed epoch.
    status : "ok", or "diverged" once the loss or a weight became NaN or infinite.
    diverged_epoch : the epoch at which training diverged, else None.
    message : a sentence for the user when training diverged, else "".
    """

    def __init__(
        self,
        network: Network,
        X: Array,
        Y: Array,
        X_test: Array | None = None,
        Y_test: Array | None = None,
        config: TrainConfig | None = None,
        optimizer: Optimizer | None = None,
        classification: bool | None = None,
    ) -> None:
        self.network = network
        self.config = config or TrainConfig()
        self.config.validate()
        self.X, self.Y = _as_data(X, Y, network, "training")
        if len(self.X) == 0:
            raise ValueError("training set: there are no samples to train on")
        self.X_test, self.Y_test = _as_data(X_test, Y_test, network, "test")
        for Y_set, what in ((self.Y, "training"), (self.Y_test, "test")):
            problem = target_problem(network.loss.name, Y_set, what)
            if problem:
                raise ValueError(problem)
        self.optimizer = optimizer or make_optimizer(network.optimizer)
        if classification is None:
            targets = np.concatenate([self.Y.ravel(), self.Y_test.ravel()])
            classification = network.layers[-1].activation.name in ("sigmoid", "softmax") and bool(
                np.isin(targets, (0.0, 1.0)).all()
            )
        self.classification = bool(classification)
        self.rng = np.random.default_rng(self.config.seed)
        # The gradient noise's own stream (see TrainConfig.grad_noise): the shuffle is unchanged.
        noise_seed = None if self.config.seed is None else [self.config.seed, _NOISE_STREAM]
        self.noise_rng = np.random.default_rng(noise_seed)
        self.epoch = 0
        self.history = History(len(network.layers), self.classification)
        self.status = "ok"
        self.diverged_epoch: int | None = None
        self.diverged_rate: float | None = None  # the learning rate when it diverged
        self.message = ""
        # Something with record(epoch, parameters), e.g. a core.timeline.Timeline, that keeps
        # the weights after every epoch; None keeps nothing.
        self.timeline = None
        self._shapes = [p.shape for p in network.parameters()]
        self._key: tuple | None = None
        self._compile()

    # -- public ---------------------------------------------------------------------------

    def reseed(self, seed: int | None, shuffle: bool = True) -> None:
        """Order the minibatches (and draw the gradient noise) from ``seed``, as a fresh Trainer
        with that seed would; only before the first epoch, so a run stays one run."""
        if self.epoch != 0:
            raise ValueError("the seed of a run can only change before its first epoch")
        self.config.seed, self.config.shuffle = seed, shuffle
        self.rng = np.random.default_rng(seed)
        self.noise_rng = np.random.default_rng(None if seed is None else [seed, _NOISE_STREAM])

    def run_epoch(self) -> EpochRecord | None:
        """One pass over the shuffled minibatches; None (and nothing done) once diverged."""
        if self.status == "diverged":
            return None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            self._load()
            X, Y = self.X, self.Y
            if self.config.shuffle:
                order = self.rng.permutation(len(X))
                X, Y = X[order], Y[order]
            backprop, step = self._backprop, self._opt.step
            params, grads = self._opt_params, self._opt_grads
            size = self.config.batch_size
            sigma = float(self.config.grad_noise)
            noisy, normal = grads[0], self.noise_rng.standard_normal
            for start in range(0, len(X), size):
                backprop(X[start : start + size], Y[start : start + size])
                if sigma:
                    noisy += sigma * normal(noisy.shape)
                step(params, grads)
            self._store()
            self.epoch += 1
            if self.timeline is not None:
                self.timeline.record(self.epoch, self.network.parameters())
            record = self._record()
        self.history.append(record)
        if not (math.isfinite(record.train_loss) and np.isfinite(self._flat).all()):
            self._diverge(record.train_loss)
        return record

    def train(
        self, epochs: int | None = None, callback: Callable[[EpochRecord], object] | None = None
    ) -> History:
        """Run ``epochs`` more epochs (default ``config.epochs``), fewer if training diverges.

        ``callback(record)`` is called after every epoch; returning False stops early.
        """
        if epochs is None:
            epochs = self.config.epochs
        elif not _is_int(epochs) or not 0 <= epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be a whole number from 0 to {MAX_EPOCHS}, "
                             f"not {epochs!r}")
        for _ in range(epochs):
            record = self.run_epoch()
            if record is None:
                break
            if callback is not None and callback(record) is False:
                break
        return self.history

    def evaluate(self) -> EpochRecord:
        """The record of the network's current weights (epoch = epochs so far), not stored."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            self._load()
            return self._record()

    def gradients(self, X: Array, Y: Array) -> tuple[list[Array], list[Array]]:
        """∂L/∂W and ∂L/∂b of the mean loss over (X, Y) plus the L2 penalty, computed by the
        same code as a training step (bias gradients are zero when biases are frozen)."""
        X, Y = _as_data(X, Y, self.network, "gradient")
        self._load()
        self._grad[:] = 0.0
        self._backprop(X, Y)
        views = [v.copy() for v in self._grad_views]
        return views[0::2], views[1::2]

    # -- the flat parameter vector --------------------------------------------------------

    def _views(self, flat: Array) -> list[Array]:
        """Views of ``flat`` shaped like ``network.parameters()``: every W first, then every b."""
        weights, biases, offset = [], [], 0
        for shape in self._shapes[0::2]:
            size = shape[0] * shape[1]
            weights.append(flat[offset : offset + size].reshape(shape))
            offset += size
        for (size,) in self._shapes[1::2]:
            biases.append(flat[offset : offset + size])
            offset += size
        out: list[Array] = []
        for w, b in zip(weights, biases):
            out += [w, b]
        return out

    def _compile(self) -> None:
        """Build the flat buffers and the step function for the network as it is now."""
        net = self.network
        layers = net.layers
        n_layers = len(layers)
        size = sum(int(np.prod(s)) for s in self._shapes)
        n_weights = sum(s[0] * s[1] for s in self._shapes[0::2])
        self._flat = np.zeros(size)
        self._grad = np.zeros(size)
        self._n_weights = n_weights
        params, grads = self._views(self._flat), self._views(self._grad)
        self._param_views, self._grad_views = params, grads
        trained = size if net.train_biases else n_weights
        self._opt_params, self._opt_grads = [self._flat[:trained]], [self._grad[:trained]]
        self._opt = Optimizer(self.optimizer.name, self.optimizer.learning_rate)
        self._state = {k: np.zeros(size) for k in STATE_NAMES[self.optimizer.name]}
        self._state_views = {k: self._views(buf) for k, buf in self._state.items()}
        self._opt.state = [{k: buf[:trained] for k, buf in self._state.items()}]

        l2 = float(self.config.l2)
        train_biases = net.train_biases
        all_w, all_gw = self._flat[:n_weights], self._grad[:n_weights]
        trained_grad = self._grad[:trained]
        zs: list[Array | None] = [None] * (n_layers + 1)
        us: list[Array | None] = [None] * (n_layers + 1)
        forward = [
            (k, params[2 * k - 2].T, params[2 * k - 1], layers[k - 1].activation.value)
            for k in range(1, n_layers + 1)
        ]
        # Layers L..2: their gradients, then δ of the layer below; layer 1 only its gradients.
        backward = [
            (k - 1, params[2 * k - 2], grads[2 * k - 2], grads[2 * k - 1],
             _hidden_slope(layers[k - 2].activation))
            for k in range(n_layers, 1, -1)
        ]  # fmt: skip
        g_w1, g_b1 = grads[0], grads[1]
        delta_out = net.loss.delta
        out_activation = layers[-1].activation
        dot, reduce, divide, add = np.dot, np.add.reduce, np.divide, np.add

        def backprop(x: Array, y: Array) -> None:
            """∂L/∂W and ∂L/∂b of the mean loss over the rows of x into the flat gradient."""
            u = us[0] = x
            for k, wt, b, g in forward:
                z = dot(u, wt)
                z += b
                u = g(z)
                zs[k] = z
                us[k] = u
            d = delta_out(y, u, z, out_activation)
            for below, w, g_w, g_b, slope in backward:
                u = us[below]
                dot(d.T, u, out=g_w)
                if train_biases:
                    reduce(d, 0, out=g_b)
                d = dot(d, w)
                if slope is not None:
                    d *= slope(zs[below], u)
            dot(d.T, x, out=g_w1)
            if train_biases:
                reduce(d, 0, out=g_b1)
            divide(trained_grad, len(x), out=trained_grad)
            if l2:
                add(all_gw, l2 * all_w, out=all_gw)

        def forward_only(x: Array) -> tuple[Array, Array]:
            u = us[0] = x
            for k, wt, b, g in forward:
                z = dot(u, wt)
                z += b
                u = g(z)
                zs[k] = z
                us[k] = u
            return z, u

        self._backprop = backprop
        self._forward = forward_only
        self._zs, self._us = zs, us
        self._key = self._network_key()

    def _network_key(self) -> tuple:
        net = self.network
        return (
            tuple(la.activation for la in net.layers),
            net.loss,
            net.train_biases,
            self.optimizer.name,
            self.config.l2,
        )

    def _load(self) -> None:
        """Copy the network's parameters and the optimizer's state into the flat buffers."""
        params = self.network.parameters()
        if [p.shape for p in params] != self._shapes:
            raise ValueError(
                "the network's layer sizes changed since training started; start a new Trainer"
            )
        if self._network_key() != self._key:
            self._compile()  # an activation, the loss, the optimizer or λ changed
        for view, p in zip(self._param_views, params):
            np.copyto(view, p)
        opt, flat = self.optimizer, self._opt
        flat.learning_rate, flat.params, flat.t = opt.learning_rate, opt.params, opt.t
        if self._state:
            if len(opt.state) != len(params) or any(k not in opt.state[0] for k in self._state):
                t = opt.t
                opt.reset(self._shapes)
                opt.t = t
            for name, views in self._state_views.items():
                for view, st in zip(views, opt.state):
                    np.copyto(view, st[name])

    def _store(self) -> None:
        """Copy the flat buffers back into the network's arrays and the optimizer's state."""
        for p, view in zip(self.network.parameters(), self._param_views):
            np.copyto(p, view)
        opt = self.optimizer
        opt.t = self._opt.t
        for name, views in self._state_views.items():
            for view, st in zip(views, opt.state):
                np.copyto(st[name], view)

    # -- measuring ------------------------------------------------------------------------

    def _record(self) -> EpochRecord:
        """Loss, accuracy, gradient norms and saturation of the weights in the flat buffer."""
        net = self.network
        X, Y = self.X, self.Y
        self._backprop(X, Y)  # full-set gradient; also leaves z and u of every layer
        zs, us = self._zs, self._us
        n_layers = len(net.layers)
        l2 = self.config.l2
        all_w = self._flat[: self._n_weights]
        penalty = 0.5 * l2 * float(np.dot(all_w, all_w)) if l2 else 0.0
        train_loss = float(np.mean(net.loss.value(Y, us[-1], zs[-1]))) + penalty
        train_acc = _accuracy(us[-1], Y) if self.classification else None
        saturation = []
        for k in range(1, n_layers):
            activation = net.layers[k - 1].activation
            low = activation.slope(zs[k]) < SATURATION_THRESHOLD * activation.max_slope
            saturation.append(float(np.count_nonzero(low) / low.size))
        grad_norm = tuple(
            math.sqrt(float(np.dot(g.ravel(), g.ravel()))) for g in self._grad_views[0::2]
        )
        if len(self.X_test):
            z, u = self._forward(self.X_test)
            test_loss = float(np.mean(net.loss.value(self.Y_test, u, z))) + penalty
            test_acc = _accuracy(u, self.Y_test) if self.classification else None
        else:
            test_loss = math.nan
            test_acc = math.nan if self.classification else None
        return EpochRecord(
            self.epoch, train_loss, test_loss, train_acc, test_acc, grad_norm, tuple(saturation)
        )

    def _diverge(self, loss: float) -> None:
        self.status = "diverged"
        self.diverged_epoch = self.epoch
        self.diverged_rate = self.optimizer.learning_rate
        what = "a weight became NaN or infinite"
        if not math.isfinite(loss):
            what = f"the loss became {loss}"
        self.message = (
            f"training diverged at epoch {self.epoch}: {what}. "
            f"Try a lower learning rate (now {self.optimizer.learning_rate:g})."
        )
