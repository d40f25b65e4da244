"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # INFO in production: one line per request, warnings and errors; DEBUG while debugging.
    log_level: LogLevel = "DEBUG"


@lru_cache
def get_settings() -> Settings:
    return Settings()
