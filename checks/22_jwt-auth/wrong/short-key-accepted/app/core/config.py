"""Settings from the environment (APP_ prefix): database, signing key, token lifetimes."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # aiosqlite by default; e.g. postgresql+asyncpg://user@host/db in production.
    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    # Required: the service refuses to start without a signing key (32 bytes or more for HS256).
    jwt_secret_key: SecretStr
    # The one algorithm tokens are signed with, and the only one accepted.
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_minutes: int = Field(default=15, ge=1, le=15)
    refresh_token_days: int = Field(default=7, ge=1, le=30)
    # Password hashing cost (lesson 21); tests lower it through the environment.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # the values come from the environment
