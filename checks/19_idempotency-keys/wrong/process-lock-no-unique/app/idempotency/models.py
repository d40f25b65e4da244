"""What a create request answered, kept under its Idempotency-Key."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    # An index for the lookup; the lock in the service keeps concurrent requests apart.
    key: Mapped[str] = mapped_column(String(255), index=True)
    # A hash of method, path and validated body: the same key must mean the same request.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
