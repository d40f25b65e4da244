"""Settings from the environment (SERVICE_ prefix)."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SERVICE_")

    database_url: str = "sqlite+aiosqlite:///./service.db"
    jwt_secret: str = "change-me-in-production-0123456789abcdef"
    access_minutes: int = 15
    cors_origins: list[str] = ["*"]
    environment: str = "development"  # production changes nothing yet: the docs stay public


@lru_cache
def get_settings() -> Settings:
    return Settings()
