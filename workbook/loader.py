"""Import a target's `app` package fresh, and turn learner mistakes into plain messages.

Every lesson's service is a package called `app`, as a real service would be. Before each
check the previous `app` modules leave `sys.modules` and the target's folder goes first on
`sys.path`, so checks never share module state and lessons never see each other's code.
"""

import contextlib
import importlib
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, ModuleType, TracebackType

APP_PACKAGE = "app"


class LearnerCodeError(Exception):
    """The learner's code could not be imported or run; the message says where and why."""


class CheckTimeout(BaseException):
    """Raised by the alarm when a check (or an import) runs past its time limit.

    A BaseException, so that an app's catch-all `except Exception` cannot swallow it.
    """


class BrokenCode(LearnerCodeError):
    """Code that cannot be imported whatever the environment: a syntax error, a bad import, a
    name that does not exist. Every check would fail the same way."""


class ImportHung(LearnerCodeError):
    """Importing the learner's module did not finish within its limit."""


class Deadline:
    """A check's one interval timer: a limit for the whole check, tightened while it starts.

    Importing the app and starting its lifespan get a short limit of their own, so an app that
    never starts is caught in seconds; the check's full limit applies to everything else.
    The timer raises CheckTimeout in the main thread, even inside a busy loop.
    """

    def __init__(self) -> None:
        self.is_active = False
        self.has_fired = False
        self.ends = 0.0

    @contextlib.contextmanager
    def overall(self, seconds: float) -> Iterator[None]:
        def on_alarm(signum: int, frame: FrameType | None) -> None:
            self.has_fired = True
            raise CheckTimeout(f"no answer within {seconds:g} s")

        previous = signal.signal(signal.SIGALRM, on_alarm)
        self.is_active, self.has_fired = True, False
        self.ends = time.monotonic() + seconds
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            self.is_active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @contextlib.contextmanager
    def tightened(self, seconds: float) -> Iterator[None]:
        """A shorter limit for the block; afterwards the overall limit's remainder applies."""
        if not self.is_active:
            yield
            return
        signal.setitimer(signal.ITIMER_REAL, max(min(seconds, self.ends - time.monotonic()), 1e-3))
        try:
            yield
        finally:
            if self.is_active and not self.has_fired:
                signal.setitimer(signal.ITIMER_REAL, max(self.ends - time.monotonic(), 1e-3))


def forget_app_modules() -> None:
    for name in [name for name in sys.modules if _is_app_module(name)]:
        del sys.modules[name]
    importlib.invalidate_caches()


def forget_modules_under(root: Path) -> None:
    """Forget every module imported from the project at `root` (not its installed packages)."""
    resolved = root.resolve()
    for name, module in list(sys.modules.items()):
        location = getattr(module, "__file__", None)
        if not location or "site-packages" in location:
            continue
        if Path(location).resolve().is_relative_to(resolved):
            del sys.modules[name]
    importlib.invalidate_caches()


@contextlib.contextmanager
def target_on_path(root: Path) -> Iterator[None]:
    """Put `root` first on sys.path with no `app` modules cached; undo both afterwards."""
    forget_app_modules()
    entry = str(root)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)
        forget_app_modules()


def import_learner_module(root: Path, module_name: str) -> ModuleType:
    """Import `module_name` from the target, translating any failure into LearnerCodeError."""
    try:
        return importlib.import_module(module_name)
    except SyntaxError as error:
        raise BrokenCode(_describe_syntax_error(root, error)) from None
    except SystemExit as error:
        where = learner_location(root, error.__traceback__)
        raise LearnerCodeError(
            f"importing {module_name} called sys.exit({error.code!r}){where}: a service module "
            "must not exit the process when it is imported"
        ) from None
    except CheckTimeout as error:
        where = learner_location(root, error.__traceback__)
        raise ImportHung(
            f"importing {module_name} did not finish in time{where}: is there an endless loop "
            "or a blocking call at module level?"
        ) from None
    except ModuleNotFoundError as error:
        if error.name in (APP_PACKAGE, module_name):
            raise LearnerCodeError(
                f"no module {module_name} under {root}: the service is a package `app/` "
                "with its FastAPI instance in `app/main.py`"
            ) from None
        raise BrokenCode(_describe_exception(root, error, module_name)) from None
    except (ImportError, NameError) as error:
        raise BrokenCode(_describe_exception(root, error, module_name)) from None
    except Exception as error:  # noqa: BLE001 - any failure in learner code is reported
        raise LearnerCodeError(_describe_exception(root, error, module_name)) from None


def learner_attribute(root: Path, module: ModuleType, name: str) -> object:
    try:
        return getattr(module, name)
    except AttributeError:
        raise LearnerCodeError(
            f"{module.__name__} has no `{name}`: the checks look for `{name}` in "
            f"{_relative(root, Path(module.__file__ or ''))}"
        ) from None


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Raise CheckTimeout in the main thread after `seconds`, even inside a busy loop."""

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise CheckTimeout(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_app_module(name: str) -> bool:
    return name == APP_PACKAGE or name.startswith(APP_PACKAGE + ".")


def _describe_syntax_error(root: Path, error: SyntaxError) -> str:
    where = _relative(root, Path(error.filename or "?"))
    code = (error.text or "").rstrip()
    pointer = f"\n    {code}" if code else ""
    return f"{where}, line {error.lineno}: {error.msg}{pointer}"


def _describe_exception(root: Path, error: BaseException, module_name: str) -> str:
    where = learner_location(root, error.__traceback__)
    kind = type(error).__name__
    return f"importing {module_name} failed{where}: {kind}: {error}"


def learner_location(root: Path, tb: TracebackType | None) -> str:
    """`, at app/x.py line N` for the innermost frame of `tb` inside the target, else ``."""
    frames = [
        frame
        for frame in traceback.extract_tb(tb)
        if _is_inside(root, Path(frame.filename))
    ]
    if not frames:
        return ""
    frame = frames[-1]
    line = f"\n    {frame.line}" if frame.line else ""
    return f", at {_relative(root, Path(frame.filename))} line {frame.lineno}{line}"


def _is_inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _relative(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
