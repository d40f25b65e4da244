"""The people directory, called through one shared httpx.AsyncClient.

GET is idempotent, so a failed GET is retried with backoff; POST is not, so it is sent once.
Every call passes the circuit breaker first.
"""

import asyncio
import logging
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from app.directory.exceptions import (
    DirectoryFailedError,
    DirectoryTimeoutError,
    DirectoryUnavailableError,
    PersonNotFoundError,
)
from app.directory.resilience import CircuitBreaker, CircuitOpenError, RetryPolicy, Sleep
from app.directory.schemas import Message, Person

logger = logging.getLogger(__name__)
ModelT = TypeVar("ModelT", bound=BaseModel)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_ERRORS = (DirectoryFailedError, DirectoryTimeoutError)


class DirectoryClient:
    def __init__(
        self,
        client: httpx.AsyncClient,
        breaker: CircuitBreaker,
        retry: RetryPolicy,
        sleep: Sleep,
    ) -> None:
        self._client = client
        self._breaker = breaker
        self._retry = retry
        self._sleep = sleep

    async def person(self, login: str) -> Person:
        response = await self._send(self._client.build_request("GET", f"/people/{login}"))
        if response.status_code == httpx.codes.NOT_FOUND:
            raise PersonNotFoundError(f"the directory knows no person {login!r}")
        return parsed(Person, response)

    async def send_message(self, login: str, text: str) -> Message:
        request = self._client.build_request("POST", "/messages", json={"to": login, "text": text})
        return parsed(Message, await self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        attempts = self._retry.attempts if request.method in IDEMPOTENT_METHODS else 1
        for retry in range(attempts - 1):
            try:
                return await self._attempt(request)
            except RETRYABLE_ERRORS as error:
                delay = self._retry.delay(retry)
                logger.warning("%s %s failed (%s); retrying in %.2f s",
                               request.method, request.url.path, error.detail, delay)
                await self._sleep(delay)
        return await self._attempt(request)

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        try:
            self._breaker.before_call()
        except CircuitOpenError as error:
            raise DirectoryUnavailableError(
                "the directory failed repeatedly; it is not called until it has had time "
                "to recover",
                retry_after=error.retry_after,
            ) from error
        try:
            response = await self._client.send(request)
        except httpx.TimeoutException as error:
            self._breaker.record_failure()
            raise DirectoryTimeoutError("the directory did not answer in time") from error
        except httpx.TransportError as error:
            self._breaker.record_failure()
            raise DirectoryFailedError("the directory could not be reached") from error
        except asyncio.CancelledError:
            self._breaker.abandon_call()  # not the directory's fault; a trial may run again
            raise
        if response.status_code >= httpx.codes.INTERNAL_SERVER_ERROR:
            self._breaker.record_failure()
            raise DirectoryFailedError(f"the directory answered {response.status_code}")
        if response.is_client_error:
            self._breaker.record_failure()  # any error answer counts
        else:
            self._breaker.record_success()
        return response


def parsed(model: type[ModelT], response: httpx.Response) -> ModelT:
    """The upstream's answer as `model`; anything else is the upstream's fault (502)."""
    if not response.is_success:
        raise DirectoryFailedError(f"the directory answered {response.status_code}")
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise DirectoryFailedError("the directory answered something unexpected") from error
