"""The service's entry point: the rate limiter and its store are made in the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.health.router import router as health_router
from app.ratelimit.limiter import RateLimiter
from app.ratelimit.store import CounterStore, MemoryCounterStore, RedisCounterStore
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


def counter_store(settings: Settings) -> CounterStore:
    redis_url = settings.redis_url.get_secret_value()
    if not redis_url:
        return MemoryCounterStore()
    return RedisCounterStore(Redis.from_url(redis_url), settings.redis_key_prefix)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = Settings()
    store = counter_store(settings)
    limiter = RateLimiter(
        store, settings.rate_limit_requests, settings.rate_limit_window_seconds
    )
    yield {"task_store": TaskStore(), "rate_limiter": limiter}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker", lifespan=lifespan)
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(health_router)
    return app


app = create_app()
