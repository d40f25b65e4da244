"""Comment rules and storage (in memory: lesson 11 brings a database)."""

import json
import re
from dataclasses import dataclass

from app.comments.schemas import CommentCreate, CommentRead

MENTION = re.compile(r"(?<!\w)@(\w+)")
PREVIEW_WIDTH = 80


@dataclass(frozen=True)
class Comment:
    id: int
    task_id: int
    author: str
    body: str
    mentions: tuple[str, ...]
    is_pinned: bool


def extract_mentions(body: str) -> tuple[str, ...]:
    """The people a comment mentions (`@ada`), each once, in order of appearance."""
    names = (name.lower() for name in MENTION.findall(body))
    return tuple(dict.fromkeys(names))


def preview(body: str) -> str:
    lines = body.splitlines()
    if not lines:
        return ""
    return lines[0][:PREVIEW_WIDTH]


class CommentStore:
    def __init__(self) -> None:
        self._comments: list[Comment] = []

    def add(self, task_id: int, data: CommentCreate) -> Comment:
        comment = Comment(
            id=len(self._comments) + 1,
            task_id=task_id,
            author=data.author,
            body=data.body,
            mentions=extract_mentions(data.body),
            is_pinned=data.is_pinned,
        )
        self._comments.append(comment)
        return comment

    def for_task(self, task_id: int) -> list[Comment]:
        """The task's comments, pinned ones first, each group oldest first."""
        comments = [comment for comment in self._comments if comment.task_id == task_id]
        return sorted(comments, key=lambda comment: not comment.is_pinned)


def to_read(comment: Comment) -> CommentRead:
    return CommentRead(
        id=comment.id,
        task_id=comment.task_id,
        author=comment.author,
        body=comment.body,
        preview=preview(comment.body),
        mentions=list(comment.mentions),
        is_pinned=comment.is_pinned,
    )
