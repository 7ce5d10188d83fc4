"""The graph tab's fields: the expression, a preset, the values, the mode and (forward mode) the
input to differentiate by, with their names, in one grid."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
)

from core.expressions import PRESETS

MODE_ITEMS = (("Reverse (backpropagation)", "reverse"), ("Forward", "forward"))  # after "Mode"


def build_fields(tab) -> QGridLayout:
    """The fields as ``tab``'s attributes (``expression_edit``, ``preset_combo``, ``values_edit``,
    ``mode_combo``, ``wrt_combo``, ``error_label``, ``field_captions``), connected to its
    handlers, in the grid returned."""
    tab.expression_edit = QLineEdit()
    tab.expression_edit.setPlaceholderText("an expression such as (a+b)*(b+1), then Enter")
    tab.expression_edit.setToolTip(
        "Numbers, variables, + − * / **, and exp log sin cos tanh sigmoid relu abs sqrt max "
        "min. Press Enter to draw."
    )
    tab.expression_edit.returnPressed.connect(tab._on_expression_entered)
    tab.preset_combo = QComboBox()
    tab.preset_combo.setPlaceholderText("Custom expression")
    for preset in PRESETS:
        tab.preset_combo.addItem(preset.name, preset.name)
        tab.preset_combo.setItemData(
            tab.preset_combo.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole
        )
    tab.preset_combo.currentIndexChanged.connect(tab._on_preset_chosen)
    # As wide as a short name (the list opens as wide as the longest): the room beside it
    # goes to the expression.
    tab.preset_combo.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    tab.preset_combo.setMinimumContentsLength(14)
    tab.values_edit = QLineEdit()
    tab.values_edit.setPlaceholderText("a = 2, b = 1, then Enter")
    tab.values_edit.returnPressed.connect(tab._on_values_entered)
    tab.mode_combo = QComboBox()
    for text, mode in MODE_ITEMS:
        tab.mode_combo.addItem(text, mode)
    tab.mode_combo.currentIndexChanged.connect(tab._on_mode_chosen)
    tab.wrt_combo = QComboBox()
    tab.wrt_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    tab.wrt_combo.setToolTip("Forward mode: the input to differentiate by (one pass each)")
    tab.wrt_combo.currentIndexChanged.connect(tab._on_mode_chosen)
    tab.error_label = QLabel()
    tab.error_label.setTextFormat(Qt.TextFormat.PlainText)
    tab.error_label.setWordWrap(True)

    controls = QGridLayout()
    controls.setColumnStretch(1, 1)
    tab.wrt_caption = QLabel("w.r.t.")  # (short: the fields keep the room)
    # The fields' names, sized with the fields (under presenter mode's style sheet a label
    # does not take the tab's font).
    names = [QLabel(name) for name in ("Expression", "Preset", "Values", "Mode")]
    tab.field_captions = [*names, tab.wrt_caption]
    for widget, row, column, span in (
            (names[0], 0, 0, 1), (tab.expression_edit, 0, 1, 1), (names[1], 0, 2, 1),
            (tab.preset_combo, 0, 3, 3), (names[2], 1, 0, 1), (tab.values_edit, 1, 1, 1),
            (names[3], 1, 2, 1), (tab.mode_combo, 1, 3, 1), (tab.wrt_caption, 1, 4, 1),
            (tab.wrt_combo, 1, 5, 1), (tab.error_label, 2, 1, 5)):
        controls.addWidget(widget, row, column, 1, span)
    tab.error_label.hide()  # until there is a message
    return controls


def fit_mode_box(box: QComboBox) -> None:
    """The Mode box as wide as its choice (its list as wide as the longest): "Forward" leaves
    the w.r.t. box the room, so the fields keep their width in either mode."""
    box.ensurePolished()  # (its font comes from its style sheet)
    metrics = box.fontMetrics()
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    text = QSize(metrics.horizontalAdvance(box.currentText()), metrics.height())
    width = box.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, box)
    box.setFixedWidth(width.width())
    box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + metrics.height())
