"""Projects and their tasks, in memory for the app's life (one store per app)."""

from dataclasses import dataclass, field
from itertools import count


class ProjectNotFoundError(Exception):
    """No project has the id asked for."""


class TaskNotFoundError(Exception):
    """The project has no task with the id asked for."""


@dataclass
class Task:
    id: int
    project_id: int
    title: str
    assignee: str
    is_done: bool = False


@dataclass
class Project:
    id: int
    name: str
    tasks: list[Task] = field(default_factory=list)


class ProjectStore:
    def __init__(self) -> None:
        self._projects: dict[int, Project] = {}
        self._project_ids = count(1)
        self._task_ids = count(1)

    def add(self, name: str) -> Project:
        project = Project(next(self._project_ids), name)
        self._projects[project.id] = project
        return project

    def get(self, project_id: int) -> Project:
        project = self._projects.get(project_id)
        if project is None:
            raise ProjectNotFoundError(project_id)
        return project

    def add_task(self, project_id: int, title: str, assignee: str) -> Task:
        project = self.get(project_id)
        task = Task(next(self._task_ids), project_id, title, assignee)
        project.tasks.append(task)
        return task

    def set_done(self, project_id: int, task_id: int, is_done: bool) -> Task:
        for task in self.get(project_id).tasks:
            if task.id == task_id:
                task.is_done = is_done
                return task
        raise TaskNotFoundError(task_id)
