"""The users API contract: one schema per direction, each strict about what it accepts."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=80)
]
Password = Annotated[str, Field(min_length=12, max_length=128)]


class StrictInput(BaseModel):
    """Input schemas refuse fields they do not declare instead of silently dropping them."""

    model_config = ConfigDict(extra="forbid")


class UserCreate(StrictInput):
    email: EmailStr
    name: DisplayName
    password: Password

    @model_validator(mode="after")
    def password_is_not_personal(self) -> Self:
        # A compound rule: it needs two fields at once, so it lives on the model.
        local_part = self.email.split("@", 1)[0].lower()
        if local_part in self.password.lower() or self.name.lower() in self.password.lower():
            raise ValueError("password must not contain the e-mail name or the display name")
        return self


class UserUpdate(StrictInput):
    """A PATCH sends only what changes: a field may be left out, but not set to null."""

    email: EmailStr | None = None
    name: DisplayName | None = None

    @field_validator("email", "name")
    @classmethod
    def is_not_null(cls, value: str | None) -> str:
        # Runs only for fields that were sent: defaults are not validated.
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class UserRead(BaseModel):
    """What the API shows of a user: never the password or its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: EmailStr
    name: str
    created_at: datetime


class ErrorMessage(BaseModel):
    """The body of a 400 or 404: FastAPI's `{"detail": "..."}`."""

    detail: str
