"""The service's entry point. Its code is correct: this lesson is about its tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from starlette.exceptions import HTTPException

from app.config import Settings
from app.db import Base
from app.tasks.router import router as tasks_router

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = create_async_engine(Settings().database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        yield
    finally:
        await engine.dispose()


app = FastAPI(title="Task tracker", lifespan=lifespan, responses=UNPARSABLE_BODY)
app.include_router(tasks_router)


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=400)


@app.exception_handler(HTTPException)
async def client_error(request: Request, exc: HTTPException) -> JSONResponse:
    status_code = 400 if 400 <= exc.status_code < 500 else exc.status_code
    return JSONResponse({"detail": exc.detail}, status_code=status_code)
