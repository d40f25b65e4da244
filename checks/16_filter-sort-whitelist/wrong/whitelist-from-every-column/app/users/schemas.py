"""The team directory's API contract, including every way a client may slice the list.

The query model *is* the whitelist: a field it does not declare cannot reach a query, a value
outside an enum is a 422, and both appear in /openapi.json for clients to read.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.users.models import User

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    GUEST = "guest"


# The mistake: the "whitelist" is generated from the table, so it holds every column,
# password_hash included.
SortField = StrEnum(  # type: ignore[misc]
    "SortField", {name.upper(): name for name in User.__table__.columns.keys()}
)


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class UserQuery(BaseModel):
    """Query parameters of GET /users; any other parameter is refused with 422."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    sort: SortField = SortField.NAME  # type: ignore[valid-type]
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
