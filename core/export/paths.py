"""Checking an export's target before anything is drawn, and writing it all at once.

A bad path is one clear ValueError and leaves nothing behind; a file is written to a temporary
name in the same folder and renamed over the target only when it is complete, so a cancelled or
failed export never leaves half a file (or destroys the old one).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator


def check_output_path(path: str, extensions: tuple[str, ...], what: str = "export") -> str:
    """``path`` as an absolute path, or ValueError naming what is wrong with it.

    ``extensions`` are the allowed endings with their dot (".pdf"); the folder must exist and an
    existing target must be a writable regular file (never a folder, FIFO or device).
    """
    if not path or not path.strip():
        raise ValueError(f"{what}: no file name given")
    full = os.path.abspath(os.path.expanduser(path))
    ext = os.path.splitext(full)[1].lower()
    if ext not in extensions:
        allowed = ", ".join(extensions)
        raise ValueError(f"{what}: {os.path.basename(full)!r} must end in {allowed}")
    folder = os.path.dirname(full)
    if not os.path.isdir(folder):
        raise ValueError(f"{what}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{what}: folder {folder} is not writable")
    if os.path.lexists(full):
        mode = os.stat(full).st_mode if os.path.exists(full) else 0
        if not stat.S_ISREG(mode):
            raise ValueError(f"{what}: {full} exists and is not a regular file")
        if not os.access(full, os.W_OK):
            raise ValueError(f"{what}: {full} is read-only")
    return full


@contextlib.contextmanager
def atomic_target(path: str) -> Iterator[str]:
    """A temporary file name beside ``path``; renamed to ``path`` if the block ends normally,
    removed if it raises (a cancelled export raises :class:`Cancelled`)."""
    folder, name = os.path.split(path)
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=os.path.splitext(name)[1], dir=folder)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only mode
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` all at once."""
    with atomic_target(path) as temp, open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)


class Cancelled(Exception):
    """The user cancelled a long export; nothing was written."""
