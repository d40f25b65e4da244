"""Settings from the environment (prefix APP_)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # How long the stand-ins for the mail server and the report warehouse take.
    mail_seconds: float = Field(default=0.2, ge=0)
    report_seconds: float = Field(default=1.0, ge=0)
