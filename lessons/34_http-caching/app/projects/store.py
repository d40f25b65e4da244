"""Projects and their tasks, kept in memory for the app's life (one store per app)."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count


class ProjectNotFoundError(Exception):
    """No project has the id asked for."""


@dataclass
class Task:
    id: int
    title: str
    updated_at: datetime
    is_done: bool = False


@dataclass
class Project:
    id: int
    name: str
    description: str
    updated_at: datetime
    tasks: list[Task] = field(default_factory=list)


class ProjectStore:
    def __init__(self) -> None:
        self._projects: dict[int, Project] = {}
        self._project_ids = count(1)
        self._task_ids = count(1)

    def add(self, name: str, description: str, now: datetime) -> Project:
        project = Project(next(self._project_ids), name, description, now)
        self._projects[project.id] = project
        return project

    def get(self, project_id: int) -> Project:
        project = self._projects.get(project_id)
        if project is None:
            raise ProjectNotFoundError(project_id)
        return project

    def update(self, project_id: int, name: str, description: str, now: datetime) -> Project:
        project = self.get(project_id)
        project.name, project.description, project.updated_at = name, description, now
        return project

    def add_task(self, project_id: int, title: str, now: datetime) -> Task:
        project = self.get(project_id)
        task = Task(next(self._task_ids), title, now)
        project.tasks.append(task)
        return task
