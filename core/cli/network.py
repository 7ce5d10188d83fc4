"""The network commands of the command line: trace, train and gradcheck."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time

from core.cli import layers
from core.datasets import DATASETS
from core.examples import example_path, is_example
from core.export.formats import TRACE_FORMATS, render_trace
from core.fields import SEED_RANGE, parse_seed
from core.gradcheck import gradient_check
from core.messages import one_line
from core.netfile import LoadedNetwork, load_network, save_network
from core.notation import fmt, to_html, to_plain
from core.project import (
    DATASET_DEFAULTS,
    TRAINING_DEFAULTS,
    dataset_settings,
    make_split,
    stepping_data,
    training_settings,
)
from core.safe_write import SaveError, target_problem
from core.stepper import Stepper
from core.trace import PHASES, Operation
from core.training import TrainConfig, Trainer

GRADCHECK_LIMIT = 1e-6
GRADCHECK_SAMPLE = 200  # parameters checked without --all (each costs four loss evaluations)
TRAIN_DESCRIPTION = """\
Train the network without a window and print its history, one row per epoch.

How the trainer computes (the same as the app's Training tab):
  loss       the mean of the loss over the samples of a batch (and over a set for the
             history); the gradient is the gradient of that mean
  L2         λ/2·Σw² over the weights only (biases are never penalised), added to the
             loss that is reported and to the gradient (λ·w)
  epochs     each epoch visits every training sample once, in minibatches of
             --batch-size in a row (the last one may be smaller)
  split      the samples are put in a random order (seeded with --seed) and cut into
             the training part (--train-fraction) and the test part
  shuffle    before each epoch the training samples are put in a new random order by
             one generator seeded with --seed; --no-shuffle visits them in the order
             of the split every epoch
  sgd        w ← w − η g
  momentum   v ← μ v + g;  w ← w − η v
  rmsprop    s ← ρ s + (1 − ρ) g²;  w ← w − η g / (√s + ε)   (ε outside the root)
  adam       m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
             w ← w − η m̂ / (√v̂ + ε) with the bias corrections
             m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), t = steps taken

Example, Mazur's classic exercise (10,000 updates on his one sample):
  main.py train --example mazur --csv mazur.csv --epochs 10000 --train-fraction 1 \\
      --save trained.json
