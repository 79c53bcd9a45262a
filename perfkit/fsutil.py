"""Writing outputs safely: privately, to a temporary path first, then moved into place.

An interrupted run never leaves a half-written file or folder over a good one, and what it
leaves beside the outputs is removed on failure or by the next run into the same folder:

- **Temporary names.** Every temporary file or folder is named ``.perfkit-tmp-<name>.<random>``
  (:data:`TEMP_PREFIX`), plus the output's suffix for files (``.perfkit-tmp-payouts.k3j9x.xlsx``);
  the previous copy of a folder being replaced is ``.perfkit-tmp-<name>.<random>.old`` for
  the moment of the swap. The run that owns one holds a lock on it (``flock``).
- **Clean-up.** Each write first removes, from the folder it writes into, the entries named
  so that no running perfkit holds and that are older than :data:`STALE_SECONDS`
  (:func:`sweep`); nothing else is ever touched. A ``.old`` folder whose output is missing
  (a run killed mid-swap) is moved back into place instead.
- **Permissions.** Outputs carry pay and ratings of named people, so files are written
  ``0600`` and the folders perfkit creates ``0700`` (:data:`PRIVATE_MODE`), whatever the
  umask, unless a mode is asked for: the ``mode`` argument (``--mode`` on the command line),
  else the environment variable ``PERFKIT_OUTPUT_MODE`` (:data:`MODE_ENV`), e.g. ``0640``.
  Folders get the file mode plus search (``x``) wherever it can read (``0640`` -> ``0750``).
- **Errors.** A write that fails (read-only folder, full disk, a path under a file) raises
  :class:`OutputError` naming the output, what went wrong and the fix; nothing is left
  half-written.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import PerfkitError

try:  # POSIX; elsewhere temporary entries are told apart by age only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Start of the name of every temporary file or folder perfkit writes.
TEMP_PREFIX = ".perfkit-tmp-"

#: A temporary entry nobody holds a lock on is removed once it is this old (seconds); the age
#: covers the instant between creating an entry and locking it. Without ``flock`` a day.
STALE_SECONDS = 60.0 if fcntl is not None else 86400.0

#: Default mode of the files written (folders: ``0700``).
PRIVATE_MODE = 0o600

#: Environment variable giving the mode of the files written when no ``mode`` is passed.
MODE_ENV = "PERFKIT_OUTPUT_MODE"

_OLD_SUFFIX = ".old"


class OutputError(PerfkitError):
    """An output file or folder could not be written; nothing half-written was left."""


# -- permissions ------------------------------------------------------------------------------


def parse_mode(value: str | int, *, where: str = "--mode") -> int:
    """A file mode from octal text (``"0640"``, ``"640"``, ``"0o640"``) or an int.

    Parameters
    ----------
    value : str or int
    where : str
        The option or setting it came from, for the error message.

    Returns
    -------
    int

    Raises
    ------
    OutputError
        If it is not octal permission bits, or the owner could not read and write the file.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        mode = value
    else:
        text = str(value).strip().lower().removeprefix("0o")
        try:
            mode = int(text, 8) if text and text.isdigit() else -1
        except ValueError:
            mode = -1
    if not 0 <= mode <= 0o777:
        raise OutputError(
            f"{where}: found {value!r}, not a file mode; give octal permission bits such as "
            "0600 (only you, the default) or 0640 (you and your group)"
        )
    if mode & 0o600 != 0o600:
        raise OutputError(
            f"{where}: found {value!r} ({mode:04o}), which would lock you out of your own "
            "outputs; give a mode that keeps read and write for you (6 first), e.g. 0600 or 0640"
        )
    return mode


def output_mode(mode: str | int | None = None) -> int:
    """The mode of the files to write: ``mode``, else ``$PERFKIT_OUTPUT_MODE``, else ``0600``.

    Raises
    ------
    OutputError
        If the mode given or the environment variable is not a usable file mode.
    """
    if mode is not None:
        return parse_mode(mode)
    env = os.environ.get(MODE_ENV, "").strip()
    return parse_mode(env, where=MODE_ENV) if env else PRIVATE_MODE


def dir_mode(file_mode: int) -> int:
    """The folder mode that goes with a file mode: search (``x``) wherever it reads.

    ``0600`` -> ``0700``, ``0640`` -> ``0750``, ``0644`` -> ``0755``.
    """
    return file_mode | 0o700 | ((file_mode & 0o044) >> 2)


