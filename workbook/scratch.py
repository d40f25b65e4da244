"""Temporary folders that never outlive the grader, even when it is killed.

Every folder the grader makes (a check's working directory, a wrong variant's copy, a pristine
starter unpacked from git) lives under one root per process, `workbook-run-<pid>-…` in the system's
temporary folder. The root is removed at exit; roots whose process is gone (killed, or ended
with os._exit) are removed by the next grader that starts.
"""

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "workbook-run-"
_root: Path | None = None
_owner = 0


def root() -> Path:
    """This process's scratch root, made (and the orphans of dead processes swept) on first use."""
    global _root, _owner
    if _root is None or _owner != os.getpid():
        _sweep_orphans()
        _owner = os.getpid()
        _root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{_owner}-"))
        atexit.register(_remove, _root, _owner)
    return _root


def new_dir(prefix: str) -> Path:
    """A fresh folder under this process's scratch root."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root()))


def _remove(path: Path, owner: int) -> None:
    if os.getpid() == owner:  # a forked child inherits atexit hooks: only the owner removes
        shutil.rmtree(path, ignore_errors=True)


def _sweep_orphans() -> None:
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for path in base.glob(f"{PREFIX}*"):
            owner = path.name.removeprefix(PREFIX).split("-", 1)[0]
            if owner.isdigit() and not is_alive(int(owner)) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
