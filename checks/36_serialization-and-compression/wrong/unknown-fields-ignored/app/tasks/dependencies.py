"""What a request needs: the store, and the sparse fieldset it asked for."""

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError

from app.tasks.schemas import TASK_FIELDS
from app.tasks.store import TaskStore


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.tasks
    return store


def requested_fields(
    fields: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Comma-separated task fields to return, e.g. `id,title`; "
            f"any of {', '.join(sorted(TASK_FIELDS))}. Omitted: every field.",
        ),
    ] = None,
) -> frozenset[str]:
    """The fields the client asked for; an unknown name is a 422 that names `fields`."""
    if fields is None:
        return TASK_FIELDS
    names = frozenset(name.strip() for name in fields.split(",")) & TASK_FIELDS
    unknown = sorted(names - TASK_FIELDS)
    if unknown or not names:
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", "fields"),
                    "msg": f"unknown fields {unknown}; choose from {sorted(TASK_FIELDS)}",
                    "input": fields,
                }
            ]
        )
    return names


StoreDep = Annotated[TaskStore, Depends(get_store)]
FieldsDep = Annotated[frozenset[str], Depends(requested_fields)]
