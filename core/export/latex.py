"""Formulas as LaTeX: the formula markup of core.notation turned into math-mode LaTeX in the
notes' notation (∂L/∂w_{j,i} becomes ``\\frac{\\partial L}{\\partial w_{j,i}}``), a compilable
document of a whole trace, and a Markdown handout with ``$…$`` math for Jupyter and pandoc.

The output is plain ASCII, so it compiles with any LaTeX (only amsmath and geometry are used).
"""

from __future__ import annotations

import re

from core.notation import _script, fmt
from core.trace import PHASES

SYMBOLS = {
    "Σ": r"\sum", "δ": r"\delta", "∂": r"\partial", "η": r"\eta", "·": r"\cdot", "−": "-",
    "σ": r"\sigma", "←": r"\leftarrow", "→": r"\to", "ε": r"\varepsilon", "μ": r"\mu",
    "ρ": r"\rho", "β": r"\beta", "λ": r"\lambda", "½": r"\tfrac{1}{2}", "∞": r"\infty",
    "≈": r"\approx", "×": r"\times", "Δ": r"\Delta", "²": "^{2}", "ᵀ": "^{T}", "⊙": r"\odot",
    "…": r"\dots", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "\\": r"\backslash",
    "~": r"\sim", "′": "'", ";": r";\quad",
}  # fmt: skip
OPERATORS = {"ln": r"\ln", "max": r"\max", "min": r"\min", "tanh": r"\tanh", "exp": r"\exp",
             "log": r"\log"}  # fmt: skip
WORDS = {"if", "else", "for", "and", "with"}
HAT = "\u0302"  # combining circumflex: m̂
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[−-]?\d+)?")


def _atom(markup: str, k: int) -> tuple[str, int]:
    """One symbol with its scripts (``w^{(1)}_{1,2}``, ``L``, ``v̂``) starting at ``k``."""
    end = k + 1
    if end < len(markup) and markup[end] == HAT:
        end += 1
    while end < len(markup) and markup[end] in "_^" and end + 1 < len(markup):
        _, end = _script(markup, end + 1)
    return markup[k:end], end


