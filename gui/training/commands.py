"""Undo commands of the training dock: each holds the settings before and after one change and,
when the change started a new run, the run it replaced (weights, history, epoch), so that Ctrl+Z
brings that run back as it was."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from core.network import Network
from core.training import Trainer
from gui.training.history import HistoryStore
from gui.training.settings import TrainSettings
from gui.training.worker import Cursor

MERGE_SECONDS = 1.5  # edits of one field closer together than this undo as one


@dataclass
class RunState:
    """A training run as an undo command keeps it: the trainer (its network, optimizer state
    and epoch), the GUI's history of it and the row bookkeeping."""

    trainer: Trainer | None
    store: HistoryStore
    cursor: Cursor
    problem: str
    network: Network | None  # the stepped network then (when there is no trainer)


class SettingsCommand(QUndoCommand):
    """Change the training settings from ``old`` to ``new``.

    Parameters
    ----------
    controller : the :class:`gui.training.controller.TrainingController` that applies them.
    old_run : the run (a ``RunState``) the change replaces, when ``new_run``.
    new_run : whether the change starts a new run (fresh weights, history from epoch 0);
        otherwise the run continues and the epoch of the change is marked.
    merge_key : consecutive commands with the same non-empty key merge into one.
    """

    def __init__(
        self,
        controller,
        old: TrainSettings,
        new: TrainSettings,
        text: str,
        old_run,
        new_run: bool,
        merge_key: str = "",
    ) -> None:
        super().__init__(text)
        self.controller = controller
        self.old, self.new = old, new
        self.old_run = old_run
        self.new_run = new_run
        self.merge_key = merge_key
        self.when = time.monotonic()

    def redo(self) -> None:
        self.controller.apply(self.new, new_run=self.new_run, mark=self.text())

    def undo(self) -> None:
        if self.new_run:
            self.controller.apply(self.old, restore=self.old_run)
        else:
            self.controller.apply(self.old, mark=f"undo: {self.text()}")

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return 7301 if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt override)
        if not isinstance(other, SettingsCommand) or other.merge_key != self.merge_key:
            return False
        if other.when - self.when > MERGE_SECONDS or other.new_run != self.new_run:
            return False
        self.new = other.new
        self.when = other.when
        self.setText(other.text())
        return True
