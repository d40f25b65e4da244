"""The store the lifespan created, for each request."""

from typing import Annotated

from fastapi import Depends, Request

from app.projects.store import ProjectStore


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.projects
    return store


StoreDep = Annotated[ProjectStore, Depends(get_store)]
