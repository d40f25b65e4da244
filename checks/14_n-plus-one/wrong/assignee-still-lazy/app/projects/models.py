"""Users own projects; projects hold tasks; a task may have an assignee.

Relationships are `lazy="raise"`: touching one that the query did not load is an error at once,
instead of a quiet extra query per row. Each query says what it needs (see the repository).
"""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    owner: Mapped[User] = relationship(lazy="raise")
    tasks: Mapped[list["Task"]] = relationship(order_by="Task.id", lazy="raise")


class Task(Base):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_done: Mapped[bool] = mapped_column(default=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    assignee: Mapped[User | None] = relationship()
