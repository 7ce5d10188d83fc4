"""The live run's figure quantities (core.lessons.live) against the lesson's own computation:
a trainer that trains a lesson's run with its settings, its history and timeline turned into a
live run, ends with the numbers the lesson shows for that run, and part-way agrees with the
lesson's replay of the same epoch."""

import math

import numpy as np
import pytest

from core.lessons import (
    TRAINING_KINDS,
    lesson_data,
    lesson_network,
    list_lessons,
    load_lesson,
    run_lesson,
    train_config,
)
from core.lessons.live import LIVE_LABEL, live_run, state_from_trainer, up_to, with_live
from core.lessons.replay import at_epoch
from core.timeline import Timeline
from core.training import Trainer

TRAINABLE = [info.id for info in list_lessons() if load_lesson(info.id).kind in TRAINING_KINDS]
_RESULTS = {}


def result_of(lesson_id):
    if lesson_id not in _RESULTS:
        _RESULTS[lesson_id] = run_lesson(load_lesson(lesson_id))
    return _RESULTS[lesson_id]


def train_live(lesson, run):
    """A trainer as the Training tab sets one up (history from epoch 0, a timeline), trained
    the run's epochs."""
    net = lesson_network(lesson, run).network
    train, test = lesson_data(lesson)
    config = train_config(lesson, run)
    trainer = Trainer(net, train.X, train.Y, test.X, test.Y, config)
    trainer.history.append(trainer.evaluate())
    trainer.timeline = Timeline.for_parameters(net.parameters())
    trainer.timeline.record(0, net.parameters())
    trainer.train(config.epochs)
    return trainer


def same(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_every_lesson_with_a_network_and_data_is_covered():
    assert len(TRAINABLE) >= 10
    assert {"optimizers", "herd-effect", "vanishing-gradients"} <= set(TRAINABLE)


@pytest.mark.parametrize("lesson_id", TRAINABLE)
def test_live_run_after_the_budget_is_the_lessons_run(lesson_id):
    result = result_of(lesson_id)
    lesson = result.lesson
    for k, pre in enumerate(result.runs):
        trainer = train_live(lesson, k)
        live = live_run(result, k, state_from_trainer(trainer))
        assert live.label == f"{LIVE_LABEL} · {pre.label}"
        assert len(live.history) == len(pre.history) == pre.config.epochs or pre.status != "ok"
        same(live.curve("train_loss")[1], pre.curve("train_loss")[1])
        same(live.curve("test_loss")[1], pre.curve("test_loss")[1])
        assert live.status == pre.status and live.diverged_epoch == pre.diverged_epoch
        for key in ("final_loss", "lowest_loss", "loss_rises", "epochs", "updates",
                    "final_accuracy", "test_accuracy", "turns", "last_to_first_gradient",
                    "smallest_gap_in_training", "final_similarity", "lowest_similarity",
                    "lines", "cell_bounded", "class1_inside_cell"):  # fmt: skip
            if key in pre.measures:
                a, b = live.measures[key], pre.measures[key]
                assert a == pytest.approx(b, rel=1e-12, abs=1e-12) or (math.isnan(a) and
                                                                        math.isnan(b)), key
        for key in ("path", "grad_norm", "similarity", "spread", "similarity_matrix",
                    "saturation_start", "saturation_end", "output", "lines", "cell"):  # fmt: skip
            if key in pre.extras:
                same(live.extras[key], pre.extras[key])
        if lesson.kind == "collapse":
            shown = with_live(result, k, live)
            same(shown.extras["product"], result.extras["product"])
            same(shown.extras["deep_predictions"], result.extras["deep_predictions"])


@pytest.mark.parametrize("lesson_id", ["optimizers", "herd-effect", "vanishing-gradients",
                                       "learning-rate", "one-layer"])  # fmt: skip
def test_live_run_part_way_is_the_lessons_replay_of_that_epoch(lesson_id):
    result = result_of(lesson_id)
    k = len(result.runs) - 1
    state = state_from_trainer(train_live(result.lesson, k))
    epoch = max(1, result.runs[k].config.epochs // 3)
    live = live_run(result, k, up_to(state, epoch))
    replayed = at_epoch(result, epoch).runs[k]
    assert len(live.history) == len(replayed.history) == min(epoch, len(result.runs[k].history))
    same(live.curve("train_loss")[1], replayed.curve("train_loss")[1])
    for key in ("path", "grad_norm", "similarity", "output"):
        if key in replayed.extras:
            same(live.extras[key], replayed.extras[key])
    assert len(live.weights) == len(live.history) + 1  # one point per epoch, epoch 0 first


def test_the_path_grows_one_point_per_epoch():
    result = result_of("optimizers")
    state = state_from_trainer(train_live(result.lesson, 0))
    lengths = [len(live_run(result, 0, up_to(state, e)).extras["path"]) for e in range(6)]
    assert lengths == [1, 2, 3, 4, 5, 6]
