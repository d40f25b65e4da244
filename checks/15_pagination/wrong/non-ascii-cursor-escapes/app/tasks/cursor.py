"""Feed cursors: an opaque token to the client, a validated position to the service.

A cursor is URL-safe base64 of a small JSON document naming the last row of a page by its
sort key (due_on, id). It is input like any other: anything that does not decode to a valid
position is an InvalidCursor, never a 500.
"""

import base64
import binascii
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.tasks.exceptions import InvalidCursor

MAX_ID = 2**31 - 1  # the id column is a 32-bit integer on PostgreSQL


class Position(BaseModel):
    """Where a page ended: the sort key of its last row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    due_on: date
    id: int = Field(ge=0, le=MAX_ID)


def encode_cursor(position: Position) -> str:
    raw = position.model_dump_json().encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> Position:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        return Position.model_validate_json(raw)
    except (binascii.Error, ValidationError) as error:
        raise InvalidCursor("the cursor is not one this service issued") from error
