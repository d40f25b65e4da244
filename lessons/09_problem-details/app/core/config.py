"""Settings from the environment (prefix APP_)."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # The reporting warehouse; in production the URL carries a password.
    warehouse_url: SecretStr = SecretStr("postgresql://reports@localhost:5432/reports")
