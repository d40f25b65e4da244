"""Column types that keep instants in UTC and money exact, on PostgreSQL and on SQLite alike."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator

MONEY_SCALE = 3  # the most minor units an ISO 4217 currency has (BHD, KWD, ...)
MONEY_PRECISION = 18  # 15 digits before the point


class UtcDateTime(TypeDecorator[datetime]):
    """`timestamptz` on PostgreSQL; SQLite keeps no offset, so values are stored in UTC there."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime: which time zone is it in?")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored in UTC by process_bind_param
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ScaledInteger(TypeDecorator[Decimal]):
    """An exact decimal kept as an integer count of thousandths: SQLite's stand-in for NUMERIC,
    which SQLite would store as a binary float. SUM() of integers stays exact."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        thousandths = value.scaleb(MONEY_SCALE)
        if thousandths != thousandths.to_integral_value():
            raise ValueError(f"{value} has more than {MONEY_SCALE} decimal places")
        return int(thousandths)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value).scaleb(-MONEY_SCALE)


# NUMERIC on PostgreSQL (exact, and so is its SUM), scaled integers on SQLite.
Money = Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True).with_variant(
    ScaledInteger(), "sqlite"
)
