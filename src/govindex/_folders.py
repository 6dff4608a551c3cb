"""Output folders replaced as a whole: a lock, a staging folder and one atomic switch.

A batch run (and an HTML report) writes a folder whose files belong together: a
reader must find either every file of the previous version or every file of the new
one, never a mix. :func:`replace_folder` gives that guarantee:

1. it takes a lock beside the folder (``.<name>.govindex-lock``, an OS file lock that
   the system releases when the process ends, even when it is killed), so that two
   runs never write one folder at the same time;
2. it restores a folder left aside by an interrupted switch and removes the staging
   folders of runs that were interrupted (``.<name>.govindex-run.*.tmp``);
3. it checks that the folder holds only what an earlier version wrote (a run replaces
   the whole folder, so it refuses to replace a folder holding anything else);
4. the caller writes the complete new version into a fresh staging folder beside it;
5. one switch puts it in place: the two folders are exchanged by one atomic system
   call (``renameat2(RENAME_EXCHANGE)`` on Linux, ``renamex_np(RENAME_SWAP)`` on
   macOS), or, for a folder that does not exist yet, renamed into place. Where the
   file system cannot exchange folders (Windows, some network file systems) the old
   folder is renamed aside and the new one renamed into place: two renames, between
   which the folder is briefly absent (never mixed), and which the next run completes
   (step 2) if the process dies in between.

Every operation of the switch goes through :func:`_rename`, :func:`_exchange`,
:func:`_remove` and :func:`_sync`, so that the fault-injection test can stop the
process before any of them.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from govindex.exceptions import RunFolderError, format_items

__all__ = ["FolderLock", "folder_tag", "recover_folder", "replace_folder", "switch"]

#: Staging folders, folders set aside by a switch and the lock, beside the target.
_STAGING, _RETIRED, _LOCK = "govindex-run", "govindex-old", "govindex-lock"


def folder_tag(target: Path) -> str:
    """The name of ``target`` as used in the names beside it (shortened when long).

    Examples
    --------
    >>> folder_tag(Path("/data/results"))
    'results'
    >>> len(folder_tag(Path("x" * 300)))
    69
    """
    name = target.name
    if len(name) <= 80:
        return name
    return f"{name[:60]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def _beside(target: Path, kind: str, token: str = "") -> Path:
    suffix = f".{token}.tmp" if token else ""
    return target.parent / f".{folder_tag(target)}.{kind}{suffix}"


# --------------------------------------------------------------------------- the lock


class FolderLock:
    """An exclusive lock on writing ``target`` (a context manager).

    The lock is an OS file lock on ``.<name>.govindex-lock`` beside the folder; the
    system releases it when the process ends, so a killed run never leaves a stale
    lock. ``wait`` seconds are waited for another run to finish (default: none).
    """

    def __init__(self, target: Path, *, wait: float = 0.0, what: str = "folder") -> None:
        self.target, self.wait, self.what = target, float(wait), what
        self.path = _beside(target, _LOCK)
        self._fh: IO[str] | None = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + self.wait
        while not _try_lock(fh):
            if time.monotonic() >= deadline:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise RunFolderError(
                    f"{self.target} is being written by another govindex run ({holder}); "
                    f"wait for it to finish, or write the {self.what} into another folder"
                )
            time.sleep(0.1)
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        # the lock file stays: removing it would let a waiting run lock a deleted file
        if self._fh is not None:
            _unlock(self._fh)
            self._fh.close()
            self._fh = None


def _try_lock(fh: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _unlock(fh: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- operations


def _rename(src: Path, dst: Path) -> None:
    os.rename(src, dst)


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _sync(folder: Path) -> None:
    """Make the entries of ``folder`` durable (no-op where folders cannot be synced)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic system call; False where that is not possible."""
    call: Any = None
    if sys.platform.startswith("linux"):
        call = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
        args: tuple[Any, ...] = (-100, os.fsencode(a), -100, os.fsencode(b), 2)  # AT_FDCWD
    elif sys.platform == "darwin":
        call = getattr(ctypes.CDLL(None, use_errno=True), "renamex_np", None)
        args = (os.fsencode(a), os.fsencode(b), 2)  # RENAME_SWAP
    if call is None:
        return False
    if call(*args) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False  # the kernel or the file system cannot exchange: rename instead
    raise OSError(code, os.strerror(code), str(a), None, str(b))


# --------------------------------------------------------------------------- the switch


def _recover(target: Path) -> None:
    """Finish what an interrupted switch left: put a folder set aside back in place."""
    retired = sorted(target.parent.glob(f".{folder_tag(target)}.{_RETIRED}.*.tmp"))
    if not target.exists() and retired:
        _rename(retired[-1], target)  # the previous version, complete
        retired = retired[:-1]
    stale = [*retired, *target.parent.glob(f".{folder_tag(target)}.{_STAGING}.*.tmp")]
    if target.is_dir():
        stale += target.glob(f".{_STAGING}.*.tmp")  # staging folders of earlier versions
    for folder in stale:
        _remove(folder)


def recover_folder(target: str | os.PathLike[str]) -> None:
    """Under the lock, finish an interrupted switch of ``target`` and remove the staging
    folders of interrupted runs (what every :func:`replace_folder` does first)."""
    path = Path(os.path.abspath(target))
    with FolderLock(path):
        _recover(path)


def _check_own(target: Path, own: Callable[[Path], bool], what: str) -> None:
    if not target.exists():
        return
    if not target.is_dir():
        raise RunFolderError(f"{target} is a file, not a folder; choose a folder for the {what}")
    foreign = sorted(e.name for e in target.iterdir() if not own(e))
    if foreign:
        raise RunFolderError(
            f"{target} holds files that are not part of a {what} ({format_items(foreign, 5)}); "
            f"the {what} replaces the whole folder: move them, or choose another folder"
        )


def switch(staging: Path, target: Path) -> None:
    """Put the complete folder ``staging`` in the place of ``target`` (see the module)."""
    for folder in sorted({f.parent for f in staging.rglob("*")} | {staging}, reverse=True):
        _sync(folder)  # the new entries are on disk before the switch that shows them
    if not target.exists():
        _rename(staging, target)
    elif _exchange(staging, target):
        _remove(staging)  # now the previous version
    else:
        token = staging.name.rsplit(".", 2)[-2]
        retired = _beside(target, _RETIRED, token)
        _rename(target, retired)
        try:
            _rename(staging, target)
        except BaseException:
            _rename(retired, target)  # an error (not a kill): the previous version back
            raise
        _remove(retired)
    _sync(target.parent)


@contextmanager
def replace_folder(
    target: str | os.PathLike[str],
    *,
    own: Callable[[Path], bool],
    what: str = "folder",
    wait: float = 0.0,
) -> Iterator[Path]:
    """Write a new version of the folder ``target`` as a whole.

    Yields an empty staging folder beside ``target``; when the block ends normally the
    staging folder replaces ``target`` in one switch, and when it raises, ``target``
    is left exactly as it was. ``own(entry)`` says whether an entry of the existing
    folder is something an earlier version wrote (anything else is a
    :class:`~govindex.exceptions.RunFolderError`: the folder would be lost).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "results"
    >>> with replace_folder(out, own=lambda e: e.suffix == ".txt") as staging:
    ...     _ = (staging / "a.txt").write_text("new")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    path = Path(os.path.abspath(target))
    if path.is_symlink():
        path = path.resolve()  # replace the folder the link points at, keep the link
    if Path.cwd().resolve().is_relative_to(path.resolve()):
        raise RunFolderError(
            f"cannot replace {path}: it is (or holds) the current folder; write the {what} "
            "into a folder of its own"
        )
    with FolderLock(path, wait=wait, what=what):
        _recover(path)
        _check_own(path, own, what)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder_tag(path)}.{_STAGING}.", suffix=".tmp",
                                        dir=path.parent))  # fmt: skip
        try:
            # a new folder gets the permissions the old one had (mkdtemp makes it private)
            mode = stat.S_IMODE(path.stat().st_mode) if path.is_dir() else 0o777 & ~_umask()
            os.chmod(staging, mode)
            yield staging
        except BaseException:
            _remove(staging)
            raise
        try:
            switch(staging, path)
        finally:
            if staging.exists():  # the switch failed before it (an error, not a kill)
                _remove(staging)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
