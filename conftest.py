"""pytest at the kit's root: when this pytest is not the kit's, say in one line which to run.

The grader itself is `workbook.pytest_plugin`, which the kit's environment registers as a
pytest plugin (an entry point in pyproject.toml).
"""

import sys

try:
    import workbook.pytest_plugin  # noqa: F401 - imported to find out whether it can be
except ImportError as error:  # a pytest from another environment than the kit's .venv
    command = " ".join([".venv/bin/python -m pytest", *sys.argv[1:]])
    sys.stderr.write(
        f"This pytest ({sys.executable}) is not the kit's: its environment has no "
        f"{error.name or 'workbook'}. Run `{command}`, or first `. .venv/bin/activate` "
        "(after `./setup.sh`).\n"
    )
    raise SystemExit(4) from None
