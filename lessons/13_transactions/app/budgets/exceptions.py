"""Domain errors of the budgets feature."""


class ProjectNotFound(Exception):
    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} not found")


class BudgetRefused(Exception):
    """The move would take a budget below zero or above the cap."""

    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id}'s budget cannot take this transfer")
