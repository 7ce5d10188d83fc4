"""File ▸ Export: the same exports as the command line, with a dialog for their options, a
progress dialog that can cancel the long ones, and the name of what was written in the status
bar. ``ask_path`` and ``ask_options`` are attributes, so that tests can answer them."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog

from core.export.formats import render_trace
from core.export.paths import Cancelled, check_output_path, write_text
from core.export.ranges import step_range
from gui.export.dialog import ExportOptionsDialog
from gui.export.latex_actions import CopyLatexActions

STATUS_TIME = 10_000  # ms the status bar names the file written
ANIMATION_FILTER = "GIF animation (*.gif);;Animated PNG (*.png)"


class ExportMenu(QObject):
    """The Export submenu of ``file_menu`` (inserted above its last separator)."""

    def __init__(self, window, file_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.ask_path = self._ask_path
        self.ask_options = self._ask_options
        self.progress_dialog = None  # the open one, while an export runs
        self.menu = QMenu("E&xport", window)
        self.actions = {}
        for key, text in (("slides", "&Slides (PDF)…"),
                          ("animate", "&Animation of the steps (GIF)…"),
                          ("animate_training", "Animation of &training (GIF)…"),
                          ("diagram", "&Network diagram (SVG, PDF)…"),
                          ("graph_diagram", "&Computation graph diagram (SVG, PDF)…"), ("", ""),
                          ("latex", "Trace as &LaTeX…"),
                          ("markdown-math", "Trace as &Markdown with math…"),
                          ("ipynb", "Note&book (Jupyter)…")):  # fmt: skip
            if not key:
                self.menu.addSeparator()
                continue
            action = self.menu.addAction(text)
            action.triggered.connect(lambda checked=False, k=key: self.export(k))
            self.actions[key] = action
        self.menu.addSeparator()
        self.copy_latex = CopyLatexActions(window.equation_panel, window.controller, window,
                                           self._copied)  # fmt: skip
        self.menu.addActions([self.copy_latex.formula, self.copy_latex.substituted])
        window.addAction(self.copy_latex.formula)
        separators = [a for a in file_menu.actions() if a.isSeparator()]
        before = separators[-1] if separators else None
        file_menu.insertMenu(before, self.menu)

    # -- questions ------------------------------------------------------------------------

    def _ask_path(self, title: str, name_filter: str, suffix: str) -> str:
        dialog = QFileDialog(self.window, title, os.getcwd(), name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return ""
        return dialog.selectedFiles()[0]

    def _ask_options(self, kind: str) -> dict | None:
        stepper = self.window.controller.stepper
        dialog = ExportOptionsDialog(kind, len(stepper.trace), self.window.presenter,
                                     self.window)  # fmt: skip
        accepted = dialog.exec() == ExportOptionsDialog.DialogCode.Accepted
        return dialog.options() if accepted else None

    def _copied(self, text: str) -> None:
        self.window.statusBar().showMessage(f"Copied to the clipboard: {text}", STATUS_TIME)

    # -- progress -------------------------------------------------------------------------

    def _progress(self, title: str):
        """A progress callback ``(done, total) -> go on?`` backed by a QProgressDialog."""
        dialog = QProgressDialog(title, "Cancel", 0, 1, self.window)
        dialog.setWindowTitle("Export")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        self.progress_dialog = dialog

        def report(done: int, total: int) -> bool:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            QCoreApplication.processEvents()
            return not dialog.wasCanceled()

        return report

    # -- exporting ------------------------------------------------------------------------

    FILTERS = {
        "slides": ("Export slides", "PDF (*.pdf)", "pdf"),
        "animate": ("Export animation of the steps", ANIMATION_FILTER, "gif"),
        "animate_training": ("Export animation of training", ANIMATION_FILTER, "gif"),
        "diagram": ("Export network diagram", "SVG drawing (*.svg);;PDF (*.pdf)", "svg"),
        "graph_diagram": ("Export computation graph", "SVG drawing (*.svg);;PDF (*.pdf)", "svg"),
        "latex": ("Export trace as LaTeX", "LaTeX (*.tex)", "tex"),
        "markdown-math": ("Export trace as Markdown", "Markdown (*.md)", "md"),
        "ipynb": ("Export notebook", "Jupyter notebook (*.ipynb)", "ipynb"),
    }

    def export(self, kind: str) -> str:
        """Ask for the options and the file, write it; returns the status message shown."""
        window = self.window
        if window.controller.stepper is None:
            window.show_error("Cannot export", "There is no network to export.")
            return ""
        options: dict = {}
        if kind in ("slides", "animate", "animate_training"):
            options = self.ask_options(kind)
            if options is None:
                return ""
        title, name_filter, suffix = self.FILTERS[kind]
        path = self.ask_path(title, name_filter, suffix)
        if not path:
            return ""
        try:
            message = self._write(kind, path, options)
        except Cancelled:
            message = "Export cancelled; nothing was written."
        except (ValueError, OSError) as exc:
            window.show_error("Cannot export", str(exc))
            return ""
        finally:
            if self.progress_dialog is not None:
                self.progress_dialog.close()
                self.progress_dialog.deleteLater()
                self.progress_dialog = None
        window.statusBar().showMessage(message, STATUS_TIME)
        return message

    def _write(self, kind: str, path: str, options: dict) -> str:
        from gui.export.files import write_gif, write_scene, write_slides, write_step_gif
        from gui.export.render import StepRig
        from gui.export.training import frame_plan, training_frames

        window = self.window
        controller = window.controller
        name = os.path.basename(path)
        if kind in ("latex", "markdown-math", "ipynb"):
            extension = {"latex": ".tex", "markdown-math": ".md", "ipynb": ".ipynb"}[kind]
            path = check_output_path(path, (extension,), "export")
            write_text(path, render_trace(kind, controller.loaded, controller.stepper))
            return f"Wrote {path}"
        if kind in ("diagram", "graph_diagram"):
            if kind == "graph_diagram":
                scene, title = window.graph_tab.view.scene(), "computation graph"
            else:
                scene, title = window.network_view.scene(), controller.network.name
            width, height = write_scene(scene, path, window.theme.background, title)
            return f"Wrote {path} ({width}×{height})"
        if kind == "animate_training":
            every, total = frame_plan(options["epochs"], options.get("every"))
            check_output_path(path, (".gif", ".png"), "animation")
            problems: list[str] = []
            frames = training_frames(window, options["epochs"], every, (900, 405), problems)
            count = write_gif(frames, path, options.get("delay", 80), total,
                              self._progress(f"Training and drawing {name}…"))  # fmt: skip
            extra = f"; training stopped early: {problems[0]}" if problems else ""
            return f"Wrote {path} ({count} frames){extra}"
        steps = step_range(controller.stepper.trace, options.get("from"), options.get("to"),
                           options.get("phase"))  # fmt: skip
        rig = StepRig(controller, options.get("presenter", False), window.font_scale)
        try:
            progress = self._progress(f"Drawing {name}…")
            if kind == "slides":
                pages = write_slides(rig, steps, path, options.get("aspect", "16:9"), progress)
                return f"Wrote {path} ({pages} pages)"
            frames = write_step_gif(rig, steps, path, (960, 540), options.get("delay", 900),
                                    progress)  # fmt: skip
            return f"Wrote {path} ({frames} frames)"
        finally:
            rig.close()
