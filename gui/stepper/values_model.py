"""The Values dock's table model: rows of labels and value cells, formatted as Qt paints
them; and the parsing and naming of what the user edits in a cell."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush

from core.notation import MINUS, fmt
from core.trace import unit_name

HEADER_TIPS = {
    "u": "u = g(z), the unit's output; in layer 0 the input x",
    "δ": "δ = ∂L/∂z, which is also ∂L/∂b, the gradient of the bias",
    "∂L/∂b": "layer by layer: the batch's mean of δ",
    "y": "the target of an output unit",
    "j": "unit j of this layer",
    "i": "unit i of the layer below",
    "change": "new w − w",
}
EDITABLE = ("w:", "b:", "y:", "u:0:")  # the given values; everything else is computed
Role = Qt.ItemDataRole
# Built once: combining Qt flags in Python is slow enough to show when painting 1,000 cells.
READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
EDITABLE_FLAGS = READ_ONLY | Qt.ItemFlag.ItemIsEditable
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def parse_value(text: str) -> float:
    """A finite float from what the user typed ("−0.5", "0,5" and "1e-3" all work)."""
    cleaned = text.strip().replace(MINUS, "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text}” is not a number.") from None
    if not math.isfinite(value):
        raise ValueError(f"“{text}” is not a finite number.")
    return value


def describe_key(network, key: str) -> str:
    """Plain words for an editable value: "the weight from input 1 to hidden unit 2"."""
    kind, *idx = key.split(":")
    idx = [int(k) for k in idx]
    if kind == "w":
        l, j, i = idx
        return f"the weight from {unit_name(network, l - 1, i)} to {unit_name(network, l, j)}"
    if kind == "b":
        return f"the bias of {unit_name(network, idx[0], idx[1])}"
    if kind == "y":
        return f"the target of output unit {idx[0] + 1}"
    if kind == "u" and idx[0] == 0:
        return unit_name(network, 0, idx[1])
    return key


class ValuesModel(QAbstractTableModel):
    """Rows of fixed labels followed by value cells; a value cell is a key of ``values``, a
    (w key, new w key) pair for the change, or None for a cell that never holds a value.

    ``commit(key, text) -> bool`` is called when a cell is edited (set by the dock).
    """

    def __init__(self, headers: tuple[str, ...], fixed: int, commit, parent=None) -> None:
        super().__init__(parent)
        self.headers, self.fixed, self.commit = headers, fixed, commit
        self.rows: list[tuple[tuple[str, ...], tuple]] = []
        self.values: dict[str, float] = {}
        self.brushes: dict[str, QBrush] = {}  # key -> tint of the current operation's cells
        self.marked_row = -1
        self.row_brush = QBrush()
        self._index_of: dict[str, tuple[int, int]] = {}
        self.aliases: dict[str, str] = {}  # key -> the key whose cell shows it (∂L/∂b: δ)

    def set_rows(self, rows: list[tuple[tuple[str, ...], tuple]]) -> None:
        self.beginResetModel()
        self.rows, self.brushes, self.marked_row = rows, {}, -1
        self._index_of = {
            key: (r, c + self.fixed)
            for r, (_, keys) in enumerate(rows)
            for c, key in enumerate(keys)
            if isinstance(key, str)
        }
        for key, shown_as in self.aliases.items():
            if shown_as in self._index_of:
                self._index_of[key] = self._index_of[shown_as]
        self.endResetModel()

    def index_of(self, key: str) -> QModelIndex:
        """The cell that shows ``key`` (an invalid index if none does)."""
        r, c = self._index_of.get(key, (-1, -1))
        return self.index(r, c) if r >= 0 else QModelIndex()

    def refreshed(self, keys: set[str] | None = None) -> None:
        """Tell the views that the rows showing ``keys`` (None: all rows) changed."""
        if keys is None:
            rows = [(0, len(self.rows) - 1)] if self.rows else []
        else:  # the views then repaint only these rows, not the whole table
            found = (self._index_of.get(key) for key in keys)
            rows = [(r, r) for r in sorted({cell[0] for cell in found if cell is not None})]
        last = len(self.headers) - 1
        for first, final in rows:
            self.dataChanged.emit(self.index(first, 0), self.index(final, last))

    def value(self, key) -> float | None:
        if isinstance(key, tuple):
            old, new = self.values.get(key[0]), self.values.get(key[1])
            return None if old is None or new is None else new - old
        return None if key is None else self.values.get(key)

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Role.DisplayRole:
                return self.headers[section]
            if role == Role.ToolTipRole:
                return HEADER_TIPS.get(self.headers[section])
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if index.column() >= self.fixed:
            key = self.rows[index.row()][1][index.column() - self.fixed]
            if isinstance(key, str) and key.startswith(EDITABLE):
                return EDITABLE_FLAGS
        return READ_ONLY

    def data(self, index: QModelIndex, role: int = Role.DisplayRole):
        r, c = index.row(), index.column()
        labels, keys = self.rows[r]
        if c < self.fixed:
            if role == Role.DisplayRole:
                return labels[c]
            if role == Role.ToolTipRole:
                return labels[-1]  # the row in words: "hidden unit 2", "from input 1 to …"
            if role == Role.BackgroundRole and r == self.marked_row:
                return self.row_brush
            return None
        key = keys[c - self.fixed]
        if role == Role.DisplayRole:
            value = self.value(key)
            return "" if value is None else fmt(value)
        if role == Role.EditRole:  # the editor starts from the exact value, not the rounded one
            value = self.value(key)
            return "" if value is None else repr(value)
        if role == Role.TextAlignmentRole:
            return RIGHT
        if role == Role.BackgroundRole:
            brush = self.brushes.get(key) if isinstance(key, str) else None
            if brush is None and r == self.marked_row:
                brush = self.row_brush
            return brush
        if role == Role.ToolTipRole:
            value = self.value(key)
            if value is None:
                return None
            tip = f"{value:.12g}".replace("-", MINUS)
            if isinstance(key, str) and key.startswith(EDITABLE):
                tip += "  (double-click to edit)"
            return tip
        return None

    def setData(self, index: QModelIndex, value, role: int = Role.EditRole) -> bool:
        if role != Role.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        key = self.rows[index.row()][1][index.column() - self.fixed]
        if str(value) == self.data(index, Role.EditRole):
            return False  # the editor was opened and closed without a change
        return self.commit(key, str(value))
