"""The time the cache judges expiry by, as a dependency that tests replace."""

import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

Clock = Callable[[], float]


def get_clock() -> Clock:
    """Seconds on a monotonic clock (override it to move time in a test)."""
    return time.monotonic


ClockDep = Annotated[Clock, Depends(get_clock)]
