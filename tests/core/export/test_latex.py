"""Formulas as LaTeX, the LaTeX document of a trace and the Markdown handout with $…$ math."""

import re
import shutil
import subprocess

import pytest

from core.export.latex import to_latex, trace_latex, trace_markdown_math
from tests.core.export.helpers import example, regression, three_layer

ALL = [lambda: example("mazur"), lambda: example("softmax3"), lambda: example("circle"),
       lambda: three_layer("adam"), lambda: three_layer("rmsprop"),
       lambda: three_layer("momentum"), lambda: regression()]  # fmt: skip


def test_the_notes_notation():
    assert to_latex("∂L/∂w_{j,i} = δ_{j} u_{i}") == (
        r"\frac{\partial L}{\partial w_{j,i}} = \delta _{j} u_{i}")
    assert to_latex("z_{j} = Σ_{i} w_{j,i} u_{i} + b_{j}") == (
        r"z_{j} = \sum _{i} w_{j,i} u_{i} + b_{j}")
    assert to_latex("∂L/∂w^{(2)}_{1,2} = 0.1") == r"\frac{\partial L}{\partial w^{(2)}_{1,2}} = 0.1"
    assert r"\hat{m}" in to_latex("m̂") and r"\sqrt{\hat{v}}" in to_latex("√v̂")
    assert to_latex("1.2e−5") == r"1.2\times 10^{-5}"
    assert to_latex("ln(1 + e^{z_{j}})") == r"\ln (1 + e^{z_{j}})"
    assert to_latex("relu′(z) = 1 if z > 0 else 0") == (
        r"\operatorname{relu}'(z) = 1 \text{ if } z > 0 \text{ else } 0")


@pytest.mark.parametrize("make", ALL)
def test_every_formula_of_every_step_becomes_plain_ascii_latex(make):
    _, stepper = make()
    for op in stepper.trace:
        for markup in (op.formula, op.substituted):
            latex = to_latex(markup)
            assert latex.isascii(), (markup, latex)
            assert "?" not in latex, markup
            assert latex.count("{") == latex.count("}"), latex


def _number(latex: str) -> float:
    match = re.fullmatch(r"(-?[\d.]+)(?:\\times 10\^\{(-?\d+)\})?", latex.strip())
    assert match, latex
    return float(match[1]) * 10 ** int(match[2] or 0)


@pytest.mark.parametrize("make", ALL[:3])
def test_the_document_lists_every_step_with_the_trace_numbers(make):
    loaded, stepper = make()
    doc = trace_latex(loaded, stepper)
    assert doc.isascii()
    items = re.findall(r"\\item\[(\d+)\.\] \$(.*)\$\\\\", doc)
    assert [int(k) for k, _ in items] == [op.index + 1 for op in stepper.trace]
    for (_, math), op in zip(items, stepper.trace):
        result = _number(math.rsplit("=", 1)[1])
        assert result == pytest.approx(op.value, rel=6e-4, abs=1e-12)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("make", ALL[:2] + ALL[3:4])
def test_the_document_compiles(make, tmp_path):
    loaded, stepper = make()
    (tmp_path / "trace.tex").write_text(trace_latex(loaded, stepper))
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "trace.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "trace.pdf").stat().st_size > 1000


def test_markdown_with_math_has_one_row_per_step():
    loaded, stepper = example("softmax3")
    text = trace_markdown_math(loaded, stepper)
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| \$", line)]
    assert len(rows) == len(stepper.trace)
    assert r"$\displaystyle \frac{\partial L}{\partial w_{j,i}} = \delta _{j} u_{i}$" in text
    assert "<sub>" not in text
