"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    api_key: SecretStr = SecretStr("change-me")
    rate_limit_per_minute: int = Field(default=60, gt=0)
    # Readiness answers within this budget, up or down: an orchestrator's probe gives up
    # after about a second (Kubernetes' default timeoutSeconds is 1).
    readiness_timeout_seconds: float = Field(default=1.0, gt=0, le=10)


@lru_cache
def get_settings() -> Settings:
    return Settings()
