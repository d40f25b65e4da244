"""The task table."""

import secrets

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Task(Base):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    priority: Mapped[int]
    is_done: Mapped[bool] = mapped_column(default=False)
    # Lets whoever holds it edit the task without an account: never part of an answer.
    edit_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
