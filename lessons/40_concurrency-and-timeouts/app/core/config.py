"""Settings from the environment (prefix APP_)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # The project-data service the overview is put together from.
    upstream_url: str = "http://projects.internal"
    upstream_timeout_seconds: float = Field(default=5.0, gt=0)
    upstream_max_connections: int = Field(default=30, gt=0)
    # The whole overview, all calls included, must be ready within this many seconds.
    overview_budget_seconds: float = Field(default=2.0, gt=0)