def _make_dirs(folder: Path, mode: int) -> None:
    """Create ``folder`` and its missing parents with exactly ``mode`` (existing ones untouched)."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for p in reversed(missing):
        try:
            os.mkdir(p, mode)
        except FileExistsError:
            continue
        os.chmod(p, mode)  # mkdir applies the umask


def _set_modes(folder: Path, file_mode: int) -> None:
    """Give every file under ``folder`` ``file_mode`` and every folder its :func:`dir_mode`."""
    dmode = dir_mode(file_mode)
    os.chmod(folder, dmode)
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            if not os.path.islink(os.path.join(root, d)):
                os.chmod(os.path.join(root, d), dmode)
        for f in files:
            if not os.path.islink(os.path.join(root, f)):
                os.chmod(os.path.join(root, f), file_mode)


# -- errors -----------------------------------------------------------------------------------


def output_error(exc: OSError, target: str | Path) -> OutputError:
    """An :class:`OutputError` for a failed write of ``target``: what happened and the fix."""
    target = Path(target)
    reason = exc.strerror or str(exc) or type(exc).__name__
    code = exc.errno
    name = errno.errorcode.get(code, "") if code is not None else ""
    found = f"{reason} ({name})" if name else reason
    folder = target.parent
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        fix = (
            f"free some space on the disk of {folder} (or raise your quota), or give -o/--output "
            "a path on another disk"
        )
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"{folder} cannot be written to; give -o/--output a folder you can write to"
    elif code == errno.ENOTDIR:
        fix = f"part of {folder} is a file, not a folder; give -o/--output a path in a folder"
    elif code == errno.EISDIR:
        fix = f"{target} is a folder; give -o/--output a file name such as payouts.xlsx"
    elif code == errno.ENAMETOOLONG:
        fix = "the name is too long; give -o/--output a shorter path"
    else:
        fix = "check the path given with -o/--output and that its disk is writable"
    err = OutputError(
        f"{target}: cannot write it: {found}; {fix}. Nothing was written; an earlier "
        "copy, if any, is unchanged"
    )
    err.__cause__ = exc
    return err


def _check_target(target: Path, *, folder: bool) -> None:
    """Refuse to replace something that is not what is being written (a device, a folder...)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise output_error(exc, target) from exc
    ok = stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode)
    if not ok:
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        want = "a new folder name" if folder else "a file name such as payouts.xlsx"
        raise OutputError(f"{target}: exists and is {what}; give -o/--output {want}")


