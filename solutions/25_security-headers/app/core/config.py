"""Settings from the environment (prefix APP_)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # Requests with a bigger body are refused with 413 before they reach a route.
    max_body_size: int = Field(default=64 * 1024, gt=0)
    # One year, the minimum the HSTS preload list accepts.
    hsts_max_age: int = Field(default=31_536_000, ge=31_536_000)
