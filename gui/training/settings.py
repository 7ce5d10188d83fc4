"""The training dashboard's settings as plain, comparable values, and what follows from them:
the data set, a network built for it, and the blocks a network file keeps. No Qt here.

:class:`TrainSettings` is frozen, so an undo command can hold the settings before and after a
change and the controller can compare two of them field by field to decide what to rebuild.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from core.datasets import DATASETS, MULTICLASS, REGRESSION, Dataset, for_outputs, generate, load_csv
from core.netfile import LoadedNetwork
from core.network import Network, OptimizerConfig, build_network
from core.optimizers import DEFAULTS as OPTIMIZER_DEFAULTS
from core.optimizers import check_config
from core.project import dataset_settings, training_settings
from core.training import target_problem

CSV = "csv"  # the data set name that stands for "read from data.csv_path"
DATA_LABELS = {
    "circle": "circle",
    "xor": "xor",
    "gauss": "gauss",
    "spiral": "spiral",
    "linear": "linear",
    "plane": "regression plane",
    "multi_gauss": "multi_gauss (regression)",
    "blobs3": "3-class blobs",
    "spiral3": "3-arm spiral",
    CSV: "CSV file…",
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
# Output layer and loss, by the problem they suit; the first of each task is its default.
OUTPUTS = {
    "sigmoid_bce": ("sigmoid", "binary_cross_entropy", "sigmoid · cross-entropy"),
    "sigmoid_mse": ("sigmoid", "half_squared", "sigmoid · squared error"),
    "linear_mse": ("linear", "half_squared", "linear · squared error"),
    "tanh_mse": ("tanh", "half_squared", "tanh · squared error"),
    "softmax_ce": ("softmax", "softmax_cross_entropy", "softmax · cross-entropy"),
}
# The outputs offered for each kind of data (see kind_of); the first of each is its default.
# Class labels 0 … K−1 may also be fitted as numbers (linear · squared error).
TASK_OUTPUTS = {
    "classification": ("sigmoid_bce", "sigmoid_mse", "softmax_ce"),
    "multiclass": ("softmax_ce", "linear_mse"),
    "regression": ("linear_mse", "tanh_mse"),
}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}
MIN_LEARNING_RATE = 1e-5
LEARNING_RATES = (1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LEARNING_RATE = 10.0
MAX_HIDDEN_LAYERS = 8
MAX_UNITS = 32
MAX_SAMPLES = 10_000  # the dock's limit: an epoch stays short enough to pause at once
MAX_L2 = 10.0
MAX_GRAD_NOISE = 10.0  # σ of the gradient noise: larger only ever drowns the gradient
GRID = 60  # the decision boundary is sampled on GRID × GRID points
MAX_GUI_EPOCHS = 100_000  # a run in the window stops here (core.training.MAX_EPOCHS)


@dataclass(frozen=True)
class DataSettings:
    """Which data set to train on: a generated one (see core.datasets) or a CSV file."""

    name: str = "circle"
    noise: float = 0.0
    samples: int = 500
    train_fraction: float = 0.5
    seed: int = 0
    csv_path: str = ""


@dataclass(frozen=True)
class TrainSettings:
    """Everything the training dock sets.

    Attributes
    ----------
    hidden : (units, activation name) of each hidden layer, first hidden layer first.
    output : a key of :data:`OUTPUTS` (output activation and loss).
    optimizer, params, learning_rate : the update rule; ``params`` as sorted (name, value) pairs.
    batch_size, l2 : samples per step; λ of the L2 penalty.
    grad_noise : σ of the Gaussian noise added to every step's gradient (0: none).
    init, init_scale, seed : how new weights are drawn; the seed also orders the minibatches.
    lesson_order : (seed, shuffle) of a lesson's minibatch order, which then orders every new
        run of the lesson's network (Reset, Redo, a new seed too) in place of ``seed``.
    """

    data: DataSettings = field(default_factory=DataSettings)
    hidden: tuple[tuple[int, str], ...] = ((4, "tanh"),)
    output: str = "sigmoid_bce"
    optimizer: str = "sgd"
    params: tuple[tuple[str, float], ...] = ()
    learning_rate: float = 0.1
    batch_size: int = 10
    l2: float = 0.0
    grad_noise: float = 0.0
    init: str = "xavier"
    init_scale: float = 0.5
    seed: int = 0
    epochs: int = 200  # kept for the file's training block; Train runs until paused
    lesson_order: tuple[int | None, bool] | None = None

    def order(self) -> dict:
        """The seed and shuffle of a new run's TrainConfig."""
        if self.lesson_order is None:
            return {"seed": self.seed}
        return {"seed": self.lesson_order[0], "shuffle": self.lesson_order[1]}

    def network_key(self) -> tuple:
        """The fields that need a freshly built network when they change."""
        return (self.hidden, self.output, self.init, self.init_scale, self.seed)

    def optimizer_params(self) -> dict[str, float]:
        return check_config(self.optimizer, self.learning_rate, dict(self.params))