# -- temporary entries ------------------------------------------------------------------------


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _locked(path: Path) -> bool:
    """Whether a running perfkit holds ``path`` (True when that cannot be told)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep(folder: str | Path) -> list[Path]:
    """Remove what killed perfkit runs left in ``folder``; return what was removed.

    Only entries named ``.perfkit-tmp-*`` (:data:`TEMP_PREFIX`) are considered, and of those
    only the ones no running perfkit holds a lock on and older than :data:`STALE_SECONDS`.
    The previous copy of a folder (``.perfkit-tmp-<name>.<random>.old``) is moved back to
    ``<name>`` when ``<name>`` is missing (a run killed in the middle of swapping them),
    else removed. Entries that cannot be removed (another user's) are left quietly.

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    list of Path
        The entries removed or moved back.
    """
    folder = Path(folder)
    try:
        entries = [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    now = time.time()
    done = []
    for path in sorted(entries):
        try:
            if path.is_symlink():  # perfkit never makes one: not its own
                continue
            if path.is_dir() and path.name.endswith(_OLD_SUFFIX):
                owner = path.with_name(path.name[: -len(_OLD_SUFFIX)])
                if owner.exists() and _locked(owner):
                    continue  # a live run is swapping it right now
                name = path.name[len(TEMP_PREFIX) : -len(_OLD_SUFFIX)].rsplit(".", 1)[0]
                if name and not (folder / name).exists():
                    os.replace(path, folder / name)
                else:
                    _remove(path)
            else:
                if now - path.lstat().st_mtime < STALE_SECONDS or _locked(path):
                    continue
                _remove(path)
        except OSError:
            continue
        done.append(path)
    return done


# -- atomic writes ----------------------------------------------------------------------------


@contextmanager
def atomic_paths(
    targets: Iterable[str | Path], *, mode: str | int | None = None
) -> Iterator[list[Path]]:
    """Yield temporary paths beside ``targets``; on success move them all onto the targets.

    The temporary files keep their target's suffix so writers that look at it (Excel,
    Parquet) still work. They are moved into place only once every one was written, so a
    failure leaves every target as it was, and the temporary files are removed.

    Parameters
    ----------
    targets : iterable of str or Path
    mode : str or int, optional
        Mode of the files written; :func:`output_mode` by default (``0600``). Folders that
        have to be created get :func:`dir_mode` of it.

    Raises
    ------
    OutputError
        If a file cannot be written (the writer's OSError too), naming it and the fix.
    """
    paths = [Path(t) for t in targets]
    file_mode = output_mode(mode)
    tmps: list[Path] = []
    fds: list[int] = []
    current = paths[0] if paths else Path(".")
    try:
        try:
            for current in paths:
                _check_target(current, folder=False)
                _make_dirs(current.parent, dir_mode(file_mode))
                sweep(current.parent)
                fd, tmp_name = tempfile.mkstemp(
                    prefix=f"{TEMP_PREFIX}{current.stem}.",
                    suffix=current.suffix,
                    dir=current.parent,
                )
                fds.append(fd)
                tmps.append(Path(tmp_name))
                _lock(fd)
        except OSError as exc:
            raise output_error(exc, current) from exc
        try:
            yield list(tmps)
            for tmp in tmps:
                os.chmod(tmp, file_mode)
            for current, tmp in zip(paths, tmps, strict=True):
                os.replace(tmp, current)
        except OSError as exc:
            by_tmp = {str(t): target for t, target in zip(tmps, paths, strict=True)}
            raise output_error(exc, by_tmp.get(str(exc.filename), current)) from exc
    finally:
        for fd in fds:
            os.close(fd)
        for tmp in tmps:
            tmp.unlink(missing_ok=True)


@contextmanager
def atomic_path(target: str | Path, *, mode: str | int | None = None) -> Iterator[Path]:
    """Yield a temporary file path beside ``target``; on success move it onto ``target``.

    The temporary file keeps ``target``'s suffix so writers that look at it (Excel,
    Parquet) still work. On an exception the temporary file is removed and ``target`` is
    left as it was. See :func:`atomic_paths` for ``mode`` and the errors raised.
    """
    with atomic_paths([target], mode=mode) as tmps:
        yield tmps[0]


@contextmanager
def atomic_dir(target: str | Path, *, mode: str | int | None = None) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target`` whole.

    The old folder, if any, is moved aside first and removed only after the new one is in
    place, so a failure at any point leaves a complete folder behind (and a run killed in
    between has it moved back by the next :func:`sweep`). Every file in the new folder gets
    ``mode`` and every folder :func:`dir_mode` of it when it is published; until then the
    temporary folder is private (``0700``).

    Parameters
    ----------
    target : str or Path
    mode : str or int, optional
        Mode of the files published; :func:`output_mode` by default (``0600``).

    Raises
    ------
    OutputError
        If the folder cannot be written or swapped (the body's OSError too).
    """
    target = Path(target)
    file_mode = output_mode(mode)
    try:
        _check_target(target, folder=True)
        _make_dirs(target.parent, dir_mode(file_mode))
        sweep(target.parent)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{target.name}.", dir=target.parent))
    except OSError as exc:
        raise output_error(exc, target) from exc
    fd = None
    old = tmp.with_name(tmp.name + _OLD_SUFFIX)
    try:
        if fcntl is not None:
            fd = os.open(tmp, os.O_RDONLY)
            _lock(fd)
        yield tmp
        _set_modes(tmp, file_mode)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise output_error(exc, target) from exc
    finally:
        if old.exists() and not target.exists():
            os.replace(old, target)  # the swap failed half-way: put the previous folder back
        if fd is not None:
            os.close(fd)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


__all__ = [
    "MODE_ENV",
    "PRIVATE_MODE",
    "STALE_SECONDS",
    "TEMP_PREFIX",
    "OutputError",
    "atomic_dir",
    "atomic_path",
    "atomic_paths",
    "dir_mode",
    "output_mode",
    "parse_mode",
    "sweep",
]
