"""The window's export flags: ``--slides``, ``--animate``, ``--animate-training`` and
``--diagram`` write a file from the network (after ``--steps``/``--train``) and exit.

The paths and numbers are checked before the window is built; the step range once the network
is loaded. Each error is one line and exit status 2, and nothing is written then.
"""

from __future__ import annotations

import re
import sys

from core.export.paths import check_output_path
from core.export.ranges import ASPECTS
from core.trace import PHASES

OUTPUTS = (("slides", (".pdf",)), ("animate", (".gif", ".png")),
           ("animate_training", (".gif", ".png")),
           ("diagram", (".svg", ".pdf")))  # fmt: skip
STEP_DELAY, TRAINING_DELAY = 900, 80  # ms per frame


def add_arguments(parser) -> None:
    g = parser.add_argument_group("exports (write the file, print its name and exit)")
    g.add_argument("--slides", metavar="PDF", help="one PDF page per step of the sample")
    g.add_argument("--animate", metavar="GIF", help="an animated GIF (or .png: APNG) of the steps")
    g.add_argument("--animate-training", metavar="GIF",
                   help="an animated GIF (or APNG) of training: decision boundary and loss")
    g.add_argument("--diagram", metavar="SVG|PDF",
                   help="the network view (or --diagram-of graph) as a vector drawing")
    g.add_argument("--diagram-of", choices=("network", "graph"), default="network",
                   help="what --diagram draws: the network view or the computation graph")
    g.add_argument("--from", dest="step_from", type=int, metavar="K",
                   help="first step (0 is the start of the sample)")
    g.add_argument("--to", dest="step_to", type=int, metavar="K", help="last step")
    g.add_argument("--phase", choices=PHASES, help="only the steps of this phase")
    g.add_argument("--aspect", choices=tuple(ASPECTS), default="16:9", help="page shape")
    g.add_argument("--epochs", type=int, default=300, help="epochs of --animate-training")
    g.add_argument("--every", type=int, metavar="K", help="one frame per K epochs")
    g.add_argument("--delay", type=int, metavar="MS", help="frame delay in milliseconds")
    g.add_argument("--frame-size", metavar="WxH", help="GIF frame size")


def requested(args) -> bool:
    return any(getattr(args, name) for name, _ in OUTPUTS)


def frame_size(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    if text is None:
        return default
    match = re.fullmatch(r"(\d+)x(\d+)", text.strip())
    if not match or not (100 <= int(match[1]) <= 4000 and 100 <= int(match[2]) <= 4000):
        raise ValueError(f"--frame-size: expected WIDTHxHEIGHT within 100 … 4000, not {text!r}")
    return int(match[1]), int(match[2])


def check_early(args) -> None:
    """ValueError for a bad path or number, before anything is built."""
    for name, extensions in OUTPUTS:
        path = getattr(args, name)
        if path:
            check_output_path(path, extensions, "--" + name.replace("_", "-"))
    if args.animate_training:
        from gui.export.training import frame_plan

        frame_plan(args.epochs, args.every)
    frame_size(args.frame_size, (960, 540))
    if args.delay is not None and not 10 <= args.delay <= 60_000:
        raise ValueError(f"--delay {args.delay} ms is outside 10 … 60000")


def run(window, args) -> int:
    """Write every requested export; 0 when all were written, 2 after the first error."""
    from core.export.paths import Cancelled
    from core.export.ranges import step_range
    from gui.export.files import write_scene, write_slides, write_step_gif
    from gui.export.render import StepRig
    from gui.export.training import frame_plan, training_frames

    try:
        stepper = window.controller.stepper
        steps = None
        if args.slides or args.animate:
            steps = step_range(stepper.trace, args.step_from, args.step_to, args.phase)
        if args.slides:
            rig = StepRig(window.controller, args.presenter, window.font_scale)
            pages = write_slides(rig, steps, args.slides, args.aspect)
            rig.close()
            print(f"wrote {args.slides} ({pages} pages, steps {steps[0]} … {steps[-1]})")
        if args.animate:
            rig = StepRig(window.controller, args.presenter, window.font_scale)
            size = frame_size(args.frame_size, (960, 540))
            frames = write_step_gif(rig, steps, args.animate, size, args.delay or STEP_DELAY)
            rig.close()
            print(f"wrote {args.animate} ({frames} frames of {size[0]}x{size[1]})")
        if args.diagram:
            if args.diagram_of == "graph":
                lesson = window.lessons.lesson
                if not (lesson is not None and lesson.kind == "graph"):
                    for _ in range(args.steps):  # --steps stepped the network: step the graph
                        window.graph_tab.controller.step()
                scene, name = window.graph_tab.view.scene(), "computation graph"
            else:
                scene, name = window.network_view.scene(), window.controller.network.name
            width, height = write_scene(scene, args.diagram, window.theme.background, name)
            print(f"wrote {args.diagram} ({name}, {width}x{height})")
        if args.animate_training:
            from gui.export.files import write_gif

            every, total = frame_plan(args.epochs, args.every)
            size = frame_size(args.frame_size, (900, 405))
            problems: list[str] = []
            frames = training_frames(window, args.epochs, every, size, problems)
            count = write_gif(frames, args.animate_training, args.delay or TRAINING_DELAY, total)
            print(f"wrote {args.animate_training} ({count} frames, one per {every} epochs)")
            for problem in problems:
                print(f"warning: training stopped early: {problem}", file=sys.stderr)
    except (ValueError, OSError, Cancelled) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
