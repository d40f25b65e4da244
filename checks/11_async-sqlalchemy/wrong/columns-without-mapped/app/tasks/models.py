"""Tables, declared with typed `Mapped[...]` attributes that mypy can check."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String

from app.core.db import Base


class Project(Base):
    __tablename__ = "project"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)


class Task(Base):
    __tablename__ = "task"

    id = Column(Integer, primary_key=True)
    project_id = Column(ForeignKey("project.id"), index=True, nullable=False)
    title = Column(String(200), nullable=False)
    is_done = Column(Boolean, default=False, nullable=False)
