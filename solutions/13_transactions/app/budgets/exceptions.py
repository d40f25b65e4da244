"""Domain errors of the budgets feature."""


class ProjectNotFound(Exception):
    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} not found")


class BudgetRefused(Exception):
    """The move would take a budget below zero or above the cap."""


class InsufficientBudget(BudgetRefused):
    def __init__(self, project_id: int, hours: int) -> None:
        super().__init__(f"project {project_id} has fewer than {hours} hours to give")


class BudgetCapExceeded(BudgetRefused):
    def __init__(self, project_id: int, hours: int) -> None:
        super().__init__(f"project {project_id} cannot take {hours} more hours: over the cap")
