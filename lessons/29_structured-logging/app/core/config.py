"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    service_name: str = "tasks"


@lru_cache
def get_settings() -> Settings:
    return Settings()
