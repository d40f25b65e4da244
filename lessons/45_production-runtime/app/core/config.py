"""Every setting the service reads, from APP_* environment variables."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", extra="ignore", frozen=True)

    # How long the weekly report takes to build (it stands in for a slow export).
    report_seconds: float = Field(default=1.0, ge=0, le=30)
