"""Telling people about their tasks: light work that may run after the answer is sent."""

import asyncio
import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, to: str, subject: str) -> None: ...


class LogMailer:
    """A stand-in for the mail server: it takes a while, then logs the message."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    async def send(self, to: str, subject: str) -> None:
        await asyncio.sleep(self._seconds)
        logger.info("mail to %s: %s", to, subject)
