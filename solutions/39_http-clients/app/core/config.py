"""Settings from the environment (prefix APP_)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # The people directory this service calls.
    directory_url: str = "http://directory.internal"
    # Every phase of a call (connect, write, read, waiting for a pooled connection) is cut
    # after this many seconds.
    directory_timeout_seconds: float = Field(default=2.0, gt=0)
    directory_max_connections: int = Field(default=20, gt=0)
    # Calls that may be repeated (GET) are tried this many times in all.
    directory_attempts: int = Field(default=3, ge=1, le=10)
    # The first retry waits up to this long; each further retry waits up to twice as long.
    directory_backoff_seconds: float = Field(default=0.2, ge=0)
    directory_backoff_max_seconds: float = Field(default=5.0, ge=0)
    # After this many failed calls in a row the breaker opens, for the cool-down.
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_cooldown_seconds: float = Field(default=30.0, gt=0)
