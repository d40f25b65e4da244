"""A project's overview, put together from three independent calls within one time budget."""

import asyncio

from app.projects.schemas import ProjectOverview
from app.upstream.client import ProjectData
from app.upstream.exceptions import BudgetExceededError, UpstreamFailedError, UpstreamTimeoutError


class OverviewService:
    def __init__(self, data: ProjectData, budget_seconds: float) -> None:
        self._data = data
        self._budget_seconds = budget_seconds

    async def overview(self, project_id: int) -> ProjectOverview:
        """All three calls at once; the first failure, or the end of the budget, cancels the
        calls still running, and they have stopped before this returns or raises."""
        calls = [
            asyncio.create_task(self._data.tasks(project_id)),
            asyncio.create_task(self._data.members(project_id)),
            asyncio.create_task(self._data.milestones(project_id)),
        ]
        _, pending = await asyncio.wait(calls, timeout=self._budget_seconds)
        if pending:
            raise BudgetExceededError(
                f"the overview was not ready within its budget of {self._budget_seconds:g} s"
            )
        return ProjectOverview(
            project_id=project_id,
            tasks=calls[0].result(),
            members=calls[1].result(),
            milestones=calls[2].result(),
        )

    async def _gather(self, project_id: int) -> ProjectOverview:
        try:
            async with asyncio.TaskGroup() as group:
                tasks = group.create_task(self._data.tasks(project_id))
                members = group.create_task(self._data.members(project_id))
                milestones = group.create_task(self._data.milestones(project_id))
        except* (UpstreamFailedError, UpstreamTimeoutError) as failures:
            # The TaskGroup cancelled the other calls; answer with the first failure.
            raise failures.exceptions[0] from None
        return ProjectOverview(
            project_id=project_id,
            tasks=tasks.result(),
            members=members.result(),
            milestones=milestones.result(),
        )
