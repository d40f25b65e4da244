"""Items, each owned by one user."""

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.core.db import ItemRow, SessionDep
from app.users.router import CurrentUser

router = APIRouter(prefix="/items", tags=["items"])


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)


class ItemOut(BaseModel):
    id: int
    name: str


@router.get("")
async def list_items(user: CurrentUser, session: SessionDep) -> list[ItemOut]:
    rows = await session.scalars(select(ItemRow).where(ItemRow.owner_id == user.id))
    return [ItemOut(id=row.id, name=row.name) for row in rows]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_item(payload: ItemIn, user: CurrentUser, session: SessionDep) -> ItemOut:
    row = ItemRow(owner_id=user.id, name=payload.name)
    session.add(row)
    await session.commit()
    return ItemOut(id=row.id, name=row.name)


@router.get("/{item_id}")
async def read_item(item_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = await session.scalar(
        select(ItemRow).where(ItemRow.id == item_id, ItemRow.owner_id == user.id)
    )
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such item")
    return {"id": row.id, "name": row.name}  # a hand-built dict: no response model
