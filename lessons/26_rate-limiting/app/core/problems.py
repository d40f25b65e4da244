"""RFC 9457 problem details: the one shape of every error answer (lesson 09)."""

from collections.abc import Mapping
from http import HTTPStatus

from fastapi.responses import JSONResponse
from pydantic import BaseModel

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str


def problem_response(
    status_code: int, detail: str, instance: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    title = HTTPStatus(status_code).phrase
    body = Problem(title=title, status=status_code, detail=detail, instance=instance)
    return JSONResponse(
        body.model_dump(), status_code, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


def problem_responses(*status_codes: int) -> dict[int | str, dict[str, object]]:
    """`responses=` for a route: each status documented with the problem schema."""
    return {
        code: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for code in status_codes
    }
