"""The frames of a training animation: the window trains k epochs at a time (as its Train
button does, synchronously) and each frame is the decision-boundary and loss plots of the
Training tab side by side, as they stand after those epochs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

DEFAULT_FRAMES = 40  # frames of an animation when no epoch interval is given
MAX_TRAINING_FRAMES = 400  # as gui.export.files.MAX_FRAMES (not imported: no Pillow at start-up)


def frame_plan(epochs: int, every: int | None) -> tuple[int, int]:
    """(epochs per frame, frames): a first frame before training, then one per ``every``."""
    if epochs < 1:
        raise ValueError(f"--epochs must be at least 1, not {epochs}")
    every = max(1, epochs // DEFAULT_FRAMES) if every is None else every
    if every < 1:
        raise ValueError(f"--every must be at least 1, not {every}")
    frames = 1 + -(-epochs // every)
    if frames > MAX_TRAINING_FRAMES:
        raise ValueError(f"--every {every} gives {frames} frames, more than "
                         f"{MAX_TRAINING_FRAMES}: take more epochs per frame")
    return every, frames


def _caption(plot) -> str:
    """The plot's title and its line of numbers (the epoch and the losses), when it has them."""
    title = getattr(plot, "title", "")
    info = getattr(plot, "info", None)
    text = info.text() if info is not None and hasattr(info, "text") else ""
    return " · ".join(part for part in (title, text) if part)


def _compose(plots, size: tuple[int, int]) -> QImage:
    """The plots side by side, each under its caption; only the plotting area of each is
    grabbed (its buttons and boxes are left out) when the panel exposes it as ``view``."""
    width, height = size
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = painter.font()
    font.setPixelSize(max(10, round(height * 0.035)))
    painter.setFont(font)
    caption_h = font.pixelSize() * 3.0  # two lines: a caption wraps rather than being cut
    try:
        slot = width / len(plots)
        for k, plot in enumerate(plots):
            painter.setPen(QColor("#1d1d1f"))
            painter.drawText(QRectF(k * slot + 8, 2, slot - 16, caption_h - 2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, _caption(plot))  # fmt: skip
            area = getattr(plot, "view", None)
            pixmap = (area if area is not None else plot).grab()
            target = QRectF(k * slot, caption_h, slot, height - caption_h)
            scaled = pixmap.size().scaled(int(target.width()), int(target.height()),
                                          Qt.AspectRatioMode.KeepAspectRatio)  # fmt: skip
            x = target.x() + (target.width() - scaled.width()) / 2
            y = target.y() + (target.height() - scaled.height()) / 2
            painter.drawPixmap(QRectF(x, y, scaled.width(), scaled.height()), pixmap,
                               QRectF(pixmap.rect()))  # fmt: skip
    finally:
        painter.end()
    return image


def training_frames(window, epochs: int, every: int, size: tuple[int, int], problems: list):
    """Yield the frames; a reason training stopped early (divergence) is appended to
    ``problems`` and ends the animation there."""
    tab = window.training_tab
    window.tabs.setCurrentWidget(tab)
    tab.build_plots()
    plots = [p for p in (getattr(tab, "boundary_plot", None), getattr(tab, "loss_plot", None))
             if p is not None] or [tab]  # fmt: skip
    problem = window.training.can_train()
    if problem:
        raise ValueError(problem)
    QCoreApplication.processEvents()
    yield _compose(plots, size)
    done = 0
    while done < epochs:
        chunk = min(every, epochs - done)
        problem = window.training.train_sync(chunk)
        done += chunk
        QCoreApplication.processEvents()
        yield _compose(plots, size)
        if problem:
            problems.append(problem)
            return
