"""How much a lesson may ask to compute: opening a lesson runs its demonstration on the GUI
thread, so the schema keeps every lesson under a second or two on a laptop (the shipped lessons
use at most about a fifth of each limit). A lesson over a limit is a field-naming error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.fields import FieldError
from core.lessons.runs import _train_size, train_config

if TYPE_CHECKING:
    from core.lessons.files import Lesson

# What a lesson may ask run_lesson to compute, so that opening one stays under a second or two
# on a laptop (the shipped lessons use at most about a fifth of each):
MAX_RUNS = 12
MAX_STEPS = 60_000  # optimizer steps of all runs together: epochs × batches per epoch
MAX_WORK = 300_000_000  # epochs × samples × parameters, summed over the runs
MAX_SURFACE_WORK = 40_000_000  # resolution² × training samples × parameters (surface lessons)


def check_cost(lesson: Lesson, nets: list) -> None:
    """Refuse a lesson whose demonstration would take more than a second or two to compute."""
    n_train = _train_size(lesson)
    samples = int(lesson.dataset["samples"])
    steps = work = 0
    biggest, biggest_steps = 0, -1
    for k, net in enumerate(nets):
        config = train_config(lesson, k)
        params = sum(p.size for p in net.parameters())
        run_steps = config.epochs * -(-n_train // config.batch_size)
        if run_steps > biggest_steps:
            biggest, biggest_steps = k, run_steps
        steps += run_steps
        work += config.epochs * samples * params
    own = lesson.runs[biggest].settings
    field = f"runs[{biggest}].epochs" if "epochs" in own else "training.epochs"
    budget = "so that the lesson opens in a second or two"
    if steps > MAX_STEPS:
        raise FieldError(
            field,
            f"the runs take {steps} training steps (epochs × batches per epoch, all runs); "
            f"at most {MAX_STEPS} allowed {budget}",
        )
    if work > MAX_WORK:
        raise FieldError(
            field,
            f"the runs need {work:.3g} sample-parameter passes (epochs × samples × weights, all "
            f"runs); at most {MAX_WORK:.3g} allowed {budget}",
        )
    if lesson.kind == "surface":
        resolution = lesson.params.get("resolution", 41)
        params = sum(p.size for p in nets[0].parameters())
        surface = resolution**2 * n_train * params
        if surface > MAX_SURFACE_WORK:
            raise FieldError(
                "params.resolution",
                f"a {resolution}×{resolution} loss surface over {n_train} samples and {params} "
                f"weights is more than a lesson may compute (resolution² × samples × weights at "
                f"most {MAX_SURFACE_WORK:.3g})",
            )
