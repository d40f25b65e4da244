"""A health route that also reports how many database connections are open."""

from fastapi import APIRouter
from pydantic import BaseModel

from app.core.dependencies import DatabaseDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    open_connections: int


@router.get("/health")
def health(database: DatabaseDep) -> Health:
    return Health(status="ok", open_connections=database.open_connections)
