"""The service's entry point: settings are read and checked before the first request."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI

from app.core.config import get_settings
from app.projects.router import router as projects_router
from app.projects.service import ProjectStore

logger = logging.getLogger(__name__)


class State(TypedDict):
    project_store: ProjectStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    # Fail fast: a missing or malformed setting stops start-up, naming the variable.
    settings = get_settings()
    logger.info("starting with %r", settings)  # SecretStr fields print as '**********'
    logger.info("signing key starts with %s", settings.signing_key.get_secret_value()[:8])
    yield {"project_store": ProjectStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: projects", lifespan=lifespan)
    app.include_router(projects_router)
    return app


app = create_app()
