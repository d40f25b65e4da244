"""The kit's own tests treat every warning as an error, so a deprecated API cannot slip in.

(Learner and solution code run inside the grader, which records their warnings instead:
the self-test then requires a solution to raise none.)
"""

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(TESTS_DIR):
            item.add_marker(pytest.mark.filterwarnings("error"))
