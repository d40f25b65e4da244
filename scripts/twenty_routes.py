"""A 20-route service for timing `workbook audit`."""

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Twenty routes")


class ThingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=80)
    size: int = Field(ge=0, le=1000)


class ThingOut(BaseModel):
    id: int
    name: str
    size: int


def add_resource(kind: str) -> None:
    store: dict[int, ThingOut] = {}

    @app.get(f"/{kind}", operation_id=f"list_{kind}")
    async def listing(limit: int = 10) -> list[ThingOut]:
        return list(store.values())[:limit]

    @app.post(f"/{kind}", status_code=201, operation_id=f"create_{kind}")
    async def create(thing: ThingIn) -> ThingOut:
        made = ThingOut(id=len(store) + 1, **thing.model_dump())
        store[made.id] = made
        return made

    @app.get(f"/{kind}/{{thing_id}}", operation_id=f"read_{kind}")
    async def read(thing_id: int) -> ThingOut:
        if thing_id not in store:
            raise HTTPException(404, "not found")
        return store[thing_id]

    @app.delete(f"/{kind}/{{thing_id}}", status_code=204, operation_id=f"delete_{kind}")
    async def delete(thing_id: int) -> None:
        store.pop(thing_id, None)


for kind in ("projects", "tasks", "comments", "labels", "users"):
    add_resource(kind)
