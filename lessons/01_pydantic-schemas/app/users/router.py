"""HTTP routes for users."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status

from app.users.service import UserNotFoundError, UserStore

router = APIRouter(prefix="/users", tags=["users"])


def get_store(request: Request) -> UserStore:
    store: UserStore = request.state.user_store
    return store


Store = Annotated[UserStore, Depends(get_store)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(payload: dict[str, Any], store: Store) -> dict[str, Any]:
    return store.create(payload)


@router.get("/{user_id}")
def read_user(user_id: int, store: Store) -> dict[str, Any]:
    try:
        return store.get(user_id)
    except UserNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error


@router.patch("/{user_id}")
def update_user(user_id: int, changes: dict[str, Any], store: Store) -> dict[str, Any]:
    try:
        return store.update(user_id, changes)
    except UserNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
