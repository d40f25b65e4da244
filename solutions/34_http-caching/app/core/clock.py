"""The time, as a dependency: tests and checks replace it to control `updated_at`."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def get_clock() -> Clock:
    """The clock every write stamps its changes with (override it to control time)."""
    return system_clock


ClockDep = Annotated[Clock, Depends(get_clock)]