def _number(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    return f"{mantissa}\\times 10^{{{exponent.replace('−', '-')}}}"


def to_latex(markup: str) -> str:
    """Math-mode LaTeX for a formula in the app's markup (without the surrounding ``$``)."""
    out: list[str] = []
    k = 0
    n = len(markup)
    while k < n:
        ch = markup[k]
        if ch in "_^" and k + 1 < n:
            inner, k = _script(markup, k + 1)
            out.append(f"{ch}{{{to_latex(inner)}}}")
            continue
        if ch == "∂" and k + 1 < n and markup[k + 1] != " ":
            top, after = _atom(markup, k + 1)
            if markup[after : after + 2] == "/∂" and after + 2 < n:
                bottom, end = _atom(markup, after + 2)
                out.append(f"\\frac{{\\partial {to_latex(top)}}}{{\\partial {to_latex(bottom)}}}")
                k = end
                continue
            out.append(r"\partial ")
            k += 1
            continue
        if ch == "√":
            end = k + 1
            while end < n and (markup[end].isalnum() or markup[end] in "." + HAT):
                end += 1
            out.append(f"\\sqrt{{{to_latex(markup[k + 1 : end])}}}")
            k = end
            continue
        if ch.isdigit():
            match = _NUMBER.match(markup, k)
            out.append(_number(match.group()))
            k = match.end()
            continue
        if ch.isascii() and ch.isalpha():
            end = k
            while end < n and markup[end].isascii() and markup[end].isalpha():
                end += 1
            word = markup[k:end]
            if end < n and markup[end] == HAT:
                out.append(f"{word[:-1]}\\hat{{{word[-1]}}}")
                end += 1
            elif len(word) == 1:
                out.append(word)
            elif word in OPERATORS:
                out.append(OPERATORS[word] + " ")
            elif word in WORDS:
                out.append(f"\\text{{ {word} }}")
            else:
                out.append(f"\\operatorname{{{word}}}")
            k = end
            continue
        if ch == " ":
            if out and not out[-1].endswith(" "):
                out.append(" ")
            k += 1
            continue
        if ch in SYMBOLS:
            symbol = SYMBOLS[ch]
            out.append(symbol + " " if symbol[-1].isalpha() else symbol)
        elif ch.isascii():
            out.append(ch)
        else:
            out.append(r"\text{?}")  # an unknown symbol: visible, and still compiles
        k += 1
    return "".join(out).strip()


_TEXT_SYMBOLS = {"δ": r"$\delta$", "σ": r"$\sigma$", "η": r"$\eta$", "∂": r"$\partial$",
                 "Σ": r"$\Sigma$", "−": "-", "·": r"$\cdot$", "→": r"$\to$", "′": "'",
                 "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#",
                 "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "\\": r"\textbackslash{}"}  # fmt: skip


def text_to_latex(text: str) -> str:
    """Running text for a LaTeX document: specials escaped, Greek letters as math."""
    return "".join(_TEXT_SYMBOLS.get(ch, ch if ch.isascii() else "?") for ch in text)


TITLES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
          "gradient": "Gradients", "update": "Updates"}  # fmt: skip


def _description(loaded, stepper) -> tuple[str, str, str]:
    net = loaded.network
    sizes = "-".join(str(n) for n in net.sizes)
    acts = ", ".join(layer.activation.name for layer in net.layers)
    x = ", ".join(fmt(v) for v in stepper.x)
    y = ", ".join(fmt(v) for v in stepper.y)
    return f"{sizes} ({acts})", f"({x})", f"({y})"


def _formulas(ops) -> list[str]:
    seen: list[str] = []
    for op in ops:
        if op.formula not in seen:
            seen.append(op.formula)
    return seen


def trace_latex(loaded, stepper) -> str:
    """A complete LaTeX document of one training step: every operation, numbered as the
    stepper counts them (step k is the k-th operation), with its formula and its numbers."""
    net = loaded.network
    shape, x, y = _description(loaded, stepper)
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{amsmath}",
        r"\setlength{\parindent}{0pt}",
        f"\\title{{One training step: {text_to_latex(net.name)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        f"Network {text_to_latex(shape)}, loss \\texttt{{{text_to_latex(net.loss.name)}}}, "
        f"optimizer \\texttt{{{text_to_latex(net.optimizer.name)}}} with "
        f"$\\eta = {to_latex(fmt(net.optimizer.learning_rate))}$.",
        "",
        f"Sample: $x = {to_latex(x)}$, target $y = {to_latex(y)}$. Layers count from 1, "
        r"units from 1; $u^{(0)} = x$.",
    ]
    for phase in PHASES:
        ops = [op for op in stepper.trace if op.phase == phase]
        if not ops:
            continue
        lines += ["", f"\\section*{{{TITLES[phase]}}}", r"\begin{gather*}"]
        lines.append(" \\\\\n".join(to_latex(f) for f in _formulas(ops)))
        lines += [r"\end{gather*}", r"\begin{description}"]
        for op in ops:
            lines.append(f"\\item[{op.index + 1}.] ${to_latex(op.substituted)}$\\\\")
            lines.append(f"{{\\small {text_to_latex(op.text)}}}")
        lines.append(r"\end{description}")
    lines += [r"\end{document}", ""]
    return "\n".join(lines)


def trace_markdown_math(loaded, stepper) -> str:
    """The Markdown handout with ``$…$`` math (renders in Jupyter, pandoc and GitHub)."""
    net = loaded.network
    shape, x, y = _description(loaded, stepper)
    out = [f"# One training step: {net.name}", "",
           f"Network {shape}, loss `{net.loss.name}`, optimizer `{net.optimizer.name}` with "
           f"$\\eta = {to_latex(fmt(net.optimizer.learning_rate))}$.", "",
           f"Sample: $x = {to_latex(x)}$, target $y = {to_latex(y)}$."]  # fmt: skip
    for phase in PHASES:
        ops = [op for op in stepper.trace if op.phase == phase]
        if not ops:
            continue
        out += ["", f"## {TITLES[phase]}", ""]
        out += [f"- $\\displaystyle {to_latex(f)}$" for f in _formulas(ops)]
        out += ["", "| # | computation | in words |", "|---|---|---|"]
        for op in ops:
            math = to_latex(op.substituted).replace("|", r"\vert ")
            out.append(f"| {op.index + 1} | ${math}$ | {op.text.replace('|', '/')} |")
    return "\n".join(out) + "\n"
