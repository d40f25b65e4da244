"""The kinds of failure the business rules know about. Features subclass them."""

from typing import ClassVar


class DomainError(Exception):
    """A request broke a business rule; `detail` is written for the client.

    `code` names the kind of problem for machines (it becomes the problem's `type`), `title`
    names it for people; both are the same for every occurrence.
    """

    code: ClassVar[str] = "rule-broken"
    title: ClassVar[str] = "A business rule refused the request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(DomainError):
    """The thing the request names does not exist."""


class ConflictError(DomainError):
    """The request clashes with the current state of a resource."""
