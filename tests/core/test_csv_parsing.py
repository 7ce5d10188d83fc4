"""CSV files: the csv module's dialect detection (commas, semicolons, tabs), an unterminated
quote named as such, only ASCII decimal numbers, and one data row is enough."""

import numpy as np
import pytest

from core.datasets import load_csv


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", [
    "x;y;t\n1;2;0\n3.5;4;1\n",
    "1\t2\t0\n3.5\t4\t1\n",
    "1,2,0\n3.5,4,1\n",
    '"x","y","t"\n"1","2","0"\n"3.5","4","1"\n',
])
def test_delimiters_are_detected(tmp_path, text):
    data = load_csv(write(tmp_path, text))
    assert np.array_equal(data.X, [[1, 2], [3.5, 4]]) and np.array_equal(data.Y, [[0], [1]])


def test_one_row_is_enough(tmp_path):
    data = load_csv(write(tmp_path, "0.05,0.10,0.01,0.99\n"), targets=2)
    assert data.X.shape == (1, 2) and data.Y.shape == (1, 2)
    train, test = data.split(0.8, 0)
    assert len(train) == 1 and len(test) == 0


def test_an_unterminated_quote_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"data.csv: line 3: a quote \(\"\) is opened and never "
                                         r"closed"):
        load_csv(write(tmp_path, '1,2,0\n3,4,1\n"5,6,0\n7,8,1\n'))


@pytest.mark.parametrize("cell, hint", [
    ("1_000", "only the digits 0–9"),
    ("١٢", "only the digits 0–9"),  # Arabic-Indic digits
    ("１２", "only the digits 0–9"),  # full-width digits
    ("0x10", ""),
    ("1e400", "too large"),
    ("nan", "not a finite number"),
])
def test_only_ascii_decimal_numbers(tmp_path, cell, hint):
    with pytest.raises(ValueError, match=r"line 2, column 1: ") as info:
        load_csv(write(tmp_path, f"1,2,0\n{cell},4,1\n"))
    assert hint in str(info.value)


def test_a_decimal_comma_in_a_semicolon_file_gets_a_hint(tmp_path):
    with pytest.raises(ValueError, match=r"'0,5' is not a number \(write decimals with a point"):
        load_csv(write(tmp_path, "1;2;0\n0,5;4;1\n"))


def test_column_count_messages_say_which_delimiter(tmp_path):
    with pytest.raises(ValueError, match=r"expected 3 columns, got 2 \(cells separated by "
                                         r"semicolons\)"):
        load_csv(write(tmp_path, "1;2;0\n3;4;1\n5;6\n"))


def test_a_newline_in_the_path_is_escaped(tmp_path):
    with pytest.raises(ValueError) as info:
        load_csv(write(tmp_path, "1,2,0\n3,x,1\n", name="a\nb.csv"))
    assert "\n" not in str(info.value) and "a\\nb.csv" in str(info.value)
