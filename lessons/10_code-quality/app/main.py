"""The service's entry point: builds the FastAPI app and mounts the feature routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.comments.router import router as comments_router
from app.comments.service import CommentStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, CommentStore]]:
    yield {"comment_store": CommentStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: comments", lifespan=lifespan)
    app.include_router(comments_router)
    return app


app = create_app()
