"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # How long the company directory takes to answer one lookup.
    directory_latency_seconds: float = 0.2


@lru_cache
def get_settings() -> Settings:
    return Settings()
