"""The company directory's SDK, as its vendor ships it: synchronous and blocking.

Do not edit this module: it stands for any blocking library (a database driver without
async support, an SDK built on `requests`, a file system call).
"""

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    login: str
    display_name: str
    team: str


class DirectoryClient:
    def __init__(self, latency_seconds: float) -> None:
        self._latency_seconds = latency_seconds

    def lookup(self, login: str) -> Person:
        time.sleep(self._latency_seconds)  # the network round trip, blocking the thread
        return Person(login=login, display_name=login.replace(".", " ").title(), team="core")
