"""Start the window, or render it headless to a PNG for slides and tests."""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback

from core.messages import one_line
from gui.export import cli as export_cli


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise ValueError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py",
        description="Backprop Stepper. Commands without a window: trace, train, gradcheck, graph "
        "(try `main.py trace --help`).",
    )
    parser.add_argument("network", nargs="?", help="a network file (JSON) to open")
    parser.add_argument("--example", metavar="NAME", help="open resources/examples/NAME.json")
    parser.add_argument("--steps", type=int, default=0, metavar="N",
                        help="apply N steps before showing (or before the screenshot)")
    parser.add_argument("--train", type=int, default=0, metavar="N",
                        help="train N epochs first (synchronously) and show the Training tab")
    parser.add_argument("--show-epoch", type=int, metavar="K",
                        help="with --train: show the recorded epoch K (the timeline scrubbed "
                        "there) in every view")
    parser.add_argument("--unit-maps", action="store_true",
                        help="fill each unit of the network view with its map over the input "
                        "plane (View ▸ Unit maps; networks with 2 inputs)")
    parser.add_argument("--representation", action="store_true",
                        help="with --train: show the data as each hidden layer sees them")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="render the window offscreen to this PNG file and exit")
    parser.add_argument("--size", default="1280x800", metavar="WxH",
                        help="window size for --screenshot (default 1280x800)")
    parser.add_argument("--presenter", action="store_true", help="presenter mode")
    parser.add_argument("--lesson", metavar="ID|N",
                        help="open a lesson by its id or number (see --list-lessons); --steps and "
                        "--train apply to it")
    parser.add_argument("--layers", action="store_true",
                        help="open the Stepper layer by layer (matrices; key L switches)")
    parser.add_argument("--batch", type=int, metavar="B",
                        help="with --layers: minibatch size B, 1 … 16 (default 1)")
    parser.add_argument("--list-lessons", action="store_true",
                        help="print the lessons' numbers, ids and titles and exit (lessons come "
                        "from resources/lessons, or the folder in $BACKPROP_LESSONS)")
    export_cli.add_arguments(parser)
    return parser


def list_lessons_text() -> str:
    """One line per lesson, "NN  id  title" (no Qt needed)."""
    from core.lessons import list_lessons, order_label

    errors: list[str] = []
    infos = list_lessons(errors=errors)
    for problem in errors:  # a broken file is skipped with one line, the rest are listed
        print(f"warning: lesson skipped: {one_line(problem)}", file=sys.stderr)
    return "\n".join(f"{order_label(info.order, 2)}  {info.id}  {info.title}" for info in infos)


def check_lesson(lesson_id: str) -> None:
    """ValueError with one line naming the valid ids when ``lesson_id`` is not a lesson."""
    from core.lessons import load_lesson

    load_lesson(lesson_id)


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text.strip())
    if not match:
        raise ValueError(f"--size: expected WIDTHxHEIGHT such as 1280x800, not {text!r}")
    w, h = int(match[1]), int(match[2])
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise ValueError(f"--size: {w}x{h} is outside 200x200 … 8000x8000")
    return w, h


