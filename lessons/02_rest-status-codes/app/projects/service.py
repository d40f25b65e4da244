"""Project storage (in memory: lesson 11 brings a database)."""

import itertools
from dataclasses import dataclass, replace

from app.projects.schemas import ProjectCreate, ProjectUpdate


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    description: str | None


class ProjectStore:
    def __init__(self) -> None:
        self._projects: dict[int, Project] = {}
        self._ids = itertools.count(1)

    def create(self, data: ProjectCreate) -> Project:
        project = Project(id=next(self._ids), name=data.name, description=data.description)
        self._projects[project.id] = project
        return project

    def list(self) -> list[Project]:
        return list(self._projects.values())

    def get(self, project_id: int) -> Project | None:
        return self._projects.get(project_id)

    def update(self, project_id: int, changes: ProjectUpdate) -> Project | None:
        project = self.get(project_id)
        if project is None:
            return None
        # Every field of the schema, sent or not: what the client left out becomes a default.
        updated = replace(project, **changes.model_dump())
        self._projects[project_id] = updated
        return updated

    def delete(self, project_id: int) -> Project | None:
        return self._projects.pop(project_id, None)
