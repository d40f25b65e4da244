"""A project's overview, put together from three independent calls within one time budget."""

import asyncio

from app.projects.schemas import ProjectOverview
from app.upstream.client import ProjectData
from app.upstream.exceptions import BudgetExceededError


class OverviewService:
    def __init__(self, data: ProjectData, budget_seconds: float) -> None:
        self._data = data
        self._budget_seconds = budget_seconds

    async def overview(self, project_id: int) -> ProjectOverview:
        """All three calls at once; the first failure, or the end of the budget, cancels the
        calls still running, and they have stopped before this returns or raises."""
        try:
            async with asyncio.timeout(self._budget_seconds):
                return await self._gather(project_id)
        except TimeoutError as error:
            raise BudgetExceededError(
                f"the overview was not ready within its budget of {self._budget_seconds:g} s"
            ) from error

    async def _gather(self, project_id: int) -> ProjectOverview:
        tasks, members, milestones = await asyncio.gather(
            self._data.tasks(project_id),
            self._data.members(project_id),
            self._data.milestones(project_id),
        )
        return ProjectOverview(
            project_id=project_id, tasks=tasks, members=members, milestones=milestones
        )
