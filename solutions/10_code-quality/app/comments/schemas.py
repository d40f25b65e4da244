"""The comments API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StrictBool, StringConstraints

Author = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^\w+$")
]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author: Author
    body: Body
    is_pinned: StrictBool = False


class CommentRead(BaseModel):
    id: int
    task_id: int
    author: str
    body: str
    preview: str
    mentions: list[str]
    is_pinned: bool


class ErrorMessage(BaseModel):
    """The body of a 400: `{"detail": "..."}`."""

    detail: str
