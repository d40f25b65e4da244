"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    log_level: LogLevel = "INFO"
    # Where task events are posted (a webhook); empty: nowhere.
    webhook_url: str = ""
    webhook_timeout_seconds: float = 5.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
