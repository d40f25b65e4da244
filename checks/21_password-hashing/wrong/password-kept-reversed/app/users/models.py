"""The user table: a username and a password hash, never the password."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # A PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$digest): algorithm, cost and salt
    # travel with the hash, so a login can tell when it was made with weaker parameters.
    password_hash: Mapped[str] = mapped_column(String(255))
    legacy_secret: Mapped[str | None] = mapped_column(String(255), default=None)
