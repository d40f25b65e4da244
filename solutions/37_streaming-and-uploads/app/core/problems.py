"""RFC 9457 problem details for every HTTP error, FastAPI's 413 body limit included."""

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


def problem_responses(*status_codes: int) -> dict[int | str, dict[str, object]]:
    """`responses=` entries documenting problems for these status codes."""
    # `model` registers the Problem schema; the answers are served as application/problem+json.
    problem_json = {"application/problem+json": {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    return {
        code: {"model": Problem, "description": HTTPStatus(code).phrase, "content": problem_json}
        for code in status_codes
    }


async def http_problem(request: Request, error: Exception) -> ProblemResponse:
    """Starlette's HTTPException (FastAPI's is a subclass), the body limit's 413 among them."""
    assert isinstance(error, StarletteHTTPException)  # registered for that class only
    problem = Problem(
        title=HTTPStatus(error.status_code).phrase,
        status=error.status_code,
        detail=str(error.detail),
        instance=request.url.path,
    )
    return ProblemResponse(
        problem.model_dump(), status_code=error.status_code, headers=error.headers
    )


def register_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_problem)
