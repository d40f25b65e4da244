"""The people directory: an upstream HTTP service that knows every user's display name.

It answers `GET /people/{login}` with `{"login": ..., "name": ...}`, or 404.
"""

import httpx
from pydantic import BaseModel, ValidationError


class DirectoryUnavailableError(Exception):
    """The directory could not be reached, or answered something unusable."""


class Person(BaseModel):
    login: str
    name: str


async def find_person(http: httpx.AsyncClient, login: str) -> Person | None:
    """Look a person up with the app's shared client: borrowed here, never closed here."""
    try:
        response = await http.get(f"/people/{login}")
    except httpx.HTTPError as error:
        raise DirectoryUnavailableError(f"directory unreachable: {error}") from error
    if response.status_code == httpx.codes.NOT_FOUND:
        return None
    if response.is_error:
        raise DirectoryUnavailableError(f"directory answered {response.status_code}")
    try:
        return Person.model_validate_json(response.content)
    except ValidationError as error:
        raise DirectoryUnavailableError("directory sent an unexpected answer") from error
