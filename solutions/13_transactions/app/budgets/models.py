"""Projects own a budget of hours; a transfer moves hours from one project to another."""

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

MAX_BUDGET_HOURS = 1000


class Project(Base):
    __tablename__ = "project"
    # The database refuses a negative budget, and one above the cap.
    __table_args__ = (
        CheckConstraint(
            f"budget_hours >= 0 AND budget_hours <= {MAX_BUDGET_HOURS}",
            name="project_budget_hours_check",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    budget_hours: Mapped[int]


class Transfer(Base):
    __tablename__ = "transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    hours: Mapped[int]
