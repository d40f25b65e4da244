"""What can go wrong with a task, in the domain's words. No HTTP status lives here."""


class TaskError(Exception):
    """Base class: the HTTP edge maps every TaskError to a 4xx answer."""


class TaskNotFoundError(TaskError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} does not exist")
        self.task_id = task_id


class TaskAlreadyDoneError(TaskError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} is already done")
        self.task_id = task_id


class WorkInProgressLimitError(TaskError):
    def __init__(self, assignee: str, limit: int) -> None:
        super().__init__(f"{assignee} already has {limit} open tasks; finish one first")
        self.assignee = assignee
        self.limit = limit
