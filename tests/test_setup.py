"""`./setup.sh` where newcomers start, each case on a throwaway clone of the kit.

- Debian's or Ubuntu's own Python, with PEP 668's EXTERNALLY-MANAGED marker and no uv on PATH:
  the learner's set installs without touching the system's packages;
- run again from the activated .venv (whose Python has no pip);
- a uv already on PATH is the one used;
- a Python below the kit's floor (simulated), and the docs tools on Python 3.11.2: a clear
  message naming the fix, nothing installed;
- plain `./setup.sh` after `./setup.sh dev` keeps the dev tools; `--help` is help.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.lessons import find_kit_root

KIT_ROOT = find_kit_root(Path(__file__).parent)
SYSTEM_PYTHON = Path("/usr/bin/python3")


def is_pep668_python(python: Path) -> bool:
    if not python.is_file():
        return False
    probe = "import sysconfig, pathlib; print(pathlib.Path(sysconfig.get_path('stdlib')))"
    stdlib = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    return (Path(stdlib.stdout.strip()) / "EXTERNALLY-MANAGED").is_file()


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    destination = tmp_path_factory.mktemp("setup") / "kit"
    subprocess.run(["git", "clone", "--quiet", str(KIT_ROOT), str(destination)], check=True)
    return destination


def setup(
    kit: Path, *arguments: str, path: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": path, **variables}
    environment.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["sh", "./setup.sh", *arguments],
        cwd=kit,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def find_uv_of(python: str) -> str:
    probe = "import uv; print(uv.find_uv_bin())"
    found = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    return found.stdout.strip() if found.returncode == 0 else ""


def fake_python(folder: Path, version: str) -> Path:
    """A `python3` that says it is `version` (the check runs before anything is installed)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "python3"
    major, minor, micro = version.split(".")
    script.write_text(
        "#!/bin/sh\n"
        f'exec {sys.executable} -c "import sys; sys.version_info = ({major}, {minor}, {micro}, '
        "'final', 0); exec(sys.argv[1])\" \"$2\"\n"
    )
    script.chmod(0o755)
    return script


def test_help_is_help(kit: Path) -> None:
    result = setup(kit, "--help", path=os.environ["PATH"])
    assert result.returncode == 0
    assert "./setup.sh jupyter" in result.stdout
    assert not (kit / ".venv").exists()


def test_a_python_below_the_floor_is_named_with_the_fix(kit: Path, tmp_path: Path) -> None:
    python = fake_python(tmp_path / "bin", "3.10.13")
    result = setup(kit, path=os.environ["PATH"], PYTHON=str(python))
    assert result.returncode == 2
    assert "Python 3.10.13" in result.stderr
    assert "needs 3.11.0 or newer" in result.stderr
    assert "PYTHON=/path/to/python3.12 ./setup.sh" in result.stderr
    assert not (kit / ".venv").exists()


@pytest.mark.skipif(not is_pep668_python(SYSTEM_PYTHON), reason="no PEP 668 system Python here")
def test_the_system_python_with_pep_668_and_no_uv(kit: Path) -> None:
    bare_path = "/usr/bin:/bin"
    assert shutil.which("uv", path=bare_path) is None
    result = setup(kit, path=bare_path, PYTHON=str(SYSTEM_PYTHON))
    assert result.returncode == 0, result.stderr[-2000:]
    assert (kit / ".workbook" / "uv" / "bin" / "uv").is_file()  # a private uv, not the system's
    assert (kit / ".venv" / "bin" / "workbook").is_file()
    system_packages = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import importlib.util as u; print(u.find_spec('uv') is None)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert system_packages.stdout.strip() == "True"
    # The docs tools need 3.11.5: said plainly, nothing changed.
    dev = setup(kit, "dev", path=bare_path, PYTHON=str(SYSTEM_PYTHON))
    assert dev.returncode == 2
    assert "needs 3.11.5 or newer" in dev.stderr
    # Again, from the activated environment, whose Python has no pip.
    activated = subprocess.run(
        ["sh", "-c", ". .venv/bin/activate && ./setup.sh"],
        cwd=kit,
        env={**os.environ, "PATH": bare_path},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert activated.returncode == 0, activated.stderr[-2000:]
    assert "'main' set" in activated.stdout


def test_a_uv_on_path_is_used_and_dev_tools_stay(kit: Path, tmp_path: Path) -> None:
    uv_binary = shutil.which("uv") or find_uv_of("python3")
    if not uv_binary:
        pytest.skip("no uv on this machine to put on PATH")
    calls = tmp_path / "calls"
    shim = tmp_path / "bin" / "uv"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {uv_binary} "$@"\n')
    shim.chmod(0o755)
    path = f"{shim.parent}:{os.environ['PATH']}"
    assert setup(kit, "dev", path=path, PYTHON=sys.executable).returncode == 0
    assert "pip sync" in calls.read_text()
    again = setup(kit, path=path, PYTHON=sys.executable)
    assert again.returncode == 0
    assert "'dev' set" in again.stdout
    assert (kit / ".venv" / "bin" / "mkdocs").is_file()
