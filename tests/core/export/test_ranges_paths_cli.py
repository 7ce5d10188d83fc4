"""Step ranges, checked output paths, and the trace command's export formats."""

import os

import nbformat
import pytest

from core import cli
from core.export.paths import Cancelled, atomic_target, check_output_path, write_text
from core.export.ranges import step_range
from tests.core.export.helpers import example
from tests.core.export.test_notebook import run_cells


def test_step_ranges():
    _, stepper = example("mazur")
    n = len(stepper.trace)
    assert n == 29
    assert step_range(stepper.trace) == list(range(0, 30))
    assert step_range(stepper.trace, 3, 5) == [3, 4, 5]
    assert step_range(stepper.trace, phase="loss") == [9]
    assert step_range(stepper.trace, phase="backward") == [10, 11, 12, 13]
    for args, message in (((0, 30), "--to 30 is outside this sample's steps 0 … 29"),
                          ((-1, 3), "--from -1 is outside"), ((5, 4), "--from 5 comes after"),
                          ((None, None, "sideways"), "unknown phase 'sideways'"),
                          ((1, None, "loss"), "either a phase or --from/--to")):  # fmt: skip
        with pytest.raises(ValueError, match=message):
            step_range(stepper.trace, *args)


def test_bad_paths_are_one_clear_error(tmp_path):
    good = tmp_path / "a.pdf"
    assert check_output_path(str(good), (".pdf",)) == str(good)
    with pytest.raises(ValueError, match="must end in .pdf"):
        check_output_path(str(tmp_path / "a.png"), (".pdf",))
    with pytest.raises(ValueError, match="does not exist"):
        check_output_path(str(tmp_path / "missing" / "a.pdf"), (".pdf",))
    (tmp_path / "dir.pdf").mkdir()
    with pytest.raises(ValueError, match="not a regular file"):
        check_output_path(str(tmp_path / "dir.pdf"), (".pdf",))
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        check_output_path(str(fifo), (".pdf",))
    with pytest.raises(ValueError, match="no file name"):
        check_output_path(" ", (".pdf",))


def test_a_cancelled_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.md"
    write_text(str(target), "old")
    with pytest.raises(Cancelled), atomic_target(str(target)) as temp:
        with open(temp, "w") as handle:
            handle.write("half")
        raise Cancelled()
    assert target.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["out.md"]


def test_trace_formats_from_the_command_line(capsys):
    assert cli.run(["trace", "--example", "mazur", "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r"\documentclass") and r"\end{document}" in out
    assert cli.run(["trace", "--example", "softmax3", "--format", "markdown-math"]) == 0
    assert r"\frac{\partial L}{\partial w" in capsys.readouterr().out
    assert cli.run(["trace", "--example", "mazur", "--format", "ipynb"]) == 0
    text = capsys.readouterr().out
    nbformat.validate(nbformat.reads(text, as_version=4))
    run_cells(text)
    capsys.readouterr()
    assert cli.run(["trace", "--example", "mazur", "--format", "pdf"]) == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
