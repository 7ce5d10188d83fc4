"""Lesson files: the format, finding the files and reading them (the checks are in schema.py)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from core.fields import (
    FieldError,
    check_text,
)
from core.lessons.controls import Control
from core.messages import file_label, one_line

FORMAT = "backprop-lesson"
VERSION = 1
KINDS = (
    "graph", "step", "compare", "surface", "gradients", "herd", "collapse", "regions", "recipe",
)  # fmt: skip
VIEWS = ("graph", "stepper", "training")
FOCUSES = (
    "equation", "counts", "network", "loss", "saturation", "gradients", "paths", "similarity",
    "boundary", "code",
)  # fmt: skip
TRAINING_KINDS = KINDS[2:]
TOP_KEYS = (
    "format", "version", "id", "order", "title", "section", "explanation", "look_at", "try_this",
    "kind", "view", "focus", "network", "dataset", "training", "runs", "params", "controls",
)  # fmt: skip
DATASET_KEYS = ("name", "samples", "noise", "train_fraction", "seed")
SETTING_KEYS = (
    "epochs", "batch_size", "l2", "seed", "shuffle", "learning_rate", "optimizer", "activation",
    "init", "hidden", "train_biases", "grad_noise",
)  # fmt: skip
PARAM_KEYS = {
    "compare": ("updates",),
    "graph": ("expression", "values", "wrt", "mode"),
    "surface": ("weights", "extent", "resolution"),
    "regions": ("extent", "resolution"),
    "recipe": ("steps",),
}
EXTENT = 6.0  # the built-in data sets live in [-6, 6]²
MAX_WORDS = 250  # of a lesson's explanation paragraphs; the shipped ones keep to 80–160
FOLDER_VARIABLE = "BACKPROP_LESSONS"  # a folder of lesson files to use instead of the shipped
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
WEIGHT_KEY = re.compile(r"w:(\d+):(\d+):(\d+)")


class LessonFileError(ValueError):
    """A lesson file is invalid; the message starts with the file name and the field."""


@dataclass(frozen=True)
class LessonInfo:
    """What a lessons menu needs: the id, the position and the title, and the file."""

    id: str
    order: int | float
    title: str
    path: str


@dataclass(frozen=True)
class RunSpec:
    """One run of a comparison: its label and the settings it changes."""

    label: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class Lesson:
    """A validated lesson file (see the module docstring for the fields).

    ``network`` is the network-file dict (a named example is read into one; ``None`` for graph
    lessons), ``dataset`` has every field filled in, ``training`` holds the lesson-wide settings.
    """

    id: str
    order: int
    title: str
    section: str
    explanation: tuple[str, ...]
    look_at: str
    try_this: str
    kind: str
    view: str
    focus: str
    network: dict[str, Any] | None
    network_source: str
    dataset: dict[str, Any] | None
    training: dict[str, Any]
    runs: tuple[RunSpec, ...]
    params: dict[str, Any]
    path: str = ""
    controls: tuple[Control, ...] = ()

    @property
    def info(self) -> LessonInfo:
        return LessonInfo(self.id, self.order, self.title, self.path)

    def words(self) -> int:
        """Words in the explanation paragraphs."""
        return sum(len(p.split()) for p in self.explanation)


# -- finding and reading lesson files ---------------------------------------------------------


def lessons_folder() -> Path:
    """The folder of the lessons: $BACKPROP_LESSONS when set (a teacher's own set, or a test's),
    else the shipped ones in resources/lessons."""
    own = os.environ.get(FOLDER_VARIABLE)
    if own:
        return Path(own)
    return Path(str(resources.files("resources") / "lessons"))


def list_lessons(
    folder: str | os.PathLike[str] | None = None, errors: list[str] | None = None
) -> list[LessonInfo]:
    """The lessons in ``folder`` (default: the shipped ones), sorted by order.

    A bad file raises :class:`LessonFileError`; with an ``errors`` list it is skipped and its
    message appended instead, so a menu can still show the good ones. Two files with the same
    id or order are an error too.
    """
    folder = Path(folder) if folder is not None else lessons_folder()
    infos: list[LessonInfo] = []
    for path in _lesson_files(folder):
        try:
            lesson = _load_listed(path)
            for other in infos:
                if other.id == lesson.id:
                    raise LessonFileError(
                        f"{path.name}: id: {lesson.id!r} is also the id of {Path(other.path).name}"
                    )
                if other.order == lesson.order:
                    raise LessonFileError(
                        f"{path.name}: order: {lesson.order} is also the order of "
                        f"{Path(other.path).name}"
                    )
        except LessonFileError as exc:
            if errors is None:
                raise
            errors.append(one_line(exc))
            continue
        infos.append(lesson.info)
    return sorted(infos, key=lambda info: info.order)


def _lesson_files(folder: Path) -> list[Path]:
    """The *.json files of ``folder`` (dangling links too: they are reported, not skipped
    silently); a folder that cannot be read is a LessonFileError."""
    try:
        return sorted(p for p in folder.iterdir() if p.name.endswith(".json"))
    except OSError as exc:
        raise LessonFileError(
            f"{one_line(folder)}: cannot read the lessons folder ({exc.strerror or exc})"
        ) from None


def _load_listed(path: Path) -> Lesson:
    """load_lesson for a listing: a file that cannot be read at all is a LessonFileError too."""
    try:
        return load_lesson(path)
    except LessonFileError:
        raise
    except OSError as exc:
        if path.is_symlink() and not path.exists():
            problem = "a link to a file that does not exist"
        else:
            problem = f"cannot be read ({exc.strerror or exc})"
        raise LessonFileError(f"{file_label(path)}: {problem}") from None

def load_lesson(
    id_or_path: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None
) -> Lesson:
    """A lesson by id (looked up in ``folder``, default the shipped lessons) or by file path."""
    text = os.fspath(id_or_path)
    path = Path(text)
    if not (text.endswith(".json") or path.is_file()):
        path = _find(text, Path(folder) if folder is not None else lessons_folder())
    name = file_label(path)
    with open(path, encoding="utf-8-sig") as fh:
        try:
            data = fh.read()
        except UnicodeDecodeError as exc:
            raise LessonFileError(f"{name}: not UTF-8 text ({exc.reason})") from None
    return loads_lesson(data, source=name, path=str(path))


def _find(lesson_id: str, folder: Path) -> Path:
    try:
        files = _lesson_files(folder)
    except LessonFileError:
        files = []
    for path in files:  # NN-slug.json names the id: try those files first
        if path.stem.split("-", 1)[-1] == lesson_id:
            return path
    for path in files:
        try:
            if json.loads(path.read_text(encoding="utf-8-sig")).get("id") == lesson_id:
                return path
        except (ValueError, OSError, AttributeError, RecursionError):
            continue
    infos = list_lessons(folder, errors=[]) if files else []
    if re.fullmatch(r"[0-9]+(\.[0-9])?", lesson_id):  # a number, as --list-lessons prints it
        for info in infos:
            if info.order == float(lesson_id):
                return Path(info.path)
    known = ", ".join(info.id for info in infos)
    numbers = f"; or a number: {', '.join(str(info.order) for info in infos)}" if infos else ""
    raise ValueError(f"no lesson {one_line(lesson_id)!r} (lessons: {known or 'none'}{numbers})")


def loads_lesson(text: str, source: str = "<string>", path: str = "") -> Lesson:
    """Parse and validate the text of a lesson file; ``source`` starts every error message."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonFileError(
            f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise LessonFileError(f"{source}: invalid JSON: {exc}") from None
    try:
        check_text(data)
        from core.lessons.schema import lesson_from_data  # the schema needs this module's types

        return lesson_from_data(data, source, path)
    except FieldError as exc:
        raise LessonFileError(f"{source}: {exc}") from None

