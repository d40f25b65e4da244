"""Dependencies every feature shares: the app's database, and one connection per request."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from app.core.database import Connection, Database


_database: Database | None = None


def get_database(request: Request) -> Database:
    global _database  # noqa: PLW0603
    if _database is None:
        _database = request.state.database
    return _database


DatabaseDep = Annotated[Database, Depends(get_database)]


def get_connection(database: DatabaseDep) -> Iterator[Connection]:
    connection = database.connect()
    try:
        yield connection
    finally:
        # Runs when the request is done, also when the handler raised.
        connection.close()


ConnectionDep = Annotated[Connection, Depends(get_connection)]
