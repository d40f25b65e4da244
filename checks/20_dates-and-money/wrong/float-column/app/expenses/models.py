"""The expenses the team books."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import UtcDateTime


def utc_now() -> datetime:
    return datetime.now(UTC)


class Expense(Base):
    __tablename__ = "expense"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    # The mistake: Decimal in Python, but a binary float column in the database.
    amount: Mapped[Decimal] = mapped_column(Float(asdecimal=True))
    currency: Mapped[str] = mapped_column(String(3))
    spent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
