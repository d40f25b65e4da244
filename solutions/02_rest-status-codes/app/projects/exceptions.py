"""Errors the projects service raises; the app maps them to HTTP answers."""


class ProjectNotFoundError(LookupError):
    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} does not exist")
        self.project_id = project_id
