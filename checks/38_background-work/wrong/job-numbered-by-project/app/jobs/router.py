"""HTTP routes for jobs: start a report, then poll the job until it is done or failed."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from app.core.problems import problem_responses
from app.jobs.dependencies import JobRunnerDep, ReportBuilderDep
from app.jobs.schemas import JobRead

router = APIRouter(tags=["jobs"], responses=problem_responses(422))

ProjectId = Annotated[int, Path(gt=0, le=2**31 - 1)]
JobId = Annotated[int, Path(gt=0, le=2**63 - 1)]


@router.post("/projects/{project_id}/reports", status_code=status.HTTP_202_ACCEPTED)
async def request_report(
    project_id: ProjectId, runner: JobRunnerDep, builder: ReportBuilderDep, response: Response
) -> JobRead:
    job = runner.submit(partial(builder.build, project_id), project_id)
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobRead.model_validate(job)


@router.get("/jobs/{job_id}", responses=problem_responses(404))
async def read_job(job_id: JobId, runner: JobRunnerDep) -> JobRead:
    return JobRead.model_validate(runner.get(job_id))
