"""Saving from the window: a read-only file is asked about (and stays read-only), a FIFO is
refused with a message naming it, and nothing is replaced behind the user's back."""

import os
import stat

from core.netfile import load_network, save_network


def test_a_read_only_file_is_asked_about(window, tmp_path):
    path = tmp_path / "ro.json"
    save_network(window.controller.network, path)
    os.chmod(path, 0o444)
    assert window.open_path(str(path))
    before = path.read_text(encoding="utf-8")
    window.controller.edit("w:1:0:0", 1.0)
    asked = []
    window.ask_replace_read_only = lambda message: asked.append(message) or False
    assert not window.save()
    assert asked == [f"{path} is read-only: not saved"]
    assert path.read_text(encoding="utf-8") == before and window.controller.dirty
    window.ask_replace_read_only = lambda message: True
    assert window.save()
    assert load_network(path).network.layers[0].W[0, 0] == 1.0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o444
    assert not window.controller.dirty and window.errors == []


def test_a_fifo_is_refused_with_its_name(window, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    window.ask_save_path = lambda: str(fifo)
    assert not window.save_as()
    assert window.errors == [f"{fifo} is a FIFO (named pipe), not a regular file: not saved "
                             "(choose a file name)"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
