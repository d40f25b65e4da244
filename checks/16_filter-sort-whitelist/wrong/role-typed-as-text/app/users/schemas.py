"""The team directory's API contract, including every way a client may slice the list.

The query model *is* the whitelist: a field it does not declare cannot reach a query, a value
outside an enum is a 422, and both appear in /openapi.json for clients to read.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    GUEST = "guest"


class SortField(StrEnum):
    """The columns a client may sort by; password_hash is deliberately not one of them."""

    NAME = "name"
    EMAIL = "email"
    CREATED_AT = "created_at"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class UserQuery(BaseModel):
    """Query parameters of GET /users; any other parameter is refused with 422."""

    model_config = ConfigDict(extra="forbid")

    role: str | None = None
    is_active: bool | None = None
    sort: SortField = SortField.NAME
    order: SortOrder = SortOrder.ASC
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: str
    is_active: bool
    created_at: datetime