def show_unexpected_error(kind, value) -> None:
    """The dialog for an exception that escaped a slot (replaced in tests)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is not None:
        QMessageBox.critical(None, "Unexpected error",
                             f"{kind.__name__}: {value}\n\nThe app keeps running; the details "
                             "are printed on the terminal.")


def install_exception_hook() -> None:
    """Show errors raised in slots in a dialog, print the traceback, and keep the app running."""

    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)
        try:
            sys.modules[__name__].show_unexpected_error(kind, value)
        except Exception:  # the hook itself must never raise
            traceback.print_exc()

    sys.excepthook = hook


def _last_file(window) -> str:
    """The file opened last time, if it still loads; otherwise "" and a warning on stderr."""
    from gui.settings import read_string

    last = read_string(window.settings, "last_file") if window.persist else ""
    if not last:
        return ""
    from core.netfile import load_network

    try:
        load_network(last)
    except (ValueError, OSError) as exc:
        print(f"warning: not reopening the last file ({one_line(exc)}); opening the Mazur "
              "example",
              file=sys.stderr)
        return ""
    return last


def run(argv: list[str]) -> int:
    """Parse the window's arguments and run it; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        size = parse_size(args.size)
        if args.network and args.example:
            raise ValueError("give either a network file or --example, not both")
        if args.steps < 0:
            raise ValueError("--steps must be 0 or more")
        if args.train < 0:
            raise ValueError("--train must be 0 or more")
        if args.list_lessons:
            print(list_lessons_text())
            return 0
        if (args.show_epoch is not None or args.representation) and not args.train:
            raise ValueError("--show-epoch and --representation need --train")
        if args.show_epoch is not None and not 0 <= args.show_epoch <= args.train:
            raise ValueError(f"--show-epoch: an epoch from 0 to {args.train}, not "
                             f"{args.show_epoch}")
        if args.batch is not None and not args.layers:
            raise ValueError("--batch needs --layers")
        if args.batch is not None and not 1 <= args.batch <= 16:
            raise ValueError(f"--batch: a whole number from 1 to 16, not {args.batch}")
        if args.lesson is not None:
            check_lesson(args.lesson)
        if args.screenshot:
            folder = os.path.dirname(os.path.abspath(args.screenshot))
            if not os.path.isdir(folder):
                raise ValueError(f"--screenshot: folder {folder} does not exist")
        export_cli.check_early(args)
    except ValueError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    exporting = export_cli.requested(args)
    if args.screenshot or exporting:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display is needed for a screenshot
    else:
        from gui.platform_check import check_xcb

        problem = check_xcb()  # Qt itself would name only the first missing library
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

    from PySide6.QtWidgets import QApplication

    from core.examples import example_path
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["Backprop Stepper"])
    app.setOrganizationName("BackpropStepper")
    app.setApplicationName("Backprop Stepper")
    window = MainWindow(persist=not (args.screenshot or exporting))
    try:
        from core.examples import is_example
        from core.netfile import load_network

        path = args.network
        if args.example:
            path = example_path(args.example)
        elif not path:
            path = _last_file(window) or example_path("mazur")
        # Examples open as untitled copies: Save asks where, so the shipped file stays intact.
        own_file = not is_example(path)
        window.controller.set_loaded(load_network(path), path if own_file else "")
        if own_file:
            window.files.remember(path)
    except (ValueError, OSError) as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    if args.lesson is not None and not window.open_lesson(args.lesson):
        print(f"error: cannot open lesson {one_line(args.lesson)!r}", file=sys.stderr)
        return 2
    if args.layers:
        try:
            window.controller.layers.set_batch_size(args.batch or 1)
        except ValueError as exc:
            print(f"error: --batch: {exc}", file=sys.stderr)
            return 2
        window.controller.layers.set_on(True)
    lesson = window.lessons.lesson
    on_graph = lesson is not None and lesson.kind == "graph"
    stepped = window.graph_tab.controller if on_graph else window.controller
    for _ in range(args.steps):
        stepped.step()
    if args.unit_maps:
        window.unit_maps_action.setChecked(True)
    if args.train:
        problem = window.train_headless(args.train)
        if problem:
            print(f"warning: {one_line(problem)}", file=sys.stderr)
        tab = window.training_tab
        tab.representation_box.setChecked(args.representation)
        if args.show_epoch is not None:
            tab.build_plots()
            tab.scrubber.scrub(args.show_epoch)
    if exporting:
        window.resize(*size)
        window.show()
        app.processEvents()
        status = export_cli.run(window, args)
        if status or not args.screenshot:
            window.controller.dirty = False  # nothing to ask about when the app quits
            window.close()
            return status
    if args.screenshot:
        return screenshot(app, window, args.screenshot, size, args.presenter)
    install_exception_hook()
    if args.presenter:
        window.show()
        window.presenter_action.setChecked(True)
    else:
        window.show()
    return app.exec()


def screenshot(app, window, path: str, size: tuple[int, int], presenter: bool) -> int:
    """Render ``window`` at ``size`` to ``path``; exit status 0 on success, 2 otherwise."""
    window.resize(*size)
    window.show()
    if presenter:
        window.presenter_action.setChecked(True)
        window.showNormal()  # offscreen there is no screen to fill: keep the requested size
        window.resize(*size)
    app.processEvents()
    window.network_view.fit()
    app.processEvents()
    image = window.grab()
    if not image.save(path, "PNG"):
        print(f"error: could not write {one_line(path)}", file=sys.stderr)
        return 2
    window.controller.dirty = False  # nothing to ask about when the app quits
    window.close()
    return 0
