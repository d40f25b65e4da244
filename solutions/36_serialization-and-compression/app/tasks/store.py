"""Projects and tasks in memory, with a deterministic demo data set (one large project)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from app.tasks.schemas import TaskStatus

WORDS = ("design", "build", "Überprüfung", "test", "ship", "café menu", "docs", "deploy")
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class ProjectNotFoundError(Exception):
    """No project has the id asked for."""


@dataclass
class Task:
    id: int
    project_id: int
    title: str
    description: str | None
    status: TaskStatus
    estimate_hours: Decimal
    due_on: date | None
    tags: list[str]
    created_at: datetime


@dataclass
class Project:
    id: int
    name: str
    tasks: list[Task] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return len(self.tasks)


class TaskStore:
    def __init__(self) -> None:
        self._projects: dict[int, Project] = {}
        self._project_ids = count(1)
        self._task_ids = count(1)

    def projects(self) -> list[Project]:
        return list(self._projects.values())

    def add_project(self, name: str) -> Project:
        project = Project(next(self._project_ids), name)
        self._projects[project.id] = project
        return project

    def get(self, project_id: int) -> Project:
        project = self._projects.get(project_id)
        if project is None:
            raise ProjectNotFoundError(project_id)
        return project

    def add_task(
        self,
        project_id: int,
        title: str,
        description: str | None,
        estimate_hours: Decimal,
        due_on: date | None,
        tags: list[str],
        created_at: datetime,
    ) -> Task:
        project = self.get(project_id)
        task = Task(next(self._task_ids), project_id, title, description, TaskStatus.OPEN,
                    estimate_hours, due_on, tags, created_at)
        project.tasks.append(task)
        return task


def demo_store(large_project_tasks: int = 2000) -> TaskStore:
    """Project 1, Apollo, with many tasks (every third without a description); project 2,
    Gemini, with two."""
    store = TaskStore()
    for name, size in (("Apollo", large_project_tasks), ("Gemini", 2)):
        project = store.add_project(name)
        for number in range(size):
            word = WORDS[number % len(WORDS)]
            description = None if number % 3 == 0 else f"{word}: step {number} of the plan"
            task = store.add_task(
                project.id, f"{word} #{number}", description,
                Decimal(number % 40) / 4, START.date() + timedelta(days=number % 90),
                [word.split()[0], f"week-{number % 12}"], START + timedelta(minutes=number),
            )
            if number % 4 == 0:
                task.status = TaskStatus.DONE
    return store
