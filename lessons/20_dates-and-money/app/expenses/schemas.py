"""The API contract for the team's expenses."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ExpenseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Text
    amount: float = Field(gt=0)
    currency: str = Field(min_length=3, max_length=3)
    spent_at: datetime


class ExpenseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    description: str
    amount: float
    currency: str
    spent_at: datetime
    created_at: datetime


class Total(BaseModel):
    amount: float
    currency: str
