"""What the job routes need, taken from the lifespan's state."""

from typing import Annotated

from fastapi import Depends, Request

from app.jobs.reports import ReportBuilder
from app.jobs.service import JobRunner


def get_job_runner(request: Request) -> JobRunner:
    runner: JobRunner = request.state.job_runner
    return runner


def get_report_builder(request: Request) -> ReportBuilder:
    builder: ReportBuilder = request.state.report_builder
    return builder


JobRunnerDep = Annotated[JobRunner, Depends(get_job_runner)]
ReportBuilderDep = Annotated[ReportBuilder, Depends(get_report_builder)]
