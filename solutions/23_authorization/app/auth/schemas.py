"""The auth API contract."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from app.auth.models import Role

# No NUL character: PostgreSQL refuses it in text, and none belongs in a name.
NO_NUL = r"^[^\x00]*$"
Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64, pattern=NO_NUL)
]


class UserCreate(BaseModel):
    """What a visitor may choose: no role here, so nobody signs themselves up as admin."""

    model_config = ConfigDict(extra="forbid")

    username: Username
    password: SecretStr = Field(min_length=8, max_length=128)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Role


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
