"""The service's one source of the current time, a dependency that tests replace."""

import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

Clock = Callable[[], float]  # seconds since the epoch, as time.time() returns them


def get_clock() -> Clock:
    return time.time


ClockDep = Annotated[Clock, Depends(get_clock)]