with mazur.csv holding the one line 0.05,0.10,0.01,0.99
"""


def _load(args) -> LoadedNetwork:
    if args.network and args.example:
        raise ValueError("give either a network file or --example, not both")
    if args.example:
        return load_network(example_path(args.example))
    if not args.network:
        raise ValueError("give a network file or --example NAME")
    return load_network(args.network)


def _network_arguments(parser) -> None:
    parser.add_argument("network", nargs="?", help="network file (JSON), e.g. one saved by the "
                        "app or by `train --save`")
    parser.add_argument("--example", metavar="NAME", help="use resources/examples/NAME.json")


def _seed(text: str) -> int:
    try:
        return parse_seed(text, "--seed")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--seed: ")) from None


def add_parsers(sub) -> None:
    p = sub.add_parser("trace", help="the operations of one training step on one sample")
    _network_arguments(p)
    p.add_argument("--format", choices=("json", "markdown", "text", *TRACE_FORMATS),
                   default="text",
                   help="text: one line per operation; markdown: a printable handout; json: "
                   "every operation with its value; latex: a compilable document; "
                   "markdown-math: Markdown with $…$ formulas; ipynb: a Jupyter notebook that "
                   "recomputes every step (default: text)")
    layers.add_arguments(p)
    p.set_defaults(handler=cmd_trace)

    p = sub.add_parser("train", help="train without a window and print the history",
                       description=TRAIN_DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _network_arguments(p)
    p.add_argument("--dataset", choices=DATASETS,
                   help="built-in data set to train on (default: the file's dataset block)")
    p.add_argument("--csv", metavar="FILE",
                   help="train on a CSV file instead (inputs, then one column per output unit; "
                   "commas, semicolons or tabs; a header line is optional; one row is enough)")
    p.add_argument("--samples", type=int, metavar="N",
                   help="samples of the built-in data set (default: the file's, else "
                   f"{DATASET_DEFAULTS['samples']})")
    p.add_argument("--noise", type=float, metavar="X",
                   help="noise of the built-in data set, 0 to 1 (default: the file's, else 0)")
    p.add_argument("--epochs", type=int, metavar="N",
                   help="passes over the training set (default: the file's training block, "
                   f"else {TRAINING_DEFAULTS['epochs']})")
    p.add_argument("--batch-size", type=int, metavar="N",
                   help="samples per gradient step; larger than the training set means the "
                   "whole set (default: the file's training block, else "
                   f"{TRAINING_DEFAULTS['batch_size']})")
    p.add_argument("--train-fraction", type=float, metavar="F",
                   help="share of the samples used for training, the rest for testing, in "
                   f"(0, 1] (default: the file's, else {DATASET_DEFAULTS['train_fraction']})")
    p.add_argument("--learning-rate", type=float, metavar="ETA",
                   help="learning rate η of the file's optimizer (default: the file's)")
    p.add_argument("--l2", type=float, metavar="LAMBDA",
                   help="L2 strength λ: the penalty λ/2·Σw² on the weights, not the biases "
                   "(default: the file's training block, else 0)")
    p.add_argument("--grad-noise", type=float, metavar="SIGMA",
                   help="add Gaussian noise of standard deviation SIGMA to every component of "
                   "each minibatch gradient (seeded by --seed; default: the file's training "
                   "block, else 0: none)")
    p.add_argument("--seed", type=_seed, help="seed of the data set, of its train/test split "
                   "and of the minibatch order (default: the file's dataset.seed; "
                   f"{SEED_RANGE})")
    p.add_argument("--no-shuffle", action="store_true",
                   help="visit the training samples in the same order every epoch (that of "
                   "the train/test split) instead of a new random order")
    p.add_argument("--save", metavar="OUT.json",
                   help="write the trained network to OUT.json, a network file as the app and "
                   "`trace` read it; an existing read-only file is never replaced")
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="of the history printed on stdout (default: csv)")
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("gradcheck", help="compare backprop with finite differences",
                       description="Compare each backpropagated derivative with a five-point "
                       "finite difference of the mean loss over the file's sample (or the first "
                       "20 training samples), and report the largest relative error.")
    _network_arguments(p)
    p.add_argument("--all", action="store_true",
                   help=f"check every parameter (by default at most {GRADCHECK_SAMPLE}, drawn "
                   "at random, for a large network)")
    p.set_defaults(handler=cmd_gradcheck)


# -- trace ------------------------------------------------------------------------------------


def cmd_trace(args) -> int:
    layers.check_arguments(args)
    loaded = _load(args)
    if args.layers:
        return layers.cmd_layer_trace(args, loaded)
    X, Y = stepping_data(loaded)
    stepper = Stepper(loaded.network, X, Y)
    ops = stepper.trace
    if args.format == "json":
        doc = {"format": "backprop-trace", "version": 1, "network": loaded.network.name,
               "operations": [op.to_dict() for op in ops]}
        print(json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False))
    elif args.format == "markdown":
        print(trace_markdown(loaded, stepper))
    elif args.format in TRACE_FORMATS:
        print(render_trace(args.format, loaded, stepper), end="")
    else:
        for op in ops:
            print(f"{op.index:4d}  {op.phase:<9} {to_plain(op.substituted)}")
    return 0


def trace_markdown(loaded: LoadedNetwork, stepper: Stepper) -> str:
    """A printable handout: the network, the sample, and every operation by phase."""
    net = loaded.network
    titles = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
              "gradient": "Gradients", "update": "Updates"}
    out = io.StringIO()
    sizes = "-".join(str(n) for n in net.sizes)
    acts = ", ".join(layer.activation.name for layer in net.layers)
    out.write(f"# One training step: {net.name}\n\n")
    out.write(f"Network {sizes} ({acts}), loss `{net.loss.name}`, optimizer "
              f"`{net.optimizer.name}` with η = {fmt(net.optimizer.learning_rate)}.\n\n")
    x = ", ".join(fmt(v) for v in stepper.x)
    y = ", ".join(fmt(v) for v in stepper.y)
    out.write(f"Sample: x = ({x}), target y = ({y}).\n")
    for phase in PHASES:
        ops: list[Operation] = [op for op in stepper.trace if op.phase == phase]
        if not ops:
            continue
        out.write(f"\n## {titles[phase]}\n\n")
        formulas = sorted({op.formula for op in ops}, key=[o.formula for o in ops].index)
        for formula in formulas:
            out.write(f"- {to_html(formula)}\n")
        out.write("\n| # | computation | in words |\n|---|---|---|\n")
        for op in ops:
            text = to_html(op.substituted).replace("|", "\\|")
            out.write(f"| {op.index + 1} | {text} | {op.text} |\n")
    return out.getvalue()


# -- train ------------------------------------------------------------------------------------


def cmd_train(args) -> int:
    for option in ("samples", "epochs", "batch_size", "seed"):
        value = getattr(args, option)
        if value is not None and value < 0:
            raise ValueError(f"--{option.replace('_', '-')}: must not be negative, not {value}")
    if args.save:
        _check_save_target(args.save)  # before training, not after it
    loaded = _load(args)
    net = loaded.network
    spec = dataset_settings(loaded, name=args.dataset, samples=args.samples, noise=args.noise,
                            train_fraction=args.train_fraction, seed=args.seed)
    if args.csv:
        from core.datasets import load_csv

        data = load_csv(args.csv, targets=net.outputs, expected_inputs=net.inputs)
        train, test = data.split(float(spec["train_fraction"]), int(spec["seed"]))
    else:
        if net.inputs != 2:
            raise ValueError(f"the built-in data sets have 2 inputs; this network has "
                             f"{net.inputs} (use --csv)")
        train, test = make_split(spec, net.outputs)
    settings = training_settings(loaded, epochs=args.epochs, batch_size=args.batch_size,
                                 l2=args.l2, grad_noise=args.grad_noise)
    if args.learning_rate is not None:
        from core.optimizers import check_config

        check_config(net.optimizer.name, args.learning_rate, net.optimizer.params)
        net.optimizer.learning_rate = args.learning_rate
    config = TrainConfig(epochs=int(settings["epochs"]), batch_size=int(settings["batch_size"]),
                         l2=float(settings["l2"]), seed=int(spec["seed"]),
                         shuffle=not args.no_shuffle,
                         grad_noise=float(settings.get("grad_noise", 0.0)))
    trainer = Trainer(net, train.X, train.Y, test.X, test.Y, config)
    history = trainer.train()
    if args.format == "json":
        doc = {"format": "backprop-history", "version": 1, "network": net.name,
               "status": trainer.status, "diverged_epoch": trainer.diverged_epoch,
               "message": trainer.message, "history": history.to_dict()}
        print(json.dumps(doc, indent=1, allow_nan=False))
    else:
        rows = history.to_rows()
        writer = csv.writer(sys.stdout, lineterminator="\n")
        if rows:
            writer.writerow(rows[0].keys())
            for row in rows:
                writer.writerow("" if v is None else v for v in row.values())
    if trainer.status == "diverged":
        print(one_line(trainer.message), file=sys.stderr)
    if args.save:
        extras = {"training": {key: settings[key] for key in ("epochs", "batch_size", "l2")}}
        if not args.csv:  # a CSV file is not a data set block: the file just has none
            extras["dataset"] = {key: spec[key] for key in
                                 ("name", "samples", "noise", "train_fraction", "seed")}
        save_network(trainer.network, args.save, extras)
    return 0


def _check_save_target(path: str) -> None:
    """Refuse --save to a shipped example, a FIFO or device, or a read-only file."""
    if is_example(path):
        raise ValueError(f"--save: {one_line(path)} is a shipped example; choose another file")
    problem = target_problem(path)
    if problem:
        if "read-only" in problem:
            problem += " (the command line never replaces a read-only file)"
        raise SaveError(f"--save: {problem}")


# -- gradcheck --------------------------------------------------------------------------------


def cmd_gradcheck(args) -> int:
    loaded = _load(args)
    net = loaded.network
    X, Y = stepping_data(loaded)
    if X is None:
        X, Y = net.sample_x[None, :], net.sample_y[None, :]
    else:
        X, Y = X[:20], Y[:20]
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = gradient_check(net, X, Y, limit=None if args.all else GRADCHECK_SAMPLE,
                                progress=progress)  # fmt: skip
    finally:
        if progress is not None:
            progress.clear()
    verdict = "ok" if result.max_relative_error <= GRADCHECK_LIMIT else "FAILED"
    checked = f"{result.parameters} parameters"
    if result.sampled:
        checked = (f"{result.parameters} of {result.total} parameters (drawn at random; --all "
                   "checks every one)")
    where = f"{to_plain(result.worst_parameter)} ({result.worst_words})"
    print(f"largest relative error {result.max_relative_error:.3e} at {where} "
          f"(backprop {result.analytic:.10g}, finite difference {result.numeric:.10g}) over "
          f"{checked} and {len(X)} sample(s): {verdict}")
    return 0 if verdict == "ok" else 1


class _Progress:
    """"checking parameter 120 of 1951" on a terminal, rewritten in place a few times a
    second."""

    def __init__(self, stream) -> None:
        self.stream, self.last, self.shown = stream, 0.0, False

    def __call__(self, done: int, count: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < count:
            return
        self.last = now
        self.stream.write(f"\rchecking parameter {done} of {count}…")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
