"""Dependencies every feature shares: the app's database, and one connection per request."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.core.database import Connection, Database


def get_database(request: Request) -> Database:
    # Built by the lifespan of the app serving this request: one per app, none at import.
    database: Database = request.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


def get_connection(database: DatabaseDep) -> Iterator[Connection]:
    connection = database.connect()
    try:
        yield connection
    except HTTPException:
        connection.close()
        raise
    connection.close()


ConnectionDep = Annotated[Connection, Depends(get_connection)]
