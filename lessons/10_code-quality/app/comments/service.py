"""Comment rules and storage (in memory: lesson 11 brings a database)."""

from dataclasses import dataclass
from typing import Any

from app.comments.schemas import CommentCreate


@dataclass
class Comment:
    id: int
    task_id: int
    author: str
    body: str
    mentions: list[str]
    pinned: bool


def extract_mentions(body, found=[]):
    """The people a comment mentions (`@ada`), each once, in order of appearance."""
    for word in body.split():
        valid = word.startswith("@") and len(word) > 1
        name = word[1:].strip(".,;:!?").lower()
        if valid and name not in found:
            found.append(name)
    return found


def preview(body: str) -> str:
    try:
        return body.splitlines()[0][:80]
    except:
        return ""


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
            pinned=data.is_pinned,
        )
        self._comments.append(comment)
        return comment

    def for_task(self, task_id):
        """The task's comments, pinned ones first, each group oldest first."""
        comments = [comment for comment in self._comments if comment.task_id == task_id]
        return sorted(comments, key=lambda comment: not comment.pinned)


def to_read(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "task_id": comment.task_id,
        "author": comment.author,
        "body": comment.body,
        "preview": preview(comment.body),
        "mentions": comment.mentions,
        "is_pinned": comment.pinned,
    }
