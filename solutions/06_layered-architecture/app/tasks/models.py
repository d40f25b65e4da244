"""How a task is stored (the repository is the only module that touches it)."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import Base


class TaskRow(Base):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    assignee: Mapped[str] = mapped_column(String(40), index=True)
    is_done: Mapped[bool] = mapped_column(default=False)
