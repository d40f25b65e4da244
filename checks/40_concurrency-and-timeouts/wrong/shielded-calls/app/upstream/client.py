"""The project-data service: three independent reads, each one GET."""

import asyncio
from typing import TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from app.upstream.exceptions import UpstreamFailedError, UpstreamTimeoutError
from app.upstream.schemas import Member, Milestone, TaskSummary

ItemT = TypeVar("ItemT")

TASKS = TypeAdapter(list[TaskSummary])
MEMBERS = TypeAdapter(list[Member])
MILESTONES = TypeAdapter(list[Milestone])


class ProjectData:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def tasks(self, project_id: int) -> list[TaskSummary]:
        return await self._list(f"/projects/{project_id}/tasks", TASKS)

    async def members(self, project_id: int) -> list[Member]:
        return await self._list(f"/projects/{project_id}/members", MEMBERS)

    async def milestones(self, project_id: int) -> list[Milestone]:
        return await self._list(f"/projects/{project_id}/milestones", MILESTONES)

    async def _list(self, path: str, adapter: TypeAdapter[list[ItemT]]) -> list[ItemT]:
        try:
            # Shielded, so a cancelled request cannot leave a half-read connection behind.
            response = await asyncio.shield(self._client.get(path))
        except httpx.TimeoutException as error:
            raise UpstreamTimeoutError(f"GET {path} timed out") from error
        except httpx.TransportError as error:
            raise UpstreamFailedError(f"GET {path} could not reach the service") from error
        if not response.is_success:
            raise UpstreamFailedError(f"GET {path} answered {response.status_code}")
        try:
            return adapter.validate_json(response.content)
        except ValidationError as error:
            raise UpstreamFailedError(f"GET {path} answered something unexpected") from error
