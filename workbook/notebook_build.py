"""The notebooks: plain-text sources, executed into stored `.ipynb` files with their outputs.

`notebooks/NAME.py` (jupytext percent format) is what authors write and reviewers read;
`notebooks/NAME.ipynb` is generated from it by running it, and stored with its outputs so the
docs site can show them and the self-test can rerun it and compare (nbval).

    python -m workbook.notebook_build build [NAME ...]   # run the sources, store the .ipynb files
    python -m workbook.notebook_build check [NAME ...]   # is every .ipynb current with its source?

NAME is a lesson number (`01`), a notebook's name (`01_pydantic-schemas`) or a prefix of one
(`evidence`); no NAME means every notebook. Needs the dev group (`uv run --all-groups ...`).
"""

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbook.lessons import find_kit_root

NOTEBOOKS_DIR = "notebooks"
KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 300
# Metadata that changes from run to run or machine to machine and means nothing to a reader.
VOLATILE_NOTEBOOK_METADATA = ("text_representation",)


def notebooks_dir(kit_root: Path) -> Path:
    return kit_root / NOTEBOOKS_DIR


def sources(kit_root: Path) -> list[Path]:
    """Every notebook source: `notebooks/*.py`, by name."""
    folder = notebooks_dir(kit_root)
    return sorted(folder.glob("*.py")) if folder.is_dir() else []


def select(kit_root: Path, names: Sequence[str]) -> list[Path]:
    """The sources a command names (all of them when it names none)."""
    every = sources(kit_root)
    if not names:
        return every
    chosen = [path for path in every if any(path.stem.startswith(name) for name in names)]
    unmatched = [name for name in names if not any(p.stem.startswith(name) for p in every)]
    if unmatched:
        known = ", ".join(path.stem for path in every) or "none"
        raise LookupError(f"no notebook source for {unmatched} (notebooks: {known})")
    return chosen


def paired(source: Path) -> Path:
    return source.with_suffix(".ipynb")


def build(source: Path) -> Path:
    """Run `source` top to bottom and store it, with its outputs, as the paired `.ipynb`."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    notebook = jupytext.read(source)
    client = NotebookClient(
        notebook,
        kernel_manager_class=this_interpreter_kernel(),
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(source.parent)}},
        record_timing=False,
    )
    client.execute()  # starts the kernel, runs every cell, shuts the kernel down
    normalize(notebook)
    target = paired(source)
    nbformat.write(notebook, target)  # type: ignore[no-untyped-call]
    return target


def this_interpreter_kernel() -> Any:
    """A kernel manager class for this interpreter, whatever kernels the machine registered."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import KernelManager

    spec = KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="Python 3",
        language="python",
        name=KERNEL_NAME,
    )

    class ThisInterpreterKernel(KernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            return spec

    return ThisInterpreterKernel


def normalize(notebook: Any) -> None:
    """Make the stored file depend on the source and the outputs only, not on the run."""
    jupytext_metadata = notebook.metadata.get("jupytext", {})
    for key in VOLATILE_NOTEBOOK_METADATA:
        jupytext_metadata.pop(key, None)
    notebook.metadata.get("language_info", {}).pop("version", None)
    for index, cell in enumerate(notebook.cells, 1):
        cell["id"] = f"cell-{index}"
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesced(cell.outputs)


def coalesced(outputs: list[Any]) -> list[Any]:
    """Consecutive writes to one stream as one output: how they split depends on timing."""
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
            continue
        merged.append(output)
    return merged


def problems(source: Path) -> list[str]:
    """Why the stored `.ipynb` is not current with its source; empty when it is."""
    import jupytext
    import nbformat

    target = paired(source)
    if not target.is_file():
        return [f"{target.name} is missing"]
    expected = jupytext.read(source).cells
    stored = nbformat.read(target, as_version=4).cells  # type: ignore[no-untyped-call]
    found = []
    if len(expected) != len(stored):
        found.append(f"{source.name} has {len(expected)} cells, {target.name} {len(stored)}")
    for index, (want, have) in enumerate(zip(expected, stored, strict=False), 1):
        if want.cell_type != have.cell_type or want.source.strip() != have.source.strip():
            found.append(f"cell {index} of {target.name} differs from its source")
        elif have.cell_type == "code" and have.source.strip() and have.execution_count is None:
            found.append(f"cell {index} of {target.name} was never run")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workbook.notebook_build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("names", nargs="*", help="lesson numbers or notebook names (default: all)")
    arguments = parser.parse_args(argv)
    kit_root = find_kit_root()
    try:
        chosen = select(kit_root, arguments.names)
    except LookupError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if arguments.command == "check":
        found = [problem for source in chosen for problem in problems(source)]
        for problem in found:
            sys.stdout.write(f"{problem}\n")
        sys.stdout.write(f"{len(chosen)} notebooks, {len(found)} problems\n")
        return 1 if found else 0
    for source in chosen:
        started = time.perf_counter()
        target = build(source)
        elapsed = time.perf_counter() - started
        sys.stdout.write(f"built {target.relative_to(kit_root)} ({elapsed:.1f} s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
