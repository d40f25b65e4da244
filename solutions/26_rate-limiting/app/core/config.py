"""Settings from the environment (prefix APP_)."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # Each client may send this many requests per window; health checks do not count.
    rate_limit_requests: int = Field(default=60, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    # Empty: counts are kept in this process's memory. Set it when several workers run.
    redis_url: SecretStr = SecretStr("")
    # Every key the service writes to Redis starts with it.
    redis_key_prefix: str = "task-tracker:"
