"""Report queries on the analytics warehouse."""

import sqlite3
from datetime import UTC, datetime

OVERDUE_BY_ASSIGNEE = (
    "SELECT assignee_id, count(*) AS overdue FROM task "
    "WHERE done = 0 AND due_at < :now GROUP BY assignee_id"
)


class WarehouseError(RuntimeError):
    """The warehouse could not answer a query."""


class ReportRepository:
    """Runs report queries on the warehouse at `url`.

    The warehouse is not provisioned in this exercise: an empty in-memory SQLite database stands
    in for it, so every query fails for real.
    """

    def __init__(self, url: str) -> None:
        self._url = url

    def overdue_by_assignee(self) -> list[tuple[int, int]]:
        connection = sqlite3.connect(":memory:")
        try:
            now = datetime.now(UTC).isoformat()
            rows = connection.execute(OVERDUE_BY_ASSIGNEE, {"now": now}).fetchall()
        except sqlite3.Error as error:
            # Like many drivers, the message carries the statement and the connection URL.
            raise WarehouseError(f"{error}: {OVERDUE_BY_ASSIGNEE} [on {self._url}]") from error
        finally:
            connection.close()
        return [(int(assignee_id), int(overdue)) for assignee_id, overdue in rows]
