"""A stand-in for a database server: tables in memory, reached through connections.

Each connection must be closed, whatever happens to the request that opened it;
`open_connections` counts the ones still open. Lesson 11 brings a real database.
"""

import itertools
from collections import defaultdict
from typing import TypeVar, cast

Record = TypeVar("Record")


class Database:
    def __init__(self) -> None:
        self.tables: defaultdict[str, dict[int, object]] = defaultdict(dict)
        self.ids = itertools.count(1)
        self.open_connections = 0

    def connect(self) -> "Connection":
        self.open_connections += 1
        return Connection(self)


class Connection:
    def __init__(self, database: Database) -> None:
        self._database: Database | None = database

    def table(self, record_type: type[Record]) -> dict[int, Record]:
        return cast(dict[int, Record], self._open().tables[record_type.__name__])

    def next_id(self) -> int:
        return next(self._open().ids)

    def close(self) -> None:
        if self._database is not None:
            self._database.open_connections -= 1
            self._database = None

    def _open(self) -> Database:
        if self._database is None:
            raise RuntimeError("the connection was used after close()")
        return self._database


# One database for the whole process, created the moment this module is imported.
database = Database()
