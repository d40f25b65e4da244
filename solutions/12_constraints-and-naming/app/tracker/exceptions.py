"""Domain errors of the tracker."""


class AlreadyExists(Exception):
    """A row with the same unique value exists: the database refused the insert."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} already exists")
        self.what = what
