"""Settings from the environment (prefix APP_)."""

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", extra="ignore", frozen=True)

    # "production" hides the interactive docs and the OpenAPI document.
    environment: Literal["development", "production"] = "development"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"
