"""The equation panel shows the core's operation at the cursor: words, formulas, numbers."""

import pytest
from PySide6.QtWidgets import QLabel

from core.notation import fmt, to_html
from gui.stepper.controller import StepController
from gui.stepper.equation_panel import START_HINT, EquationPanel


@pytest.fixture
def panel(qtbot, controller):
    panel = EquationPanel(controller)
    qtbot.addWidget(panel)
    return panel


def shown(panel):
    return (
        panel.heading_text,
        panel.formula_html,
        panel.substituted_html,
        panel.result_html,
        panel.result_text,
        panel.sentence_text,
        panel.hint_text,
    )


def test_start_of_sample_shows_a_hint(panel):
    assert panel.hint_text == START_HINT
    assert panel.formula_html == panel.substituted_html == panel.result_text == ""


def test_first_operation_of_mazur(panel, controller):
    controller.step()
    assert panel.heading_text == "Forward · z of hidden unit 1 (weighted sum)"
    assert "<sub>" in panel.formula_html
    assert panel.formula_html == to_html("z_{j} = Σ_{i} w_{j,i} u_{i} + b_{j}")
    assert "0.15·0.05 + 0.2·0.1 + 0.35" in panel.substituted_html
    assert "z<sup>(1)</sup><sub>1</sub>" in panel.substituted_html
    assert panel.result_text == "0.3775"
    assert "<b>0.3775</b>" in panel.result_html
    assert panel.sentence_text.startswith("Weighted sum into hidden unit 1")
    assert panel.hint_text == ""


def test_every_operation_shows_the_core_record_and_back_restores_it(panel, controller):
    stepper = controller.stepper
    seen = [shown(panel)]
    for op in stepper.trace:
        controller.step()
        assert stepper.current is op
        assert panel.formula_html == to_html(op.formula)
        assert panel.substituted_html == to_html(op.substituted)
        assert panel.result_text == fmt(op.value)
        assert panel.sentence_text == op.text
        seen.append(shown(panel))
    for expected in reversed(seen[:-1]):
        controller.back()
        assert shown(panel) == expected


def test_headings_use_plain_words(panel, controller):
    stepper = controller.stepper
    headings = {}
    for op in stepper.trace:
        controller.step()
        headings[op.index] = panel.heading_text
    assert headings[8] == "Loss · L of this sample"
    assert headings[11] == "Backward · δ of hidden unit 1"
    assert headings[13] == "Gradient · ∂L/∂w from hidden unit 1 to output unit 1"
    assert headings[28] == "Update · new weight from input 2 to hidden unit 2"


def test_result_shows_full_precision_in_grey(panel, controller):
    for _ in range(9):  # up to the loss, 0.298371109 in Mazur's post
        controller.step()
    assert panel.result_text == "0.2984"
    assert "0.298371109" in panel.result_html


def test_end_of_sample_says_what_the_next_step_does(panel, controller):
    controller.to_end()
    assert "next sample" in panel.hint_text
    controller.step()
    assert panel.hint_text == START_HINT
    assert panel.heading_text == "Sample 2 · start"


def test_font_scale_scales_every_label(panel):
    labels = panel.findChildren(QLabel)
    before = [label.font().pointSizeF() for label in labels]
    formula = panel.findChild(QLabel, "equation_formula")
    assert formula.font().pointSizeF() == pytest.approx(13)
    panel.set_font_scale(2.0)
    assert [label.font().pointSizeF() for label in labels] == pytest.approx([2 * p for p in before])


def test_without_a_network(qtbot):
    panel = EquationPanel(StepController())
    qtbot.addWidget(panel)
    assert panel.heading_text == "No network"


def test_adams_hats_are_kept_and_set_in_a_font_that_draws_them(panel, controller):
    from PySide6.QtGui import QFont, QFontMetricsF

    from core.netfile import LoadedNetwork
    from core.network import OptimizerConfig
    from core.notation import ACCENT_FONTS
    from tests.core.helpers import mazur

    net = mazur()
    net.optimizer = OptimizerConfig("adam", 0.01, {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8})
    controller.set_loaded(LoadedNetwork(net))
    stepper = controller.stepper
    while stepper.current is None or not stepper.current.key.startswith("new_w"):
        controller.step()
    html = panel.formula_html
    assert "m\u0302" in html and "v\u0302" in html  # the accent itself is in the label
    assert f"font-family: '{ACCENT_FONTS[0]}'" in html
    assert panel.formula_html.count("m\u0302") >= 3  # the rule, and its numbers: m̂ = …, η m̂
    # The first accent font is installed here and has a glyph for the accent.
    font = QFont(ACCENT_FONTS[0])
    assert QFontMetricsF(font).inFontUcs4(0x302)


def test_adams_update_shows_each_rule_on_its_line_and_the_result_names_the_weight(panel,
                                                                                  controller):
    from core.netfile import LoadedNetwork
    from core.network import OptimizerConfig
    from tests.core.helpers import mazur

    net = mazur()
    net.optimizer = OptimizerConfig("adam", 0.1, {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8})
    controller.set_loaded(LoadedNetwork(net))
    stepper = controller.stepper
    while stepper.current is None or stepper.current.key != "new_w:2:0:0":
        controller.step()
    op = stepper.current
    rows = [row.split("</td><td>") for row in panel.formula_html.split("<tr>")[1:]]
    assert len(rows) == 5 and panel.substituted_html == ""  # each rule beside its numbers
    rules, numbers = [r[0] for r in rows], [r[1] for r in rows]
    assert "m\u0302" in rules[2] and "<sup>t</sup>" in rules[2] and "m\u0302" in numbers[2]
    assert "v\u0302" in numbers[3] and "0.999<sup>1</sup>" in numbers[3]  # 1 − β₂ᵗ with t = 1
    assert numbers[4].startswith("w<sup>(2)</sup><sub>1,1</sub> ← 0.4 − 0.1·")
    # The result line names the weight, not m: w⁽²⁾₁,₁ = its new value.
    assert panel.result_html.startswith("w<sup>(2)</sup><sub>1,1</sub>&nbsp;=&nbsp;<b>")
    assert panel.result_text == fmt(op.value)


def test_a_unit_and_its_number_stay_on_one_line(qtbot, controller):
    """The heading and the sentence never break "unit 3" or "layer 2" over two lines (a
    lone digit at the start of a line reads as a number)."""
    panel = EquationPanel(controller)
    qtbot.addWidget(panel)
    controller.step()
    shown = panel._labels["heading"].text()
    assert "unit\u00a01" in shown and "unit 1" not in shown
    assert "unit 1" in panel.heading_text  # the words, for other code, as they were
    assert "unit\u00a01" in panel._labels["sentence"].text()