def task_of(name: str) -> str:
    """The kind of data a generated set is (see :func:`kind_of`)."""
    if name in MULTICLASS:
        return "multiclass"
    return "regression" if name in REGRESSION else "classification"


def kind_of(data: Dataset) -> str:
    """"classification" (two classes, 0/1), "multiclass" (labels 0 … K−1, K ≥ 3) or
    "regression": which outputs fit these data (:data:`TASK_OUTPUTS`)."""
    if data.task != "classification":
        return "regression"
    return "multiclass" if data.classes > 2 else "classification"


def default_output(task: str) -> str:
    return TASK_OUTPUTS[task][0]


def parse_learning_rate(text: str) -> float:
    """The learning rate typed as ``text``; ValueError with a sentence for the user otherwise."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ValueError(f"learning rate: {text!r} is not a number (try 0.1 or 1e-3)") from None
    if not math.isfinite(value):
        raise ValueError(f"learning rate: {text!r} is not a finite number")
    if value <= 0:
        raise ValueError(f"learning rate must be positive, not {value:g}")
    if value > MAX_LEARNING_RATE:
        raise ValueError(f"learning rate {value:g} is too large (at most {MAX_LEARNING_RATE:g})")
    if value < MIN_LEARNING_RATE:
        raise ValueError(f"learning rate {value:g} is too small (at least {MIN_LEARNING_RATE:g})")
    return value


def parse_l2(text: str) -> float:
    """λ typed as ``text``: a finite number from 0 to :data:`MAX_L2`."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ValueError(f"L2: {text!r} is not a number (try 0 or 1e-4)") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_L2:
        raise ValueError(f"L2 must be between 0 and {MAX_L2:g}, not {text.strip()}")
    return value


def parse_grad_noise(text: str) -> float:
    """σ of the gradient noise typed as ``text``: a finite number from 0 to
    :data:`MAX_GRAD_NOISE`."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ValueError(f"gradient noise: {text!r} is not a number (try 0 or 0.1)") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_GRAD_NOISE:
        raise ValueError(f"gradient noise σ must be between 0 and {MAX_GRAD_NOISE:g}, "
                         f"not {str(text).strip()}")  # fmt: skip
    return value


def settings_from_loaded(loaded: LoadedNetwork | None) -> TrainSettings:
    """The settings a network file implies: its data set (circle by default), its layers,
    its optimizer and its training block."""
    if loaded is None:
        return TrainSettings()
    spec = dataset_settings(loaded)
    net = loaded.network
    # A file without a data set: circle, or the 3-class blobs for a 3-unit softmax network.
    softmax3 = net.loss.name == "softmax_cross_entropy" and net.outputs == 3
    fallback = "blobs3" if softmax3 else "circle"
    name = spec.get("name", fallback)
    data = DataSettings(name, float(spec["noise"]), int(spec["samples"]),
                        float(spec["train_fraction"]), int(spec["seed"]))  # fmt: skip
    train = training_settings(loaded)
    hidden = tuple((la.units, la.activation.name) for la in net.layers[:-1])
    out = (net.layers[-1].activation.name, net.loss.name)
    output = next((k for k, v in OUTPUTS.items() if v[:2] == out), default_output(task_of(name)))
    if output not in TASK_OUTPUTS[task_of(name)]:
        output = default_output(task_of(name))
    opt = net.optimizer
    lr = min(max(float(opt.learning_rate), MIN_LEARNING_RATE), MAX_LEARNING_RATE)
    init = loaded.init or {}
    return TrainSettings(
        data=data, hidden=hidden, output=output, optimizer=opt.name,
        params=tuple(sorted(opt.params.items())), learning_rate=lr,
        batch_size=int(train["batch_size"]), l2=float(train["l2"]), epochs=int(train["epochs"]),
        grad_noise=min(float(train.get("grad_noise", 0.0)), MAX_GRAD_NOISE),  # as the dock allows
        init=init.get("scheme", TrainSettings.init),
        init_scale=float(init.get("scale", TrainSettings.init_scale)),
        seed=int(init.get("seed", TrainSettings.seed)),
    )  # fmt: skip


def load_data(data: DataSettings) -> Dataset:
    """Generate the data set or read the CSV file (one target column); ValueError/OSError
    with a message naming the problem otherwise."""
    if data.name == CSV:
        if not data.csv_path:
            raise ValueError("no CSV file chosen")
        return load_csv(data.csv_path, targets=1)
    if data.name not in DATASETS:
        raise ValueError(f"unknown data set {data.name!r}")
    return generate(data.name, data.samples, data.noise, data.seed)


def output_note(data: Dataset, output: str) -> str:
    """The sentence that says which output layer these data were given, and why."""
    kind = kind_of(data)
    what = {"classification": "targets 0 and 1 (two classes)",
            "multiclass": f"class labels 0 to {data.classes - 1}",
            "regression": "numbers other than class labels"}[kind]  # fmt: skip
    return (f"The targets of {data.name} are {what}: the output layer is now "
            f"{OUTPUTS[output][2]}.")


def choose_output(new: TrainSettings, data: Dataset, old_data: Dataset | None, old_output: str,
                  memory: dict[str, str]) -> tuple[TrainSettings, str]:
    """``new`` with an output layer that suits ``data``, and the sentence saying so when it
    was changed ("" when not). ``memory`` keeps the output last used for each kind of data, so
    that circle → spiral3 → circle (sigmoid, then softmax by force) gives the sigmoid back."""
    output = new.output
    if old_data is not None and output == old_output:  # the data change, not the output
        old_kind, kind = kind_of(old_data), kind_of(data)
        if old_kind != kind:
            memory[old_kind] = old_output
            output = memory.get(kind, output)
    if output not in TASK_OUTPUTS[kind_of(data)]:
        output = default_output(kind_of(data))
    if output == new.output:
        return new, ""
    return replace(new, output=output), output_note(data, output)


def fit_data(data: Dataset, settings: TrainSettings) -> Dataset:
    """``data`` with targets shaped for the settings' output: one-hot rows for softmax."""
    if settings.output == "softmax_ce" and data.task == "classification":
        return for_outputs(data, data.classes, two_classes=True)
    return data


