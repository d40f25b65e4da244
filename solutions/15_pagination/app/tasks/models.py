"""Tables."""

from datetime import date

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class Task(Base):
    __tablename__ = "task"
    # The feed's order, (due_on, id), is one index: a keyset page is a short index range scan.
    __table_args__ = (Index("ix_task_due_on_id", "due_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
