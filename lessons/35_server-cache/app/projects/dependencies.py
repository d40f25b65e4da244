"""What a request needs: the store, the slow source and the signed-in user."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.projects.source import StatsSource
from app.projects.store import ProjectStore

# Demo accounts: lesson 21 replaces these tokens with real authentication.
ACCOUNTS: Mapping[str, str] = MappingProxyType({"alice-token": "alice", "bob-token": "bob"})

bearer = HTTPBearer(auto_error=False)


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.projects
    return store


def get_stats_source(request: Request) -> StatsSource:
    """The slow source: every read of the statistics reaches it."""
    return StatsSource(get_store(request))


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    user = ACCOUNTS.get(credentials.credentials) if credentials is not None else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


StoreDep = Annotated[ProjectStore, Depends(get_store)]
SourceDep = Annotated[StatsSource, Depends(get_stats_source)]
UserDep = Annotated[str, Depends(current_user)]
