"""The API contract: instants are aware and in UTC, money is a decimal string and a currency."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_serializer,
    model_validator,
)

from app.core.currencies import MINOR_UNITS

AMOUNT_PATTERN = r"^\d{1,15}(\.\d{1,3})?$"


def to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def decimal_text(value: object) -> object:
    """Amounts arrive as text: a JSON number is a binary float, already inexact."""
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or re.fullmatch(AMOUNT_PATTERN, value) is None:
        raise ValueError('an amount is a decimal string such as "12.50", not a JSON number')
    return value


def known_currency(code: str) -> str:
    if code not in MINOR_UNITS:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


def in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """The amount with exactly as many decimals as the currency has (EUR 0.30, JPY 120)."""
    return amount.quantize(Decimal(1).scaleb(-MINOR_UNITS[currency]))


# Naive datetimes are refused (AwareDatetime); aware ones are converted to UTC, which
# Pydantic writes as RFC 3339 with a `Z`: 2025-03-01T10:30:00Z.
UtcInstant = Annotated[AwareDatetime, AfterValidator(to_utc)]
Amount = Annotated[
    Decimal,
    BeforeValidator(decimal_text),
    Field(gt=0),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["12.50"]}),
]
CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(known_currency),
    Field(examples=["EUR"]),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ExpenseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Text
    amount: Amount
    currency: CurrencyCode
    spent_at: UtcInstant

    @model_validator(mode="after")
    def amount_fits_the_currency(self) -> Self:
        if self.amount != in_minor_units(self.amount, self.currency):
            digits = MINOR_UNITS[self.currency]
            raise ValueError(f"{self.currency} amounts have at most {digits} decimal places")
        return self


class MoneyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    amount: Decimal
    currency: str

    @field_serializer("amount")
    def amount_as_text(self, amount: Decimal) -> str:
        return str(in_minor_units(amount, self.currency))


class ExpenseRead(MoneyRead):
    id: int
    description: str
    spent_at: UtcInstant
    created_at: UtcInstant


class Total(BaseModel):
    """What a project spent in one currency: amounts in different currencies never add up."""

    # The mistake: a number on the wire.
    amount: float
    currency: str
