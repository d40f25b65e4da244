"""Projects, kept in memory."""

from dataclasses import dataclass
from itertools import count


@dataclass(frozen=True)
class Project:
    id: int
    name: str


class ProjectStore:
    def __init__(self) -> None:
        self._projects: list[Project] = []
        self._ids = count(1)

    def add(self, name: str) -> Project:
        project = Project(id=next(self._ids), name=name)
        self._projects.append(project)
        return project

    def all(self) -> list[Project]:
        return list(self._projects)
