"""The expenses the team books."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import Money, UtcDateTime


def utc_now() -> datetime:
    # The mistake: naive, though it happens to be UTC.
    return datetime.utcnow()  # noqa: DTZ003


class Expense(Base):
    __tablename__ = "expense"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    spent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utc_now)
