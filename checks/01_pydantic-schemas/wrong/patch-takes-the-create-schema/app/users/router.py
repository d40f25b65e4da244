"""HTTP routes for users: validation happens in the signatures, before any code runs."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from app.users.schemas import ErrorMessage, UserCreate, UserRead, UserUpdate
from app.users.service import UserNotFoundError, UserStore

router = APIRouter(prefix="/users", tags=["users"])


def get_store(request: Request) -> UserStore:
    store: UserStore = request.state.user_store
    return store


Store = Annotated[UserStore, Depends(get_store)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
def create_user(payload: UserCreate, store: Store) -> UserRead:
    return UserRead.model_validate(store.create(payload))


@router.get(
    "/{user_id}", responses={404: {"model": ErrorMessage, "description": "No user has this id"}}
)
def read_user(user_id: int, store: Store) -> UserRead:
    try:
        return UserRead.model_validate(store.get(user_id))
    except UserNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error


@router.patch(
    "/{user_id}",
    responses={
        400: {"model": ErrorMessage, "description": "The body is not JSON"},
        404: {"model": ErrorMessage, "description": "No user has this id"},
    },
)
def update_user(user_id: int, changes: UserCreate, store: Store) -> UserRead:
    try:
        update = UserUpdate(email=changes.email, name=changes.name)
        return UserRead.model_validate(store.update(user_id, update))
    except UserNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
