"""Every setting the service reads, from APP_* environment variables."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", extra="ignore", frozen=True)

    # Where the server listens. Loopback by default; a container sets APP_HOST=0.0.0.0.
    host: str = "0.0.0.0"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=32)
    # Comma-separated addresses (or CIDR ranges) of the reverse proxies in front of the
    # service: only their X-Forwarded-For / X-Forwarded-Proto are believed.
    trusted_proxies: str = "127.0.0.1"
    # How long in-flight requests may run on after SIGTERM before they are cut off.
    graceful_shutdown_seconds: int = Field(default=25, ge=1, le=300)
    log_level: str = "info"
    # How long the weekly report takes to build (it stands in for a slow export).
    report_seconds: float = Field(default=1.0, ge=0, le=30)
