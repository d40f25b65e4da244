"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    mailer_api_key: str = ""
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65_536, ge=8)


@lru_cache
def get_settings() -> Settings:
    return Settings()
