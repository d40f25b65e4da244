"""Health check: polled by the load balancer and the orchestrator, so never rate-limited."""

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
