"""`main.py trace NET.json --layers`: the layer trace of one minibatch as JSON, Markdown or text.

Which samples form the batch: without ``--batch`` the network's own sample (or the first sample
of its data set); with ``--batch B`` the first B samples of ``--dataset``/``--csv`` when given,
else of the file's data set, else the network's own sample and B − 1 seeded samples near it.
"""

from __future__ import annotations

import io
import json

import numpy as np

from core.datasets import DATASETS
from core.layers.stepper import MAX_BATCH, batch_from, check_batch_size, own_sample_batch
from core.layers.trace import LayerOperation, build_layer_trace
from core.netfile import LoadedNetwork
from core.notation import fmt, to_html, to_plain
from core.optimizers import make_optimizer
from core.project import dataset_settings, make_split, stepping_data, training_settings
from core.trace import PHASES

TITLES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
          "gradient": "Gradients", "update": "Updates"}


def add_arguments(parser) -> None:
    """The layer options of the trace command."""
    parser.add_argument("--layers", action="store_true",
                        help="trace a layer at a time with matrices (one row per unit, one "
                             "column per sample)")
    parser.add_argument("--batch", type=int, metavar="B",
                        help=f"with --layers: a minibatch of B samples (1 … {MAX_BATCH}); "
                             "default the network's own sample")
    parser.add_argument("--dataset", choices=DATASETS,
                        help="with --layers: draw the batch from this data set")
    parser.add_argument("--samples", type=int, help="with --dataset: samples to generate")
    parser.add_argument("--seed", type=int, help="with --dataset: the data set's seed")
    parser.add_argument("--csv", metavar="FILE", help="with --layers: draw the batch from a CSV")


def check_arguments(args) -> None:
    """Refuse layer options without --layers (they would be silently ignored)."""
    if getattr(args, "layers", False):
        if getattr(args, "format", "text") not in ("json", "markdown", "text"):
            raise ValueError(f"--layers prints json, markdown or text, not {args.format}")
        return
    for option in ("batch", "dataset", "samples", "seed", "csv"):
        if getattr(args, option, None) is not None:
            raise ValueError(f"--{option} needs --layers")


def choose_batch(loaded: LoadedNetwork, args) -> tuple[np.ndarray, np.ndarray]:
    """The batch (X, Y) the options ask for; ValueError naming the problem otherwise."""
    net = loaded.network
    if args.dataset and args.csv:
        raise ValueError("give either --dataset or --csv, not both")
    if (args.samples is not None or args.seed is not None) and not args.dataset:
        raise ValueError("--samples and --seed need --dataset")
    B = 1 if args.batch is None else check_batch_size(args.batch)
    if args.csv:
        from core.datasets import load_csv

        data = load_csv(args.csv, targets=net.outputs, expected_inputs=net.inputs)
        return batch_from(data.X, data.Y, 0, B)
    if args.dataset:
        if net.inputs != 2:
            raise ValueError(f"the built-in data sets have 2 inputs; this network has "
                             f"{net.inputs} (use --csv)")
        if args.samples is not None and args.samples < 2:
            raise ValueError(f"--samples: at least 2, not {args.samples}")
        spec = dataset_settings(loaded, name=args.dataset, samples=args.samples, seed=args.seed)
        train, _ = make_split(spec, net.outputs)
        return batch_from(train.X, train.Y, 0, B)
    own = net.sample_x is not None and net.sample_y is not None
    if own and (B == 1 or not loaded.dataset):
        return own_sample_batch(net, B)
    X, Y = stepping_data(loaded) if not own else _file_dataset(loaded)
    return batch_from(X, Y, 0, B)


def _file_dataset(loaded: LoadedNetwork) -> tuple[np.ndarray, np.ndarray]:
    train, _ = make_split(dataset_settings(loaded), loaded.network.outputs)
    return train.X, train.Y


def layer_trace_of(loaded: LoadedNetwork, X: np.ndarray, Y: np.ndarray):
    """The layer trace of (X, Y) with the network's optimizer and the file's L2 strength."""
    l2 = float(training_settings(loaded)["l2"])
    return build_layer_trace(loaded.network, X, Y, make_optimizer(loaded.network.optimizer), l2)


def cmd_layer_trace(args, loaded: LoadedNetwork) -> int:
    X, Y = choose_batch(loaded, args)
    trace = layer_trace_of(loaded, X, Y)
    if args.format == "json":
        doc = {"format": "backprop-layer-trace", "version": 1, "network": loaded.network.name,
               "batch": {"x": X.tolist(), "y": Y.tolist()},
               "operations": [op.to_dict() for op in trace]}
        print(json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False))
    elif args.format == "markdown":
        print(layer_markdown(loaded, X, Y, trace))
    else:
        for op in trace:
            print(f"{op.index:4d}  {op.phase:<9} {to_plain(op.shapes)}")
            print(f"      {'':<9} {to_plain(op.substituted)}")
    return 0


def _headers(op: LayerOperation) -> list[str]:
    rows, cols = op.shape
    if op.quantity in ("z", "u", "delta"):
        return [f"sample {s + 1}" for s in range(cols)]
    if op.quantity in ("grad_w", "w"):
        return [f"from unit {i + 1}" for i in range(cols)]
    return ["value"]


def matrix_table(op: LayerOperation) -> str:
    """The result of ``op`` as a Markdown table: one row per unit."""
    heads = _headers(op)
    out = ["| unit | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for j, row in enumerate(op.value):
        out.append(f"| {j + 1} | " + " | ".join(fmt(v) for v in row) + " |")
    return "\n".join(out) + "\n"


def layer_markdown(loaded: LoadedNetwork, X: np.ndarray, Y: np.ndarray, trace) -> str:
    """A handout: the network, the batch, and every layer operation with its matrix."""
    net = loaded.network
    out = io.StringIO()
    sizes = "-".join(str(n) for n in net.sizes)
    out.write(f"# One training step, a layer at a time: {net.name}\n\n")
    out.write(f"Network {sizes}, loss `{net.loss.name}`, optimizer `{net.optimizer.name}` "
              f"with η = {fmt(net.optimizer.learning_rate)}. Batch of B = {len(X)}: rows of "
              "Z, U and Δ are units, columns are samples.\n\n")
    out.write("| sample | x | y |\n|---|---|---|\n")
    for s, (x, y) in enumerate(zip(X, Y)):
        out.write(f"| {s + 1} | {', '.join(fmt(v) for v in x)} | "
                  f"{', '.join(fmt(v) for v in y)} |\n")
    for phase in PHASES:
        ops = [op for op in trace if op.phase == phase]
        if not ops:
            continue
        out.write(f"\n## {TITLES[phase]}\n")
        for op in ops:
            out.write(f"\n### {op.index + 1}. {to_html(op.name)} "
                      f"({op.shape[0]}×{op.shape[1]})\n\n")
            out.write(f"- {to_html(op.formula)}\n- shapes: {to_html(op.shapes)}\n")
            substituted = to_html(op.substituted).replace("|", "\\|")
            out.write(f"- {substituted}\n\n")
            if op.quantity == "loss":
                out.write(f"L = **{fmt(op.value[0, 0])}**\n")
            else:
                out.write(matrix_table(op))
    return out.getvalue()
