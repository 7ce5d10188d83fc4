"""Saving never destroys anything: FIFOs, devices and folders are refused, a read-only file only
replaced when asked (and stays read-only), permissions and hard links are kept, and messages
name the user's file."""

import os
import stat

import pytest

from core.netfile import NetworkFileError, load_network, save_network
from core.safe_write import ReadOnlyFileError, SaveError, target_problem, write_text
from tests.core.helpers import mazur


def _leftovers(folder) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(SaveError, match=r"^.*pipe.json is a FIFO \(named pipe\), not a regular "
                                        r"file: not saved"):
        save_network(mazur(), fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _leftovers(tmp_path) == []


def test_a_folder_and_a_device_are_refused(tmp_path):
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(SaveError, match="is a folder, not a regular file"):
        save_network(mazur(), tmp_path / "folder.json")
    assert (tmp_path / "folder.json").is_dir()
    # Only looked at, never written: the check that keeps /dev/null a device.
    assert target_problem("/dev/null") == "/dev/null is a device, not a regular file: not saved " \
                                          "(choose a file name)"


def test_a_read_only_file_is_refused_then_replaced_when_asked_and_stays_read_only(tmp_path):
    path = tmp_path / "ro.json"
    save_network(mazur(), path)
    before = path.read_text(encoding="utf-8")
    os.chmod(path, 0o444)
    net = mazur()
    net.layers[0].W[0, 0] = 1.0
    with pytest.raises(ReadOnlyFileError, match=r"ro.json is read-only: not saved$"):
        save_network(net, path)
    assert path.read_text(encoding="utf-8") == before
    save_network(net, path, replace_read_only=True)
    assert load_network(path).network.layers[0].W[0, 0] == 1.0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o444
    assert _leftovers(tmp_path) == []


def test_permission_bits_are_kept(tmp_path):
    path = tmp_path / "mine.json"
    save_network(mazur(), path)
    os.chmod(path, 0o640)
    save_network(mazur(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_a_hard_link_is_not_split(tmp_path):
    path, other = tmp_path / "a.json", tmp_path / "b.json"
    save_network(mazur(), path)
    os.link(path, other)
    inode = os.stat(path).st_ino
    net = mazur()
    net.layers[1].b[0] = 0.5
    save_network(net, path)
    assert os.stat(path).st_ino == inode and os.stat(path).st_nlink == 2
    assert load_network(other).network.layers[1].b[0] == 0.5
    assert _leftovers(tmp_path) == []


def test_a_read_only_hard_link_replaced_when_asked(tmp_path):
    path, other = tmp_path / "a.json", tmp_path / "b.json"
    write_text(path, "old\n")
    os.link(path, other)
    os.chmod(path, 0o444)
    with pytest.raises(ReadOnlyFileError):
        write_text(path, "new\n")
    write_text(path, "new\n", replace_read_only=True)
    assert other.read_text() == "new\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o444


def test_a_symlink_is_written_through(tmp_path):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    write_text(real, "old\n")
    os.symlink(real, link)
    write_text(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_a_folder_that_does_not_exist_is_named_with_the_users_file(tmp_path):
    target = tmp_path / "missing" / "net.json"
    with pytest.raises(SaveError) as info:
        save_network(mazur(), target)
    message = str(info.value)
    assert message.startswith(f"{target}: not saved: cannot write in the folder ")
    assert ".tmp" not in message


def test_a_newline_in_the_name_stays_on_one_line(tmp_path):
    fifo = tmp_path / "a\nb.json"
    os.mkfifo(fifo)
    with pytest.raises(SaveError) as info:
        save_network(mazur(), fifo)
    assert "\n" not in str(info.value) and "a\\nb.json" in str(info.value)


def test_a_lone_surrogate_in_the_name_is_named_on_save_and_on_load(tmp_path):
    net = mazur()
    net.name = "Mazur \udc80"
    with pytest.raises(NetworkFileError, match=r"^not saved: name: contains the lone surrogate "
                                               r"\\udc80"):
        save_network(net, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()
    text = (tmp_path / "y.json")
    save_network(mazur(), text)
    raw = text.read_text(encoding="utf-8").replace('"name": "', '"name": "\\ud800', 1)
    text.write_text(raw, encoding="utf-8")
    with pytest.raises(NetworkFileError, match=r"^y.json: name: contains the lone surrogate "
                                               r"\\ud800"):
        load_network(text)
