"""Settings from the environment (APP_ prefix): which browser origins may call the API."""

import re
from functools import lru_cache

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# An origin is scheme, host and optional port: no path, no trailing slash, no wildcard.
ORIGIN = re.compile(r"^https?://[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # The web front ends allowed to call the API from a browser, with their cookies. As JSON:
    # APP_CORS_ORIGINS='["https://app.example.com"]'. Empty: no cross-origin access at all.
    cors_origins: list[str] = ["http://localhost:5173", "http://localhost:3000"]

    @field_validator("cors_origins")
    @classmethod
    def origins_are_exact(cls, origins: list[str]) -> list[str]:
        """Refuse `*` and anything else that is not one exact origin, at start-up."""
        for origin in origins:
            if not ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an exact origin like https://app.example.com: "
                    "credentialed CORS needs every origin listed, never a wildcard"
                )
        return origins


@lru_cache
def get_settings() -> Settings:
    return Settings()
