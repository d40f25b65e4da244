"""Golden reports: what a learner who made a known mistake is told, stored for review.

For every known-wrong variant the self-test grades the variant with the checks that must catch
it (on SQLite) and compares the learner-facing report with `expected_report.txt` beside the
variant, normalised for paths, ports and addresses. A check that starts blaming the wrong rule
or printing a misleading message then shows up as a diff in review.

    python -m workbook.golden 07            # write the reports of lesson 07's variants
    python -m workbook.golden 07 --check    # compare instead of writing (exit 1 on a difference)
"""

import argparse
import re
import sys
from pathlib import Path

from workbook.harness import load_checks
from workbook.lessons import Lesson, find_kit_root, find_lesson
from workbook.report import format_outcome
from workbook.runner import Outcome, run_check
from workbook.targets import WrongVariant, wrong_target, wrong_variants

DOCS_ROOT = "<docs>/"  # golden reports are the same wherever the docs are published
# The grader's scratch root and, under it, the check's or the variant's own folder.
_TEMPORARY_PATH = re.compile(r"/tmp/workbook-[^/\s'\"]*(?:/\d\d-[^/\s'\"]*)?")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")
_LOOPBACK_PORT = re.compile(r"\b(127\.0\.0\.1|localhost|\[::1\]):\d+")
_DURATION = re.compile(r"\b\d+\.\d+ ?(?:ms|s)\b")
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*")  # a token differs on every run
_BEARER = re.compile(r"\bBearer [\w.~+/-]{16,}=*")


def normalise(text: str, lesson: Lesson) -> str:
    """The report with what differs between runs and machines replaced by placeholders."""
    text = text.replace(str(lesson.kit_root), "<kit>")
    text = _TEMPORARY_PATH.sub("<tmp>", text)
    text = _ADDRESS.sub("0x…", text)
    text = _LOOPBACK_PORT.sub(r"\1:<port>", text)
    text = _DURATION.sub("<duration>", text)
    text = _JWT.sub("<jwt>", text)
    text = _BEARER.sub("Bearer <token>", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"


_DIGEST = re.compile(r"\b[0-9a-f]{32,64}\b")
_FIELD = re.compile(r"^(?P<label>[a-z ]+:)\s")
_CONTINUATION = " " * 11  # a field's later lines are indented past its label


def loosen(text: str) -> str:
    """What a golden comparison ignores: a field whose text was trimmed (the clone's path
    shifts where the cut falls, even by lines) and digests (an ETag of a file's mtime)."""
    text = _DIGEST.sub("<digest>", text)
    fields: list[list[str]] = []
    for line in text.splitlines():
        if fields and (not line or line.startswith(_CONTINUATION)):  # a body's blank lines too
            fields[-1].append(line)
        else:
            fields.append([line])
    kept = []
    for field in fields:
        label = _FIELD.match(field[0])
        if label is not None and any("more characters)" in line for line in field):
            kept.append(f"{label['label']} … (trimmed)")
        else:
            kept.extend(field)
    return "\n".join(kept)


def report_text(lesson: Lesson, outcomes: list[Outcome]) -> str:
    """The golden text of some outcomes: each check's verdict and what the learner reads."""
    sections = []
    for outcome in outcomes:
        body = "" if outcome.passed else "\n" + format_outcome(outcome, docs_root=DOCS_ROOT)
        sections.append(f"== {outcome.spec.name}: {outcome.status.value}{body}")
    return normalise("\n\n".join(sections), lesson)


def variant_report(lesson: Lesson, variant: WrongVariant) -> str:
    """What the learner is told when their code has this variant's mistake (SQLite)."""
    specs = {spec.name: spec for spec in load_checks(lesson)}
    target = wrong_target(lesson, variant)
    backend = "postgresql" if "postgresql" in variant.only_with else "sqlite"
    return report_text(
        lesson, [run_check(specs[name], target, backend) for name in variant.caught_by]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.golden", description=__doc__)
    parser.add_argument("lesson", help="lesson number or slug")
    parser.add_argument("variant", nargs="?", help="one variant's folder name")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    lesson = find_lesson(find_kit_root(Path.cwd()), args.lesson)
    differing = 0
    for variant in wrong_variants(lesson):
        if args.variant and variant.name != args.variant:
            continue
        report = variant_report(lesson, variant)
        stored = variant.golden_file.read_text("utf-8") if variant.golden_file.is_file() else ""
        if args.check:
            is_same = loosen(report) == loosen(stored)
            differing += not is_same
            print(f"{variant.name}: {'same' if is_same else 'DIFFERENT'}")
            continue
        variant.golden_file.write_text(report, encoding="utf-8")
        print(f"wrote {variant.golden_file.relative_to(lesson.kit_root)}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
