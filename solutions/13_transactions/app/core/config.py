"""Settings from the environment (APP_ prefix); the database URL picks SQLite or PostgreSQL."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # aiosqlite by default; e.g. postgresql+asyncpg://user@host/db in production.
    database_url: str = "sqlite+aiosqlite:///./tracker.db"


@lru_cache
def get_settings() -> Settings:
    return Settings()
