"""The trace command's export formats (``trace --format latex|markdown-math|ipynb``)."""

from __future__ import annotations

from core.export.latex import trace_latex, trace_markdown_math
from core.export.notebook import notebook_text

TRACE_FORMATS = {
    "latex": (trace_latex, ".tex"),
    "markdown-math": (trace_markdown_math, ".md"),
    "ipynb": (notebook_text, ".ipynb"),
}


def render_trace(fmt: str, loaded, stepper) -> str:
    """The text of the trace of ``stepper``'s sample in the format ``fmt``."""
    return TRACE_FORMATS[fmt][0](loaded, stepper)
