"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # aiosqlite by default; e.g. postgresql+asyncpg://user@host/db in production.
    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    upload_dir: Path = Path("./uploads")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1)  # not enforced yet


@lru_cache
def get_settings() -> Settings:
    return Settings()