def outputs_for(data: Dataset, settings: TrainSettings) -> int:
    """Output units a network of these settings needs for ``data``."""
    return fit_data(data, settings).Y.shape[1]


def build_for(settings: TrainSettings, inputs: int, outputs: int, name: str) -> Network:
    """A freshly initialised network of the settings' architecture for this data shape."""
    activation, loss, _ = OUTPUTS[settings.output]
    sizes = [inputs] + [units for units, _ in settings.hidden] + [outputs]
    acts = [a for _, a in settings.hidden] + [activation]
    optimizer = OptimizerConfig(settings.optimizer, settings.learning_rate,
                                dict(settings.params))  # fmt: skip
    return build_network(
        sizes, acts, loss, init=settings.init, scale=settings.init_scale, seed=settings.seed,
        name=f"{name} {'-'.join(map(str, sizes))}", optimizer=optimizer,
    )  # fmt: skip


def mismatch(network: Network | None, data: Dataset) -> str:
    """Why ``network`` cannot train on ``data`` ("" when it can)."""
    if network is None:
        return "there is no network"
    inputs, targets = data.X.shape[1], data.Y.shape[1]
    if network.inputs != inputs:
        return (f"the network has {network.inputs} input(s) but the data have {inputs} input "
                "column(s)")  # fmt: skip
    if network.outputs != targets:
        return (f"the network has {network.outputs} output unit(s) but the data have {targets} "
                "target column(s)")  # fmt: skip
    problem = target_problem(network.loss.name, data.Y)
    if problem:
        return problem
    if network.loss.name == "binary_cross_entropy" and data.task != "classification":
        return "cross-entropy needs 0/1 targets; these data are a regression problem"
    return ""


def dataset_block(data: DataSettings) -> dict | None:
    """The network file's "dataset" block (None for a CSV file, which the format cannot name)."""
    if data.name == CSV:
        return None
    return {"name": data.name, "samples": data.samples, "noise": data.noise,
            "train_fraction": data.train_fraction, "seed": data.seed}  # fmt: skip


def training_block(settings: TrainSettings) -> dict:
    block = {"epochs": settings.epochs, "batch_size": settings.batch_size, "l2": settings.l2}
    if settings.grad_noise:
        block["grad_noise"] = settings.grad_noise
    return block


def optimizer_defaults(name: str) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(OPTIMIZER_DEFAULTS[name].items()))


def divergence_text(trainer, rate: float, hint: str) -> str:
    """Why ``trainer`` stopped, with the learning rate ``rate`` as it is now (it may have been
    lowered since the divergence), and ``hint``, what to do."""
    reason = trainer.message.split(". Try")[0]
    reason = f"{reason[:1].upper()}{reason[1:]}."
    then = trainer.diverged_rate
    if then is not None and rate < then:
        return f"{reason} The learning rate is now {rate:g} (it was {then:g}). {hint}"
    return f"{reason} Try a lower learning rate (now {rate:g}). {hint}"
