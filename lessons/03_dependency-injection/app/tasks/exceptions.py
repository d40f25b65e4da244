"""Errors the tasks service raises; the app maps them to HTTP answers."""


class TaskNotFoundError(LookupError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} does not exist")
        self.task_id = task_id
