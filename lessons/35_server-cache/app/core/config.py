"""Settings from the environment (APP_ prefix)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # Empty: the cache lives in this process's memory. Set it (redis://host:6379/0) to share
    # the cache between processes.
    redis_url: str = ""
    # Every key this service writes starts with it, so services can share one Redis.
    redis_key_prefix: str = "tracker:"
    cache_ttl_seconds: float = Field(default=60.0, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
