"""The service's entry point: builds the app, its collaborators and its routers.

`create_app()` takes the mailer and the report builder, so a test can hand in its own;
left out, they are built from the settings.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.problems import ProblemDetailsApp
from app.jobs.reports import ReportBuilder, TaskCountReport
from app.jobs.router import router as jobs_router
from app.jobs.service import JobRunner
from app.tasks.notifications import LogMailer, Mailer
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


class State(TypedDict):
    task_store: TaskStore
    mailer: Mailer
    report_builder: ReportBuilder
    job_runner: JobRunner


def lifespan_with(
    mailer: Mailer | None, report_builder: ReportBuilder | None
) -> Callable[[FastAPI], AbstractAsyncContextManager[State]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        settings = Settings()
        store = TaskStore()
        runner = JobRunner()
        try:
            yield {
                "task_store": store,
                "mailer": mailer or LogMailer(settings.mail_seconds),
                "report_builder": report_builder
                or TaskCountReport(store, settings.report_seconds),
                "job_runner": runner,
            }
        finally:
            await runner.aclose()

    return lifespan


def create_app(
    *, mailer: Mailer | None = None, report_builder: ReportBuilder | None = None
) -> FastAPI:
    app = ProblemDetailsApp(
        title="Task tracker: background work",
        lifespan=lifespan_with(mailer, report_builder),
        responses=UNPARSABLE_BODY,
    )
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(jobs_router)
    return app


app = create_app()
