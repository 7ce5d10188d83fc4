"""The network commands of the command line: trace, train and gradcheck."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from core.datasets import DATASETS
from core.examples import example_path
from core.fields import SEED_RANGE, parse_seed
from core.gradcheck import gradient_check
from core.netfile import LoadedNetwork, load_network
from core.notation import fmt, to_html, to_plain
from core.project import dataset_settings, make_split, stepping_data, training_settings
from core.stepper import Stepper
from core.trace import PHASES, Operation
from core.training import TrainConfig, Trainer

GRADCHECK_LIMIT = 1e-6


def _load(args) -> LoadedNetwork:
    if args.network and args.example:
        raise ValueError("give either a network file or --example, not both")
    if args.example:
        return load_network(example_path(args.example))
    if not args.network:
        raise ValueError("give a network file or --example NAME")
    return load_network(args.network)


def _network_arguments(parser) -> None:
    parser.add_argument("network", nargs="?", help="network file (JSON)")
    parser.add_argument("--example", metavar="NAME", help="use resources/examples/NAME.json")


def _seed(text: str) -> int:
    try:
        return parse_seed(text, "--seed")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--seed: ")) from None


def add_parsers(sub) -> None:
    p = sub.add_parser("trace", help="the operations of one training step on one sample")
    _network_arguments(p)
    p.add_argument("--format", choices=("json", "markdown", "text"), default="text")
    p.set_defaults(handler=cmd_trace)

    p = sub.add_parser("train", help="train without a window and print the history")
    _network_arguments(p)
    p.add_argument("--dataset", choices=DATASETS, help="data set (default: the file's)")
    p.add_argument("--csv", metavar="FILE", help="train on a CSV file instead of a data set")
    p.add_argument("--samples", type=int)
    p.add_argument("--noise", type=float)
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--train-fraction", type=float)
    p.add_argument("--learning-rate", type=float)
    p.add_argument("--l2", type=float)
    p.add_argument("--seed", type=_seed, help="seed of the data set, of its train/test split "
                   "and of the minibatch order (default: the file's dataset.seed; "
                   f"{SEED_RANGE})")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("gradcheck", help="compare backprop with finite differences")
    _network_arguments(p)
    p.set_defaults(handler=cmd_gradcheck)


# -- trace ------------------------------------------------------------------------------------


def cmd_trace(args) -> int:
    loaded = _load(args)
    X, Y = stepping_data(loaded)
    stepper = Stepper(loaded.network, X, Y)
    ops = stepper.trace
    if args.format == "json":
        doc = {"format": "backprop-trace", "version": 1, "network": loaded.network.name,
               "operations": [op.to_dict() for op in ops]}
        print(json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False))
    elif args.format == "markdown":
        print(trace_markdown(loaded, stepper))
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
                                 l2=args.l2)
    if args.learning_rate is not None:
        from core.optimizers import check_config

        check_config(net.optimizer.name, args.learning_rate, net.optimizer.params)
        net.optimizer.learning_rate = args.learning_rate
    config = TrainConfig(epochs=int(settings["epochs"]), batch_size=int(settings["batch_size"]),
                         l2=float(settings["l2"]), seed=int(spec["seed"]))
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
        print(trainer.message, file=sys.stderr)
    return 0


# -- gradcheck --------------------------------------------------------------------------------


def cmd_gradcheck(args) -> int:
    loaded = _load(args)
    net = loaded.network
    X, Y = stepping_data(loaded)
    if X is None:
        X, Y = net.sample_x[None, :], net.sample_y[None, :]
    else:
        X, Y = X[:20], Y[:20]
    result = gradient_check(net, X, Y)
    verdict = "ok" if result.max_relative_error <= GRADCHECK_LIMIT else "FAILED"
    print(f"largest relative error {result.max_relative_error:.3e} at {result.worst_parameter} "
          f"(backprop {result.analytic:.10g}, finite difference {result.numeric:.10g}) over "
          f"{result.parameters} parameters and {len(X)} sample(s): {verdict}")
    return 0 if verdict == "ok" else 1
