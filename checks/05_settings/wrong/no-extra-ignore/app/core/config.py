"""Every setting the service reads, in one place, validated once at start-up.

Values come from environment variables named `APP_<FIELD>` (`APP_SIGNING_KEY`), or, for
local work, from a `.env` file in the directory the server is started from. A real
environment variable wins over the file. Nothing secret has a default: a missing one stops
the service at start-up instead of at the first request that needs it.
"""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="APP_",
        env_file=".env",
        frozen=True,
        hide_input_in_errors=True,  # a rejected value (a secret, say) is not repeated
    )

    max_tasks_per_project: int = Field(default=100, ge=1, le=10_000)
    # Signs share links. SecretStr masks it in repr(), str() and JSON dumps.
    signing_key: SecretStr = Field(min_length=32)


@lru_cache
def get_settings() -> Settings:
    """The settings, read and validated on first use, then the same object every time."""
    return Settings()  # type: ignore[call-arg]  # the values come from the environment
