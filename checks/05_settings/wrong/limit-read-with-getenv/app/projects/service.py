"""Projects and their tasks (in memory: lesson 11 brings a database)."""

import os

from app.projects.schemas import ProjectRead, TaskRead


class ProjectNotFoundError(LookupError):
    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} does not exist")


class TaskLimitReachedError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"a project holds at most {limit} tasks")


class ProjectStore:
    def __init__(self) -> None:
        self._projects: dict[int, ProjectRead] = {}
        self._tasks: dict[int, list[TaskRead]] = {}
        self._next_task_id = 1

    def create(self, name: str) -> ProjectRead:
        project = ProjectRead(id=len(self._projects) + 1, name=name)
        self._projects[project.id] = project
        self._tasks[project.id] = []
        return project

    def get(self, project_id: int) -> ProjectRead:
        project = self._projects.get(project_id)
        if project is None:
            raise ProjectNotFoundError(project_id)
        return project

    def tasks(self, project_id: int) -> list[TaskRead]:
        self.get(project_id)
        return list(self._tasks[project_id])

    def add_task(self, project_id: int, title: str, limit: int) -> TaskRead:
        limit = int(os.getenv("APP_MAX_TASKS_PER_PROJECT", str(limit)))
        tasks = self._tasks[self.get(project_id).id]
        if len(tasks) >= limit:
            raise TaskLimitReachedError(limit)
        task = TaskRead(id=self._next_task_id, title=title)
        self._next_task_id += 1
        tasks.append(task)
        return task
