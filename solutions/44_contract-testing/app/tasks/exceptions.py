"""What can go wrong with tasks, in the words of the domain."""

from app.core.exceptions import ConflictError, NotFoundError


class TaskNotFoundError(NotFoundError):
    code = "task-not-found"
    title = "Task not found"

    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} does not exist")
        self.task_id = task_id


class TaskAlreadyDoneError(ConflictError):
    code = "task-already-done"
    title = "Task already done"

    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} is already done")
        self.task_id = task_id
