"""How one check went: plain data, so it can cross from the supervised process to the grader."""

import enum
from dataclasses import dataclass

from workbook.harness import CheckSpec
from workbook.targets import Target


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"  # an expectation did not hold: the rule is not met yet
    ERROR = "error"  # the learner's code could not run, or hung, or the check itself broke
    BLOCKED = "blocked"  # a shape another rule asks for is missing, so this check cannot run
    NOT_APPLICABLE = "not applicable"  # the audited app has nothing the check is about


@dataclass(frozen=True)
class Failure:
    """A failed expectation, in the words the learner reads."""

    expected: str
    got: str
    sent: str = ""  # the request that showed it, when one is known
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    spec: CheckSpec
    target: Target
    backend: str
    status: Status
    failure: Failure | None = None
    error: str = ""
    blocked_by: str = ""  # with BLOCKED: the rule whose missing shape stopped the check
    app_errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what the supervisor saw besides the verdict (a stray thread)
    seconds: float = 0.0
    # Why no other check of this target can run either: its code does not import, or it never
    # finished starting. The grader then reports the rest as blocked instead of failing each.
    halts: str = ""
    # The code, not the rule, is at fault (a NameError in a handler): the rule's hint would
    # mislead, so the report says to fix this first.
    code_bug: bool = False

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED
