"""The budgets API contract."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.budgets.models import MAX_BUDGET_HOURS

RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no NUL or other control characters
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=PRINTABLE)
]
BudgetHours = Annotated[int, Field(ge=0, le=MAX_BUDGET_HOURS)]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    budget_hours: BudgetHours


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    budget_hours: int


class TransferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_id: RowId
    target_id: RowId
    hours: Annotated[int, Field(ge=1, le=MAX_BUDGET_HOURS)]

    @model_validator(mode="after")
    def between_two_projects(self) -> Self:
        if self.source_id == self.target_id:
            raise ValueError("source_id and target_id must differ")
        return self


class TransferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_id: int
    target_id: int
    hours: int
