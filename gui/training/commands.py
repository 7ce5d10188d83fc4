"""Undo commands of the training dock: each holds the settings before and after one change and,
when the change replaced the network, the network as it was, so that Ctrl+Z restores it."""

from __future__ import annotations

import time

from PySide6.QtGui import QUndoCommand

from core.network import Network
from gui.training.settings import TrainSettings

MERGE_SECONDS = 1.5  # edits of one field closer together than this undo as one


class SettingsCommand(QUndoCommand):
    """Change the training settings from ``old`` to ``new``.

    Parameters
    ----------
    controller : the :class:`gui.training.controller.TrainingController` that applies them.
    rebuild : whether the change builds a new network (then ``old_network`` is kept for undo).
    merge_key : consecutive commands with the same non-empty key merge into one.
    """

    def __init__(
        self,
        controller,
        old: TrainSettings,
        new: TrainSettings,
        text: str,
        old_network: Network | None,
        rebuild: bool,
        merge_key: str = "",
    ) -> None:
        super().__init__(text)
        self.controller = controller
        self.old, self.new = old, new
        self.old_network = old_network
        self.rebuild = rebuild
        self.merge_key = merge_key
        self.when = time.monotonic()

    def redo(self) -> None:
        self.controller.apply(self.new, rebuild=self.rebuild)

    def undo(self) -> None:
        network = self.old_network.copy() if self.old_network is not None else None
        self.controller.apply(self.old, network=network)

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return 7301 if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt override)
        if not isinstance(other, SettingsCommand) or other.merge_key != self.merge_key:
            return False
        if other.when - self.when > MERGE_SECONDS or other.rebuild != self.rebuild:
            return False
        self.new = other.new
        self.when = other.when
        return True
