"""The few measured numbers a lesson's point rests on, as short lines of text for its panel.
Plain Python over a :class:`core.lessons.LessonResult`; no Qt."""

from __future__ import annotations

import math

from core.lessons import LessonResult, RunResult
from core.notation import fmt


def _percent(value: float) -> str:
    return f"{value:.0%}" if math.isfinite(value) else "—"


def times(ratio: float) -> str:
    """4620.4 → "4,620 ×", 1.93 → "1.93 ×"."""
    return f"{ratio:,.0f} ×" if abs(ratio) >= 100 else f"{fmt(ratio, 3)} ×"


def _loss_line(run: RunResult, who: str) -> str:
    m = run.measures
    if run.status == "diverged":
        return (f"{who}loss {fmt(m['initial_loss'])} at the start, diverged at epoch "
                f"{run.diverged_epoch}")  # fmt: skip
    text = f"{who}loss {fmt(m['initial_loss'])} → {fmt(m['final_loss'])}"
    if "final_accuracy" in m:
        text += f", accuracy {_percent(m['final_accuracy'])}"
        if "test_accuracy" in m:
            text += f" (test {_percent(m['test_accuracy'])})"
    return text


def encloses(measures: dict) -> bool:
    """The first layer's lines cut out a bounded region holding (nearly) all class-1 points."""
    return bool(measures.get("cell_bounded")) and measures.get("class1_inside_cell", 0) >= 0.9


def key_numbers(result: LessonResult) -> list[str]:
    """One line per number worth reading, in the words of the lesson."""
    kind = result.lesson.kind
    m = result.measures
    if kind == "graph":
        wrt = result.extras["wrt"]
        f = result.extras["graph"].output_name
        lines = [f"{f} = {fmt(m['value'])}, ∂{f}/∂{wrt} = {fmt(m['derivative'])}"]
        if m["inputs"] > 1:
            lines += [
                f"Forward mode: {m['forward_passes']} passes, "
                f"{m['forward_derivative_ops']} derivative operations",
                f"Reverse mode: 1 backward pass, {m['reverse_derivative_ops']} derivative "
                "operations",
                f"Largest difference between the two gradients: "
                f"{fmt(m['largest_mode_difference'])}",
            ]
        return lines
    if kind == "step":
        return [
            f"Loss before the update {fmt(m['loss_before'])}, after it {fmt(m['loss_after'])}",
            f"{m['operations']} operations in one step",
        ]
    lines = []
    for run in result.runs:
        rm = run.measures
        who = f"{run.label}: " if len(result.runs) > 1 else ""
        if kind == "gradients":
            before, during = rm["last_to_first_gradient"], rm["smallest_gap_in_training"]
            lines.append(f"{who}the last layer's gradient is {times(before)} the first "
                         f"layer's before training, at least {times(during)} it after every "
                         "epoch")  # fmt: skip
        elif kind == "herd":
            similarity = run.extras["similarity"]
            lines.append(f"{who}similarity of the hidden units from {fmt(similarity[0], 2)} "
                         f"to {fmt(rm['final_similarity'], 2)}, never below "
                         f"{fmt(rm['lowest_similarity'], 2)} nor above "
                         f"{fmt(float(max(similarity)), 2)}; their moves alike on average "
                         f"{fmt(rm['mean_move_similarity'], 2)}")  # fmt: skip
        elif kind == "surface":
            lines.append(f"{who}the path turns back {rm['turns']} times in "
                         f"{rm['epochs']} steps")  # fmt: skip
        elif kind == "regions":
            noun = "line" if rm["lines"] == 1 else "lines"
            text = f"{who}{rm['lines']} first-layer {noun}"
            if len(run.network.layers) == 1:
                text = f"{who}one layer of weights: its unit's line is the decision boundary"
            if encloses(rm):
                text += "; together they enclose the class-1 points"
            lines.append(text)
        line = _loss_line(run, who)
        if "updates" in result.lesson.params:
            line += f" ({rm['updates']:,} updates, {rm['epochs']:,} epochs)"
        lines.append(line)
    if kind == "surface":
        lines.append("Only the two plotted weights change: every path lies on the slice "
                     f"(other parameters moved {fmt(m['other_parameters_moved'])})")  # fmt: skip
    if kind == "collapse":
        lines.append("Largest difference between the network and its one-layer product: "
                     f"{fmt(m['largest_difference'])}")  # fmt: skip
    return lines
