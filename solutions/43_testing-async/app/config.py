"""Settings from the environment (prefix APP_)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///./app.db"
