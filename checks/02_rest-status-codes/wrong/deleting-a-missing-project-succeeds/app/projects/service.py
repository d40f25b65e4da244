"""Project storage (in memory: lesson 11 brings a database)."""

import itertools
from dataclasses import dataclass, replace

from app.projects.exceptions import ProjectNotFoundError
from app.projects.schemas import ProjectCreate, ProjectUpdate


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    description: str | None


class ProjectStore:
    def __init__(self) -> None:
        self._projects: dict[int, Project] = {}
        # A counter, not len() + 1: an id freed by a delete is never handed out again.
        self._ids = itertools.count(1)

    def create(self, data: ProjectCreate) -> Project:
        project = Project(id=next(self._ids), name=data.name, description=data.description)
        self._projects[project.id] = project
        return project

    def list(self) -> list[Project]:
        return list(self._projects.values())

    def get(self, project_id: int) -> Project:
        project = self._projects.get(project_id)
        if project is None:
            raise ProjectNotFoundError(project_id)
        return project

    def update(self, project_id: int, changes: ProjectUpdate) -> Project:
        # exclude_unset: only the fields the client sent, an explicit null included.
        project = replace(self.get(project_id), **changes.model_dump(exclude_unset=True))
        self._projects[project_id] = project
        return project

    def delete(self, project_id: int) -> None:
        self._projects.pop(project_id, None)
