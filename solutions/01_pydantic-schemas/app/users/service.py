"""User rules and storage (in memory: lesson 11 brings a database)."""

import hashlib
import os
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from app.users.schemas import UserCreate, UserUpdate


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    password_hash: str
    created_at: datetime


class UserNotFoundError(LookupError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"user {user_id} does not exist")
        self.user_id = user_id


class UserStore:
    def __init__(self) -> None:
        self._users: dict[int, User] = {}

    def create(self, data: UserCreate) -> User:
        user = User(
            id=len(self._users) + 1,
            email=data.email,
            name=data.name,
            password_hash=hash_password(data.password),
            created_at=datetime.now(UTC),
        )
        self._users[user.id] = user
        return user

    def get(self, user_id: int) -> User:
        user = self._users.get(user_id)
        if user is None:
            raise UserNotFoundError(user_id)
        return user

    def update(self, user_id: int, changes: UserUpdate) -> User:
        user = replace(self.get(user_id), **changes.model_dump(exclude_unset=True))
        self._users[user_id] = user
        return user


# The work factor is a setting so that tests can lower it and stay fast; lesson 21 says how to
# choose it. Scrypt from the standard library is enough here.
SCRYPT_COST = int(os.environ.get("APP_SCRYPT_COST", 2**14))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_COST, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"
