"""The kinds of failure the service knows about. Features subclass them."""

from typing import ClassVar


class DomainError(Exception):
    """A request could not be served; `detail` is written for the client.

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


class BadGatewayError(DomainError):
    """An upstream service failed or answered nonsense (502)."""


class GatewayTimeoutError(DomainError):
    """The answer could not be put together in time (504)."""


class ServiceUnavailableError(DomainError):
    """The service will not try now; `retry_after` says when to come back (503)."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
