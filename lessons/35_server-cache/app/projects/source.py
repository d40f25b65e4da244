"""The expensive read: statistics computed from every task of a project.

In production this is a reporting query that takes seconds; the cache in front of it is what
keeps the dashboard fast. It knows nothing of caching.
"""

from app.projects.schemas import ProjectStats, TaskStatus
from app.projects.store import ProjectStore


class StatsSource:
    def __init__(self, store: ProjectStore) -> None:
        self._store = store

    async def project_stats(self, project_id: int, user: str, status: TaskStatus) -> ProjectStats:
        project = self._store.get(project_id)
        is_done_wanted = status == "done"
        tasks = [task for task in project.tasks if task.is_done is is_done_wanted]
        mine = [task for task in tasks if task.assignee == user]
        return ProjectStats(project_id=project_id, status=status, total=len(tasks), mine=len(mine))
