"""What can go wrong with tasks, in the words of the domain."""

from app.core.exceptions import ConflictError, DomainError, NotFoundError


class TaskNotFoundError(NotFoundError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} does not exist")
        self.task_id = task_id


class TaskAlreadyDoneError(ConflictError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} is already done")
        self.task_id = task_id


class UnknownMemberError(DomainError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"user {user_id} is not a member of the team")
        self.user_id = user_id
