from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str = "sqlite+aiosqlite:///./tracker.db"


@lru_cache
def get_settings() -> Settings:
    return Settings()
