"""The export flags of the window's command line, read back: the PDF with pypdf, the GIF with
Pillow, the SVG with ElementTree."""

import os
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from core.notation import fmt
from gui.app import run
from tests.core.export.helpers import example


def squeeze(text: str) -> str:
    """Text without whitespace or formula markup, for comparing formulas across layouts."""
    text = re.sub(r"[_^]\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"[_^]\{([^{}]*)\}", r"\1", text)
    return re.sub(r"\s+", "", text)


def call(capsys, *argv):
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("presenter", [False, True])
def test_mazur_slides_have_one_page_per_step_with_its_formula(qapp, tmp_path, capsys, presenter):
    path = tmp_path / "mazur.pdf"
    argv = ["--example", "mazur", "--slides", str(path), "--from", "0", "--to", "29"]
    status, out, err = call(capsys, *argv + (["--presenter"] if presenter else []))
    assert status == 0, err
    assert out.strip() == f"wrote {path} (30 pages, steps 0 … 29)"
    reader = PdfReader(path)
    assert len(reader.pages) == 30
    _, stepper = example("mazur")
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=1e-3)
    for step in (1, 12, 29):
        op = stepper.trace[step - 1]
        text = squeeze(reader.pages[step].extract_text())
        assert squeeze(op.substituted) in text
        assert f"step{step}of29" in text
        assert not reader.pages[step].images  # vector: lines and text, no picture
    start = squeeze(reader.pages[0].extract_text())
    assert "step0of29" in start and "0.05" in start and "0.99" in start  # the given values


def test_slides_of_a_phase_and_a_four_by_three_page(qapp, tmp_path, capsys):
    path = tmp_path / "backward.pdf"
    status, out, _ = call(capsys, "--example", "softmax3", "--slides", str(path), "--phase",
                          "backward", "--aspect", "4:3")  # fmt: skip
    assert status == 0
    _, stepper = example("softmax3")
    backward = [op for op in stepper.trace if op.phase == "backward"]
    reader = PdfReader(path)
    assert len(reader.pages) == len(backward)
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(4 / 3, rel=1e-3)
    assert squeeze(backward[-1].substituted) in squeeze(reader.pages[-1].extract_text())


def test_step_animation_has_a_frame_per_step(qapp, tmp_path, capsys):
    path = tmp_path / "steps.gif"
    status, out, _ = call(capsys, "--example", "mazur", "--animate", str(path), "--from", "3",
                          "--to", "9", "--frame-size", "640x360", "--delay", "500")  # fmt: skip
    assert status == 0 and "7 frames of 640x360" in out
    with Image.open(path) as gif:
        assert gif.n_frames == 7 and gif.size == (640, 360)
        assert gif.info["duration"] == 500


def test_step_animation_as_apng(qapp, tmp_path, capsys):
    path = tmp_path / "steps.png"
    status, _, err = call(capsys, "--example", "mazur", "--animate", str(path), "--phase",
                          "loss", "--to", "2")  # fmt: skip
    assert status == 2 and "either a phase or --from/--to" in err
    status, out, _ = call(capsys, "--example", "mazur", "--animate", str(path), "--from", "8",
                          "--to", "10", "--frame-size", "320x180")  # fmt: skip
    assert status == 0
    with Image.open(path) as apng:
        assert apng.format == "PNG" and apng.n_frames == 3 and apng.size == (320, 180)
        assert apng.is_animated


def test_training_animation_has_a_frame_per_k_epochs(qapp, tmp_path, capsys):
    path = tmp_path / "boundary.gif"
    status, out, err = call(capsys, "--example", "circle", "--animate-training", str(path),
                            "--epochs", "12", "--every", "4", "--frame-size", "600x270")
    assert status == 0, err
    assert "4 frames, one per 4 epochs" in out
    with Image.open(path) as gif:
        assert gif.n_frames == 4 and gif.size == (600, 270)
        gif.seek(0)
        first = gif.convert("RGB").tobytes()
        gif.seek(3)
        assert gif.convert("RGB").tobytes() != first  # the boundary and the curve moved


def test_network_diagram_as_svg_and_pdf_holds_the_current_numbers(qapp, tmp_path, capsys):
    _, stepper = example("mazur")
    for _ in range(12):
        stepper.step()
    known = stepper.known()
    svg = tmp_path / "net.svg"
    status, out, _ = call(capsys, "--example", "mazur", "--steps", "12", "--diagram", str(svg))
    assert status == 0 and out.startswith(f"wrote {svg} (Mazur 2-2-2, ")
    root = ET.parse(svg).getroot()
    texts = " ".join(t.strip() for t in root.itertext() if t.strip())
    assert root.tag.endswith("svg")
    for key in ("z:1:0", "u:2:1", "delta:1:0", "loss", "w:2:1:1"):
        assert fmt(known[key]) in texts, key
    pdf = tmp_path / "net.pdf"
    assert call(capsys, "--example", "mazur", "--steps", "12", "--diagram", str(pdf))[0] == 0
    text = PdfReader(pdf).pages[0].extract_text()
    assert fmt(known["delta:1:0"]) in text and fmt(known["loss"]) in text


def test_computation_graph_diagram(qapp, tmp_path, capsys):
    svg = tmp_path / "graph.svg"
    status, out, _ = call(capsys, "--example", "mazur", "--diagram-of", "graph", "--diagram",
                          str(svg), "--steps", "5")  # fmt: skip
    assert status == 0 and "computation graph" in out
    texts = " ".join(t.strip() for t in ET.parse(svg).getroot().itertext() if t.strip())
    # The default graph (a+b)·(b+1) at a = 2, b = 1, five steps in: both sums are known.
    assert "a + b value = 3" in texts and "b + 1 value = 2" in texts and "f = —" in texts
    assert not re.search(r"\bn\d+\b", texts)  # nodes by what they compute, not by id


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--slides", "{tmp}/missing/x.pdf"], "--slides: folder .* does not exist"),
        (["--slides", "{tmp}/x.png"], "--slides: 'x.png' must end in .pdf"),
        (["--slides", "{tmp}/x.pdf", "--from", "5", "--to", "99"], "--to 99 is outside"),
        (["--animate", "{tmp}/x.gif", "--delay", "0"], "--delay 0 ms is outside"),
        (["--animate-training", "{tmp}/x.gif", "--epochs", "0"], "--epochs must be at least 1"),
        (["--animate-training", "{tmp}/x.gif"], "Cannot train"),
        (["--diagram", "{tmp}/x.txt"], "must end in .svg, .pdf"),
    ],
)
def test_a_bad_path_or_range_is_one_error_and_writes_nothing(qapp, tmp_path, capsys, extra,
                                                              message):  # fmt: skip
    argv = ["--example", "mazur"] + [a.replace("{tmp}", str(tmp_path)) for a in extra]
    status, out, err = call(capsys, *argv)
    assert status == 2
    lines = [line for line in err.splitlines() if "propagateSizeHints" not in line]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert re.search(message, lines[0]), lines[0]
    assert os.listdir(tmp_path) == []


def test_too_many_frames_is_refused_before_drawing(qapp, tmp_path, capsys):
    status, _, err = call(capsys, "--example", "circle", "--animate-training",
                          str(tmp_path / "t.gif"), "--epochs", "5000", "--every", "1")  # fmt: skip
    assert status == 2 and "gives 5001 frames, more than 400" in err
    status, _, err = call(capsys, "--example", "deep_sigmoid", "--animate",
                          str(tmp_path / "s.gif"))  # fmt: skip
    assert status == 2 and "767 frames is too many (at most 400)" in err
    assert list(tmp_path.iterdir()) == []
