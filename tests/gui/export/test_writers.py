"""The writers on their own: cancelling keeps the old file, the options dialog's choices, and a
network too large to label every edge still exports."""

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from core.export.paths import Cancelled
from core.netfile import LoadedNetwork
from core.network import build_network
from gui.export.dialog import ExportOptionsDialog
from gui.export.files import write_slides, write_step_gif
from gui.export.render import StepRig
from gui.stepper.controller import StepController
from tests.gui.export.test_export_cli import squeeze


def test_cancelling_slides_keeps_the_old_file(controller, tmp_path):
    path = tmp_path / "old.pdf"
    path.write_bytes(b"old")
    rig = StepRig(controller)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 3

    with pytest.raises(Cancelled):
        write_slides(rig, list(range(10)), str(path), progress=progress)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["old.pdf"]
    assert seen == [(0, 10), (1, 10), (2, 10), (3, 10)]
    assert controller.stepper.cursor == 0  # the rig stepped its own copy
    rig.close()

def test_a_large_network_exports_with_the_numbers_of_its_slides(qapp, tmp_path):
    """88 edges: the view prints no weight on its edges, the page still has the step's formula."""
    net = build_network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "binary_cross_entropy",
                        name="Wide 2-8-8-1")  # fmt: skip

    net.sample_x, net.sample_y = np.array([0.5, -0.2]), np.array([1.0])
    controller = StepController()
    controller.set_loaded(LoadedNetwork(net))
    rig = StepRig(controller, presenter=True)
    last = len(rig.stepper.trace)
    write_slides(rig, [20, last], str(tmp_path / "wide.pdf"))
    pages = PdfReader(tmp_path / "wide.pdf").pages
    assert len(pages) == 2
    for page, op in zip(pages, (rig.stepper.trace[19], rig.stepper.trace[-1])):
        assert squeeze(op.substituted) in squeeze(page.extract_text())
    assert write_step_gif(rig, [0, 1, 2], str(tmp_path / "wide.gif"), (480, 270)) == 3
    with Image.open(tmp_path / "wide.gif") as gif:
        assert gif.size == (480, 270)
    rig.close()

def test_options_dialog(qtbot):
    dialog = ExportOptionsDialog("slides", 29, presenter=True)
    qtbot.addWidget(dialog)
    assert dialog.options() == {"presenter": True, "delay": 900, "aspect": "16:9"}
    dialog.range_box.setCurrentText("one phase")
    dialog.phase_box.setCurrentText("gradient")
    assert dialog.options()["phase"] == "gradient"
    dialog.range_box.setCurrentText("steps")
    dialog.from_box.setValue(4)
    dialog.to_box.setValue(40)  # clamped to the sample's 29 steps
    options = dialog.options()
    assert (options["from"], options["to"]) == (4, 29) and "phase" not in options
    training = ExportOptionsDialog("animate_training", 29, presenter=False)
    qtbot.addWidget(training)
    assert training.options() == {"epochs": 300, "every": 5, "delay": 80}
