"""Which steps of a sample an export shows.

Step k is the stepper's cursor k: the state after the first k operations of the sample, the
operation numbered k in the Markdown handout; step 0 is the start, before any operation.
"""

from __future__ import annotations

from core.trace import PHASES, Operation

# Page shapes of slides and step animations, as their size in logical pixels (96 per inch).
ASPECTS = {"16:9": (1280, 720), "4:3": (1024, 768)}


def step_range(
    trace: tuple[Operation, ...],
    start: int | None = None,
    end: int | None = None,
    phase: str | None = None,
) -> list[int]:
    """The cursor positions to show, in order; ValueError for a range outside the sample.

    With ``phase`` the steps of that phase (then ``start``/``end`` must be absent); otherwise
    ``start`` … ``end`` inclusive, by default the whole sample 0 … len(trace).
    """
    last = len(trace)
    if phase is not None:
        if start is not None or end is not None:
            raise ValueError("give either a phase or --from/--to, not both")
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r} (expected one of: {', '.join(PHASES)})")
        steps = [op.index + 1 for op in trace if op.phase == phase]
        if not steps:
            raise ValueError(f"this sample has no {phase} steps")
        return steps
    first = 0 if start is None else start
    final = last if end is None else end
    for name, value in (("--from", first), ("--to", final)):
        if not 0 <= value <= last:
            raise ValueError(f"{name} {value} is outside this sample's steps 0 … {last}")
    if first > final:
        raise ValueError(f"--from {first} comes after --to {final}")
    return list(range(first, final + 1))


def detached_copy(stepper):
    """A copy of ``stepper`` at the same sample and cursor that shares no array with it (its
    history of earlier samples is left out), for drawing pages without moving the user's."""
    import copy

    history = stepper._history
    clone = copy.deepcopy(stepper, {id(history): []})
    return clone
