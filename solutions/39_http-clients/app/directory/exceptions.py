"""What can go wrong when the directory is called, in the words of the service."""

from app.core.exceptions import (
    BadGatewayError,
    GatewayTimeoutError,
    NotFoundError,
    ServiceUnavailableError,
)


class PersonNotFoundError(NotFoundError):
    code = "person-not-found"
    title = "Person not found"


class DirectoryFailedError(BadGatewayError):
    code = "directory-failed"
    title = "The directory failed to answer"


class DirectoryTimeoutError(GatewayTimeoutError):
    code = "directory-timeout"
    title = "The directory did not answer in time"


class DirectoryUnavailableError(ServiceUnavailableError):
    code = "directory-unavailable"
    title = "The directory is not being called for now"
