"""Settings from the environment (APP_ prefix). Secrets are SecretStr: they print as ******."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # aiosqlite by default; e.g. postgresql+asyncpg://user:password@host/db in production.
    database_url: SecretStr = SecretStr("sqlite+aiosqlite:///./tracker.db")
    # The mail provider's API key, for the welcome mail.
    mailer_api_key: str = ""
    # Argon2 cost; the defaults are production values, tests may lower them.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65_536, ge=8)


@lru_cache
def get_settings() -> Settings:
    return Settings()
