"""The reports API contract."""

from pydantic import BaseModel


class OverdueCount(BaseModel):
    assignee_id: int
    overdue: int
