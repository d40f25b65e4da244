"""The auth API contract."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from app.auth.models import Role

Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64)]


class UserCreate(BaseModel):
    """What a visitor may choose: no role here, so nobody signs themselves up as admin."""

    model_config = ConfigDict(extra="ignore")

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
