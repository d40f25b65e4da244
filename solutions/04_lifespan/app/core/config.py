"""Settings, read from the environment with the APP_ prefix (lesson 05 covers them in depth)."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", frozen=True)

    database_url: str = "sqlite+aiosqlite:///./app.db"
    directory_url: str = "http://directory.internal"
    directory_timeout_seconds: float = 5.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
