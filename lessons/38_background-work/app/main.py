"""The service's entry point.

`create_app()` takes the mailer and the report builder, so a test can hand in its own;
left out, they are built from the settings.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from app.core.config import Settings
from app.reports.builder import ReportBuilder, TaskCountReport
from app.reports.router import router as reports_router
from app.tasks.notifications import LogMailer, Mailer
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


def lifespan_with(
    mailer: Mailer | None, report_builder: ReportBuilder | None
) -> Callable[[FastAPI], AbstractAsyncContextManager[dict[str, object]]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        settings = Settings()
        store = TaskStore()
        yield {
            "task_store": store,
            "mailer": mailer or LogMailer(settings.mail_seconds),
            "report_builder": report_builder or TaskCountReport(store, settings.report_seconds),
        }

    return lifespan


def create_app(
    *, mailer: Mailer | None = None, report_builder: ReportBuilder | None = None
) -> FastAPI:
    app = FastAPI(title="Task tracker: background work", lifespan=lifespan_with(mailer, report_builder))
    app.include_router(tasks_router)
    app.include_router(reports_router)
    return app


app = create_app()
