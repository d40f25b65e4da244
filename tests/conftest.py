"""The kit's own tests treat every warning as an error, so a deprecated API cannot slip in.

(Learner and solution code run inside the grader, which records their warnings instead:
the self-test then requires a solution to raise none.)
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(TESTS_DIR):
            item.add_marker(pytest.mark.filterwarnings("error"))


SelectedParams = Callable[[str], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def selected_params(request: pytest.FixtureRequest) -> SelectedParams:
    """The parameters of each test of a given name that this session runs (all, or what `-k`
    kept): session fixtures that grade in one batch grade only those."""

    def params_of(test_name: str) -> list[dict[str, Any]]:
        return [
            item.callspec.params
            for item in request.session.items
            if getattr(item, "originalname", "") == test_name and hasattr(item, "callspec")
        ]

    return params_of
