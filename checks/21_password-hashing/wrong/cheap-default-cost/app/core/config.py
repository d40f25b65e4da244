"""Settings from the environment (APP_ prefix): the database and the password-hashing cost."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    # aiosqlite by default; e.g. postgresql+asyncpg://user@host/db in production.
    database_url: str = "sqlite+aiosqlite:///./tracker.db"
    # Argon2id's cost: the production defaults (argon2-cffi's RFC 9106 profile) are well above
    # OWASP's floor of 19 MiB and 2 passes. Tests lower them through the environment.
    argon2_time_cost: int = 1
    argon2_memory_cost: int = 1024  # KiB: the tests were slow
    argon2_parallelism: int = 1
    # bcrypt verifies hashes written before the move to Argon2 (and is rehashed on login).
    bcrypt_rounds: int = 12


@lru_cache
def get_settings() -> Settings:
    return Settings()
