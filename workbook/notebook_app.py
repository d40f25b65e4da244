"""What the notebooks use: a lesson's solution or starter, served in-process.

    from workbook.notebook_app import open_app
    async with open_app("01", "solution") as client:
        response = await client.post("/users", json={...})

The app is imported fresh from its folder (the same isolation the grader uses), its lifespan
runs, and a database-backed lesson gets an empty SQLite file of its own.
"""

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Literal

import httpx

from workbook.harness import serve
from workbook.lessons import Lesson, find_kit_root, find_lesson
from workbook.loader import import_learner_module, learner_attribute, target_on_path
from workbook.runner import APP_DATABASE_URL_VARIABLE
from workbook.targets import pristine_target, solution_target

Which = Literal["solution", "starter"]


def lesson(reference: str) -> Lesson:
    return find_lesson(find_kit_root(), reference)


@contextlib.asynccontextmanager
async def open_app(
    reference: str, which: Which = "solution", *, env: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the lesson's solution, or its pristine starter, with lifespan running."""
    chosen = lesson(reference)
    target = solution_target(chosen) if which == "solution" else pristine_target(chosen)
    with tempfile.TemporaryDirectory(prefix="workbook-notebook-") as scratch:
        variables = dict(env or {})
        if chosen.uses_database:
            variables.setdefault(
                APP_DATABASE_URL_VARIABLE, f"sqlite+aiosqlite:///{Path(scratch) / 'app.db'}"
            )
        with target_on_path(target.root), environment(variables):
            module = import_learner_module(target.root, "app.main")
            app = learner_attribute(target.root, module, "app")
            async with serve(app) as client:  # type: ignore[arg-type]
                yield client


@contextlib.contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
