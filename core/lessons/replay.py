"""A lesson's training, epoch by epoch: :func:`at_epoch` gives the result as it stood after a
given epoch, so a figure can replay the training it shows (the "Watch it train" button).

Nothing is trained again: every run of a training lesson keeps its weights after every epoch
(``RunResult.weights``), and the arrays its figures need are cut or recomputed from those.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from core.lessons.demos import LessonResult, RunResult, loss_measures, region_extras, turns
from core.lessons.geometry import cosines, mean_cosine, saturation, unit_vectors
from core.training import History

REPLAY_KINDS = ("compare", "surface", "gradients", "herd", "regions")


def can_replay(result: LessonResult) -> bool:
    """Whether the lesson's figures can be shown epoch by epoch."""
    return result.lesson.kind in REPLAY_KINDS and all(r.weights for r in result.runs)


def epochs(result: LessonResult) -> int:
    """The most epochs any run trained."""
    return max((len(r.history) for r in result.runs), default=0)


def at_fraction(result: LessonResult, fraction: float) -> LessonResult:
    """``result`` after the same fraction of every run's epochs (runs of a lesson compared at
    equal updates train different numbers of epochs)."""
    fraction = min(max(fraction, 0.0), 1.0)
    runs = [_run_at(run, round(fraction * len(run.history)), result) for run in result.runs]
    epoch = max((len(r.history) for r in runs), default=0)
    return dataclasses.replace(result, runs=runs, extras={**result.extras, "epoch": epoch})


def at_epoch(result: LessonResult, epoch: int) -> LessonResult:
    """``result`` as it was after ``epoch`` epochs (runs that stopped earlier stay as they
    ended). ``extras["epoch"]`` says which epoch it is; the lesson-wide extras are shared."""
    runs = [_run_at(run, epoch, result) for run in result.runs]
    extras = {**result.extras, "epoch": epoch}
    return dataclasses.replace(result, runs=runs, extras=extras)


def _history(history: History, n: int) -> History:
    h = history.copy()
    for name in ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                 "grad_norm", "saturation"):  # fmt: skip
        setattr(h, name, getattr(h, name)[:n])
    return h


def _run_at(run: RunResult, epoch: int, result: LessonResult) -> RunResult:
    n = min(epoch, len(run.history))
    if n == len(run.history):
        return run
    net = run.initial.copy()
    for p, value in zip(net.parameters(), run.weights[n]):
        p[...] = value
    diverged = run.diverged_epoch is not None and n >= run.diverged_epoch
    out = dataclasses.replace(
        run,
        network=net,
        history=_history(run.history, n),
        status=run.status if diverged else "ok",
        diverged_epoch=run.diverged_epoch if diverged else None,
        weights=run.weights[: n + 1],
        extras=dict(run.extras),
        measures=dict(run.measures),
    )
    e = out.extras
    loss_measures(out, result.test is not None and len(result.test) > 0)
    with np.errstate(all="ignore"):
        e["saturation_end"] = saturation(net, result.train.X)
    if "path" in e:
        e["path"] = e["path"][: n + 1]
        out.measures["turns"] = turns(e["path"])
    if "grad_norm" in e:
        e["grad_norm"] = e["grad_norm"][: n + 1]
    if "similarity" in e:
        for key in ("spread", "similarity"):
            e[key] = e[key][: n + 1]
        e["moves"] = e["moves"][:n]
        V = unit_vectors(out.weights[-1])
        e["similarity_matrix"] = cosines(V)
        out.measures["final_similarity"] = mean_cosine(V)
        out.measures["lowest_similarity"] = float(np.min(e["similarity"]))
    if "output" in e:
        region_extras(out, result.train, e["xs"], e["ys"])
    return copy.copy(out)
