"""The systemd units in deploy/ start the very commands that docs/scaling.md documents and
tests/test_deployment.py runs, and systemd itself finds nothing wrong in them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_deployment import LONG_RUNNING, documented_commands, long_running

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
INSTALLED = "/opt/sohoa/.venv/bin/"
ENV_FILE = "/etc/sohoa/sohoa.env"


def units() -> dict[str, str]:
    return {unit.name: unit.read_text() for unit in sorted(DEPLOY.glob("*.service"))}


def exec_start(unit: str) -> str:
    [line] = re.findall(r"^ExecStart=(.*)$", unit, flags=re.M)
    return line


def settings() -> dict[str, str]:
    lines = (DEPLOY / "sohoa.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def as_documented(command: str) -> str:
    """A unit's command as the page writes it: no install path, the page's placeholders."""
    return (command.replace(INSTALLED, "").replace("${SOHOA_DASK_ADDRESS}", "tcp://SCHEDULER:8786")
            .replace("/srv/%i", "/srv/inbox"))


def test_each_long_running_part_of_the_page_has_a_unit_that_starts_it_as_documented():
    documented = {re.sub(r"^(\w+=\S+ )*", "", c.line) for c in documented_commands()}
    started = {as_documented(exec_start(unit)) for unit in units().values()}
    assert started <= documented
    assert {long_running(command) for command in started} == set(LONG_RUNNING)


def test_every_unit_reads_the_shared_settings_and_the_settings_name_every_machine():
    for name, unit in units().items():
        assert f"EnvironmentFile={ENV_FILE}" in unit, name
        assert exec_start(unit).startswith(INSTALLED), name
    env = settings()
    assert env["OMP_THREAD_LIMIT"] == "1"  # the page's workers run with it
    assert {"SOHOA_HOME", "SOHOA_DATABASE_URL", "PREFECT_API_URL", "SOHOA_DASK_ADDRESS"} <= set(env)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_finds_nothing_wrong_in_the_units(tmp_path: Path):
    bin_dir = str(Path(sys.executable).parent) + "/"
    paths = []
    for name, unit in units().items():
        # systemd checks that the programs exist: point the units at this checkout's .venv and sohoa.env.
        text = unit.replace(INSTALLED, bin_dir).replace(ENV_FILE, str(DEPLOY / "sohoa.env"))
        path = tmp_path / name.replace("@.", "@inbox.")  # a template is checked through an instance
        path.write_text(text)
        paths.append(str(path))
    checked = subprocess.run(["systemd-analyze", "verify", "--man=no", *paths], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout + checked.stderr, checked.stdout + checked.stderr
