"""Writing a user's file without ever destroying anything.

:func:`write_text` is how the app saves: the old file survives any failure intact, and

- a target that is not a regular file (a FIFO, a device such as /dev/null, a folder, a socket) is
  refused with a message, never renamed over;
- a read-only file (no owner write bit, or not writable by us) is refused with
  :class:`ReadOnlyFileError` unless the caller asked the user and passes
  ``replace_read_only=True``; the file stays read-only afterwards;
- the new file keeps the old one's permission bits;
- a file with more than one hard link is rewritten in place (after the new text was written to a
  temporary file next to it, which proves there is room), so every link sees the new contents;
  on a failure part-way the old contents are written back;
- a symbolic link is written through, not replaced;
- every message names the user's file (never the temporary one) on one line.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat

from core.messages import one_line


class SaveError(OSError):
    """The file was not written; the message (``str(exc)``) says why and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ReadOnlyFileError(SaveError):
    """The target exists and is read-only: ask the user (GUI) or refuse (command line)."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def target_problem(path: str | os.PathLike[str]) -> str:
    """Why ``path`` cannot be saved to ("" when it can: missing, or a writable regular file);
    a read-only file says so too."""
    try:
        _check(path, replace_read_only=False)
    except SaveError as exc:
        return str(exc)
    return ""


def _check(path, replace_read_only: bool) -> tuple[str, os.stat_result | None]:
    shown = one_line(os.fspath(path))
    target = os.path.realpath(path)  # write through a symbolic link rather than replacing it
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise SaveError(f"{shown}: not saved: cannot look at the file ({_why(exc)})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise SaveError(f"{shown} is {kind}, not a regular file: not saved (choose a file name)")
    read_only = not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK)
    if read_only and not replace_read_only:
        raise ReadOnlyFileError(f"{shown} is read-only: not saved")
    return target, st


def write_text(
    path: str | os.PathLike[str], text: str, *, replace_read_only: bool = False
) -> None:
    """Write ``text`` (UTF-8) to ``path`` safely (see the module docstring)."""
    shown = one_line(os.fspath(path))
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SaveError(f"{shown}: not saved: the text holds {exc.reason}") from None
    target, st = _check(path, replace_read_only)
    directory = os.path.dirname(target)
    tmp = _write_temp(directory, target, data, st, shown)
    try:
        if st is not None and st.st_nlink > 1:
            _rewrite_in_place(target, data, st, shown)
            os.unlink(tmp)
        else:
            _check(path, replace_read_only)  # still a regular file: it is about to be replaced
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise SaveError(
                    f"{shown}: not saved ({_why(exc)}); the file is unchanged"
                ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # Make the rename durable; best effort, since the file is already in place.
    with contextlib.suppress(OSError, AttributeError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _write_temp(directory: str, target: str, data: bytes, st, shown: str) -> str:
    """The new contents in a temporary file beside the target, with the target's permissions."""
    tmp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 lets the umask decide a new file's permissions, as for any new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        folder = one_line(directory or ".")
        raise SaveError(f"{shown}: not saved: cannot write in the folder {folder} "
                        f"({_why(exc)})") from None  # fmt: skip
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise SaveError(f"{shown}: not saved ({_why(exc)}); the file is unchanged") from None
    return tmp


def _rewrite_in_place(target: str, data: bytes, st, shown: str) -> None:
    """New contents into the existing inode (hard links keep sharing it); on a failure part-way
    the old contents go back."""
    mode = stat.S_IMODE(st.st_mode)
    made_writable = False
    try:
        if not mode & stat.S_IWUSR:  # a read-only file the user chose to replace
            os.chmod(target, mode | stat.S_IWUSR)
            made_writable = True
        with open(target, "rb") as fh:
            old = fh.read()
        with open(target, "r+b") as fh:
            try:
                fh.write(data)
                fh.truncate()
                fh.flush()
                os.fsync(fh.fileno())
            except OSError:
                fh.seek(0)
                fh.write(old)
                fh.truncate()
                raise
    except OSError as exc:
        raise SaveError(f"{shown}: not saved ({_why(exc)})") from None
    finally:
        if made_writable:
            with contextlib.suppress(OSError):
                os.chmod(target, mode)


def _why(exc: OSError) -> str:
    return one_line(exc.strerror or exc)
