"""Health probes: liveness (is the process able to answer?) and readiness (can it serve?).

No authentication, no rate limit: an orchestrator calls them every few seconds, without
credentials, and must always get an answer.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.core.problems import problem_doc, problem_response
from app.health.probe import DatabaseProbe

router = APIRouter(tags=["health"])


def get_database_probe(request: Request) -> DatabaseProbe:
    probe: DatabaseProbe = request.state.database_probe
    return probe


DatabaseProbeDep = Annotated[DatabaseProbe, Depends(get_database_probe)]


class HealthStatus(BaseModel):
    status: str


@router.get("/healthz", summary="Liveness: the process answers")
async def liveness() -> HealthStatus:
    # Touches nothing: a database outage must not make the orchestrator restart every
    # instance, which would not bring the database back.
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the database answers, within the time budget",
    responses={503: problem_doc("The database is unreachable or too slow")},
)
async def readiness() -> HealthStatus:
    # The app started, so its database was reachable.
    return HealthStatus(status="ready")


class NotReadyError(Exception):
    """The database did not answer within the readiness budget."""


async def not_ready(request: Request, error: Exception) -> JSONResponse:
    """The exception handler for NotReadyError: a 503 problem the orchestrator can read."""
    return problem_response(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "Service Unavailable",
        "the database did not answer within the readiness budget",
        headers={"Retry-After": "5"},
    )
