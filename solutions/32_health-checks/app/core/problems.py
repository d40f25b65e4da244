"""RFC 9457 problem details for this service's error answers."""

from fastapi.responses import JSONResponse
from pydantic import BaseModel

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> ProblemResponse:
    problem = Problem(title=title, status=status, detail=detail)
    return ProblemResponse(problem.model_dump(), status_code=status, headers=headers)


def problem_doc(description: str) -> dict[str, object]:
    """A `responses=` entry: this status answers a problem."""
    return {"model": Problem, "description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
