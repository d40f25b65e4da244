from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # aiosqlite by default; e.g. postgresql+asyncpg://user@host/db in production.
    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    # Required, as lesson 22 taught: no default key to forget in production.
    jwt_secret_key: SecretStr = Field(min_length=32)
    access_token_minutes: int = Field(default=15, ge=1, le=15)
    # The first administrator, created at start-up when both are set. Every other account
    # signs up as a member; only an administrator's action could change that.
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    # Password hashing cost (lesson 21); tests lower it through the environment.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # the values come from the environment
