"""RFC 9457 problem details: the one shape of every error answer, and its OpenAPI description."""

from collections.abc import Mapping
from http.client import responses as reason_phrases

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Problem types are URIs; this service's live under one base. "about:blank" means "no more
# to say than the status code", and its title is then the status's reason phrase.
PROBLEM_TYPE_BASE = "https://task-tracker.example/problems/"
BLANK_TYPE = "about:blank"


class Problem(BaseModel):
    """An error answer (RFC 9457), served as application/problem+json."""

    type: str = Field(
        default=BLANK_TYPE, description="URI that identifies the kind of problem"
    )
    title: str = Field(description="Short summary of the kind of problem; fixed per type")
    status: int = Field(description="The HTTP status code of this answer")
    detail: str = Field(description="What went wrong this time, for the client")
    instance: str = Field(description="URI reference of the request that failed")


class FieldProblem(BaseModel):
    """One invalid part of a request: a JSON Pointer into the body, or a parameter's name."""

    detail: str
    pointer: str | None = Field(default=None, examples=["#/title"])
    parameter: str | None = Field(default=None, examples=["task_id"])


class ValidationProblem(Problem):
    errors: list[FieldProblem]


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(
    problem: Problem, headers: Mapping[str, str] | None = None
) -> ProblemResponse:
    body = problem.model_dump(mode="json", exclude_none=True)
    return ProblemResponse(body, status_code=problem.status, headers=headers)


def reason_phrase(status_code: int) -> str:
    return reason_phrases.get(status_code, "Error")


def problem_responses(*status_codes: int) -> dict[int | str, dict[str, object]]:
    """`responses=` for a route or router: each status documented with its problem schema."""
    return {
        code: {"model": _problem_model_for(code), "description": reason_phrase(code)}
        for code in status_codes
    }


def _problem_model_for(status_code: int) -> type[Problem]:
    return Problem


class ProblemDetailsApp(FastAPI):
    """FastAPI whose OpenAPI document lists error responses under application/problem+json.

    FastAPI files a response model under the route's media type (application/json); error
    answers are served as problem+json, so the document says so.
    """

    def openapi(self) -> dict[str, object]:
        document: dict[str, object] = super().openapi()
        for operation in _operations(document):
            _serve_errors_as_problems(operation.get("responses"))
        return document


def _operations(document: Mapping[str, object]) -> list[dict[str, object]]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    return [
        operation
        for path_item in paths.values()
        if isinstance(path_item, dict)
        for operation in path_item.values()
        if isinstance(operation, dict)
    ]


def _serve_errors_as_problems(responses: object) -> None:
    if not isinstance(responses, dict):
        return
    for status_code, response in responses.items():
        content = response.get("content") if isinstance(response, dict) else None
        is_error = str(status_code)[:1] in ("4", "5") or status_code == "default"
        if is_error and isinstance(content, dict) and "application/json" in content:
            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
