"""Drawing steps as pages: a private copy of the stepper with its own network view and equation
panel (the same widgets as the window, so pages follow any change to them), painted into any
QPainter: a PDF page, a GIF frame or an SVG.

Graphics items cache themselves as pixmaps on screen; for export the cache is switched off, so
that a PDF or SVG gets vector lines and real text.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QWidget

from core.export.ranges import detached_copy
from core.notation import fmt
from gui.stepper.controller import StepController
from gui.stepper.equation_panel import EquationPanel
from gui.stepper.network_view import NetworkView
from gui.theme import NORMAL, PRESENTER

PRESENTER_SCALE = 1.6  # the window's presenter mode enlarges text by this factor
MARGIN = 0.03  # of the page width
PANEL_SHARE = {False: 0.3, True: 0.38}  # of the page height, by presenter style


def without_cache(scene) -> dict:
    """Switch off every item's pixmap cache; returns what to give back to :func:`restore_cache`."""
    saved = {}
    for item in scene.items():
        mode = item.cacheMode()
        if mode != QGraphicsItem.CacheMode.NoCache:
            saved[item] = mode
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    return saved


def restore_cache(saved: dict) -> None:
    for item, mode in saved.items():
        item.setCacheMode(mode)


def paint_scene(painter: QPainter, scene, target: QRectF, background: QColor | None) -> None:
    """Paint the whole of ``scene`` into ``target``, keeping its aspect, as vectors."""
    if background is not None:
        painter.fillRect(target, background)
    source = scene.sceneRect()
    if source.isEmpty():
        return
    scale = min(target.width() / source.width(), target.height() / source.height())
    fitted = QRectF(0, 0, source.width() * scale, source.height() * scale)
    fitted.moveCenter(target.center())  # Qt's own KeepAspectRatio keeps the top left corner
    saved = without_cache(scene)
    try:
        scene.render(painter, fitted, source, Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        restore_cache(saved)


class StepRig:
    """The pages of one sample: ``paint(painter, width, height, step)`` draws step ``step``
    (the cursor after that many operations) as the window shows it."""

    def __init__(self, source: StepController, presenter: bool = False,
                 font_scale: float = 1.0) -> None:  # fmt: skip
        if source.stepper is None:
            raise ValueError("there is no network to export")
        self.presenter = presenter
        self.theme = PRESENTER if presenter else NORMAL
        scale = font_scale * (PRESENTER_SCALE if presenter else 1.0)
        self.controller = StepController()
        self.controller.stepper = detached_copy(source.stepper)
        self.controller.loaded = source.loaded
        self.stepper = self.controller.stepper
        # Never on screen, but "shown", so that Qt lays the panel out as in the window.
        self.host = QWidget()
        self.host.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view = NetworkView(self.controller, self.theme, self.host)
        self.view.set_font_scale(scale)  # builds the scene for this network
        self.panel = EquationPanel(self.controller, self.host)
        self.panel.set_font_scale(scale)
        self.panel.setAutoFillBackground(False)
        self.host.show()

    @property
    def steps(self) -> int:
        """The number of operations of the sample (steps run from 0 to this)."""
        return len(self.stepper.trace)

    def go(self, step: int) -> None:
        self.stepper.cursor = step
        self.controller.state_changed.emit()

    def close(self) -> None:
        self.host.close()
        self.host.deleteLater()

    def paint(self, painter: QPainter, width: float, height: float, step: int) -> None:
        """Draw step ``step`` on a page of ``width`` × ``height`` logical pixels."""
        self.go(step)
        margin = MARGIN * width
        inner = width - 2 * margin
        painter.fillRect(QRectF(0, 0, width, height), self.theme.background)
        # The footer: which network, which step.
        footer_font = QFont(self.panel.font())
        footer_font.setPixelSize(max(9, round(height * (0.022 if self.presenter else 0.018))))
        painter.setFont(footer_font)
        painter.setPen(self.theme.muted)
        footer_h = footer_font.pixelSize() * 1.8
        footer = QRectF(margin, height - footer_h, inner, footer_h)
        net = self.stepper.network
        painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{net.name} · sample {self.stepper.samples_done + 1}")  # fmt: skip
        painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"step {step} of {self.steps}")  # fmt: skip
        # The equation panel at the bottom, at least its share of the page.
        panel_w = round(inner)
        needed = self.panel.heightForWidth(panel_w)
        if needed <= 0:
            needed = self.panel.sizeHint().height()
        panel_h = round(max(PANEL_SHARE[self.presenter] * height, needed))
        panel_h = min(panel_h, round(height - footer_h - 2 * margin - 0.2 * height))
        self.panel.setGeometry(0, 0, panel_w, panel_h)
        self.panel.layout().activate()
        panel_top = height - footer_h - panel_h
        painter.save()
        painter.translate(margin, panel_top)
        self.panel.render(painter, QPoint(0, 0), renderFlags=QWidget.RenderFlag.DrawChildren)
        painter.restore()
        # The network above it, fitted as the window fits it.
        area = QRectF(margin, margin, inner, panel_top - 1.5 * margin)
        self.view.setGeometry(0, 0, round(area.width()), round(area.height()))
        self.view.fit()
        paint_scene(painter, self.view.scene(), area, None)

    def image(self, width: int, height: int, step: int, page_width: int = 1280) -> QImage:
        """Step ``step`` as a picture of ``width`` × ``height`` pixels: the page is laid out
        ``page_width`` logical pixels wide (as the slides are) and scaled to the picture."""
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(self.theme.background)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scale = width / page_width
        painter.scale(scale, scale)
        try:
            self.paint(painter, page_width, height / scale, step)
        finally:
            painter.end()
        return image


def step_title(rig: StepRig, step: int) -> str:
    """A line naming a step, for PDF outlines and progress labels."""
    rig.go(step)
    op = rig.stepper.current
    return "start" if op is None else f"{op.phase} · {fmt(op.value)}"
