"""Numbers are decimal, there are no comments, and π parses as the constant the app prints."""

import math

import pytest

from core import expressions
from core.expressions import ExpressionError


@pytest.mark.parametrize("text, column", [("0x10", 1), ("0b101", 1), ("0o7", 1),
                                          ("2*1_000", 3), ("a + 0X1F", 5)])
def test_only_decimal_numbers(text, column):
    with pytest.raises(ExpressionError, match=rf"is not a decimal number at column {column}"):
        expressions.parse(text)


@pytest.mark.parametrize("text, column", [("a # comment", 3), ("x**2#", 5), ("#", 1)])
def test_no_comments(text, column):
    with pytest.raises(ExpressionError, match=rf"'#' is not allowed at column {column}"):
        expressions.parse(text)


def test_pi_and_the_symbol_are_the_same_constant_and_print_the_same():
    for text in ("2*pi", "2*π"):
        graph = expressions.parse(text)
        assert graph.variables == ()
        const = [n for n in graph.nodes if n.op == "const" and n.label == "π"]
        assert len(const) == 1 and const[0].constant == math.pi


@pytest.mark.parametrize("text", ["1.5", ".5", "3.", "1e-3", "2E+4", "10"])
def test_plain_decimals_still_parse(text):
    graph = expressions.parse(text)
    assert graph.nodes[0].constant == float(text)
