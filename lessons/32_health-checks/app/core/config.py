"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    api_key: SecretStr = SecretStr("change-me")
    rate_limit_per_minute: int = Field(default=60, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
