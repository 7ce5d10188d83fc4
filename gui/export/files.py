"""Writing the exports: slides (PDF, one page per step), animations (GIF through Pillow) and
vector diagrams (SVG, PDF) of a graphics scene.

Every writer checks its path first (a bad one is one ValueError and nothing is written), writes
to a temporary file renamed over the target at the end, and calls ``progress(done, total)``
between pages or frames: when that returns False the export stops, raises Cancelled and leaves
nothing behind.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image
from PySide6.QtCore import QMarginsF, QRect, QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator

from core.export.paths import Cancelled, atomic_target, check_output_path
from core.export.ranges import ASPECTS
from gui.export.render import StepRig, paint_scene

Progress = Callable[[int, int], bool]
DPI = 96  # one logical pixel of a page is one pixel of the screen
MAX_FRAMES = 400  # Pillow holds every frame of a GIF in memory until it is written
ANIMATIONS = (".gif", ".png")  # an animated GIF, or an animated PNG (APNG: full colour)


def _go_on(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled()


def _pdf_writer(path: str, width: float, height: float, title: str) -> QPdfWriter:
    writer = QPdfWriter(path)
    writer.setResolution(DPI)
    size = QPageSize(QSizeF(width * 72 / DPI, height * 72 / DPI), QPageSize.Unit.Point,
                     "export", QPageSize.SizeMatchPolicy.ExactMatch)  # fmt: skip
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF()))
    writer.setTitle(title)
    writer.setCreator("Backprop Stepper")
    return writer


def write_slides(rig: StepRig, steps: list[int], path: str, aspect: str = "16:9",
                 progress: Progress | None = None) -> int:  # fmt: skip
    """One PDF page per step; returns the number of pages."""
    path = check_output_path(path, (".pdf",), "slides")
    if aspect not in ASPECTS:
        raise ValueError(f"slides: page shape {aspect!r} (expected one of: {', '.join(ASPECTS)})")
    width, height = ASPECTS[aspect]
    with atomic_target(path) as temp:
        writer = _pdf_writer(temp, width, height, rig.stepper.network.name)
        painter = QPainter()
        if not painter.begin(writer):
            raise OSError(f"could not write {path}")
        try:
            for n, step in enumerate(steps):
                _go_on(progress, n, len(steps))
                if n:
                    writer.newPage()
                rig.paint(painter, width, height, step)
        finally:
            painter.end()
        _go_on(progress, len(steps), len(steps))
    return len(steps)


def qimage_to_pil(image: QImage) -> Image.Image:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(image.constBits())
    return Image.frombuffer("RGB", (image.width(), image.height()), data, "raw", "RGB",
                            image.bytesPerLine(), 1)  # fmt: skip


def write_gif(frames, path: str, delay_ms: int, total: int,
              progress: Progress | None = None) -> int:  # fmt: skip
    """An animated GIF (or APNG, by the extension) of the QImages that ``frames`` yields
    (``total`` of them); returns the number of frames. Each GIF frame keeps its own palette, so
    colours stay true; Pillow stores only the part of a frame that changed."""
    path = check_output_path(path, ANIMATIONS, "animation")
    if not 10 <= delay_ms <= 60_000:
        raise ValueError(f"animation: frame delay {delay_ms} ms is outside 10 … 60000")
    if total > MAX_FRAMES:
        raise ValueError(f"animation: {total} frames is too many (at most {MAX_FRAMES}): "
                         "choose fewer steps or more epochs per frame")
    png = path.lower().endswith(".png")
    pictures: list[Image.Image] = []
    for n, frame in enumerate(frames):
        _go_on(progress, n, total)
        picture = qimage_to_pil(frame)
        pictures.append(picture if png else picture.quantize(colors=255, dither=Image.Dither.NONE))
    if not pictures:
        raise ValueError("animation: no frames to write")
    with atomic_target(path) as temp:
        pictures[0].save(temp, format="PNG" if png else "GIF", save_all=True,
                         append_images=pictures[1:], duration=delay_ms, loop=0)  # fmt: skip
    _go_on(progress, total, total)
    return len(pictures)


def write_step_gif(rig: StepRig, steps: list[int], path: str, size: tuple[int, int] = (960, 540),
                   delay_ms: int = 900, progress: Progress | None = None) -> int:  # fmt: skip
    """An animated GIF with one frame per step."""
    check_output_path(path, ANIMATIONS, "animation")
    frames = (rig.image(size[0], size[1], step, ASPECTS["16:9"][0]) for step in steps)
    return write_gif(frames, path, delay_ms, len(steps), progress)


def write_scene(scene, path: str, background, title: str = "") -> tuple[int, int]:
    """The whole scene as SVG or PDF (by the extension), vectors and text; returns its size."""
    path = check_output_path(path, (".svg", ".pdf"), "diagram")
    rect = scene.sceneRect()
    if rect.isEmpty():
        raise ValueError("diagram: there is nothing to draw")
    width, height = math.ceil(rect.width()), math.ceil(rect.height())
    with atomic_target(path) as temp:
        if path.lower().endswith(".svg"):
            device = QSvgGenerator()
            device.setFileName(temp)
            device.setSize(QSize(width, height))
            device.setViewBox(QRect(0, 0, width, height))
            device.setTitle(title)
            device.setResolution(DPI)
        else:
            device = _pdf_writer(temp, width, height, title)
        painter = QPainter()
        if not painter.begin(device):
            raise OSError(f"could not write {path}")
        try:
            paint_scene(painter, scene, QRectF(0, 0, width, height), background)
        finally:
            painter.end()
        del device  # the SVG is complete only once its generator is gone
    return width, height
