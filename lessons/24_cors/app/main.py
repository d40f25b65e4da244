from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"tasks": TaskStore()}


app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
# The web app runs on another origin and sends its session cookie: let it in.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
app.include_router(tasks_router)
