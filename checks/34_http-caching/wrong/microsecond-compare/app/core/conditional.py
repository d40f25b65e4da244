"""Conditional GET (RFC 9110 section 13): validators for a representation and the 304 decision."""

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request


def strong_etag(body: bytes) -> str:
    """A strong entity tag: a hash of the exact bytes sent, so it changes when they do."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    """An IMF-fixdate (`Tue, 06 Jan 2026 10:00:00 GMT`), to the second as HTTP dates are."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def is_not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """Whether a GET may be answered 304: If-None-Match decides when present, else
    If-Modified-Since (which a client without a tag sends)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return matches_any(if_none_match, etag)
    since = parse_http_date(request.headers.get("if-modified-since"))
    if since is None:
        return False
    return last_modified <= since


def matches_any(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 8.8.3.2) against a list of tags, or `*` for any."""
    if if_none_match.strip() == "*":
        return True
    return any(opaque(candidate) == opaque(etag) for candidate in if_none_match.split(","))


def opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def parse_http_date(value: str | None) -> datetime | None:
    """The header's date, or None when it is missing or malformed (then it is ignored)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)
