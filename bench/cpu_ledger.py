"""Where the CPU went during a run: this bench's process tree by role, and the rest of the machine.

On a shared machine a slow run is often somebody else's work. The ledger reads the CPU time of
every process of this bench's tree (psutil; a process's finished children, such as Tesseract and
pdftoppm runs, count in its ``children`` time) and the machine's busy time from ``/proc/stat``:
what the machine spent that this tree did not is the neighbours' share.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import psutil  # a dask.distributed dependency

ROLES = ("main process", "dask workers", "tesseract, pdftoppm", "prefect server", "other")


def role_of(process: psutil.Process) -> str:
    if process.pid == os.getpid():
        return "main process"  # the flow, the Dask scheduler of a LocalCluster, local page threads
    command = " ".join(process.cmdline())
    if "prefect.server" in command:
        return "prefect server"
    if "spawn_main" in command:
        return "dask workers"  # LocalCluster's worker processes (multiprocessing spawn)
    return "other"


def _tree() -> dict[int, tuple[str, float, float]]:
    """pid → (role, own CPU s, CPU s of its finished children) for this process and its descendants."""
    me = psutil.Process()
    found = {}
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
            found[process.pid] = (role_of(process), times.user + times.system,
                                  times.children_user + times.children_system)
        except psutil.Error:  # ended between the listing and the reading
            continue
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has spent on anything but idling since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "guest", 0.0) \
        - getattr(times, "guest_nice", 0.0)


@dataclass
class Usage:
    wall: float = 0.0
    roles: dict[str, float] = field(default_factory=dict)
    others: float = 0.0  # CPU seconds the rest of the machine used meanwhile

    @property
    def ours(self) -> float:
        return sum(self.roles.values())

    @property
    def others_share(self) -> float:
        """The neighbours' share of the machine's cores during the run (0: we had it to ourselves)."""
        return self.others / (self.wall * (os.cpu_count() or 1)) if self.wall else 0.0


class Ledger:
    """``with Ledger() as usage: work()``; then ``usage`` holds the CPU by role and the neighbours'."""

    def __enter__(self) -> Usage:
        self.usage = Usage()
        self.before, self.busy, self.start = _tree(), machine_busy(), time.perf_counter()
        return self.usage

    def __exit__(self, *exc: object) -> None:
        after, busy = _tree(), machine_busy()
        self.usage.wall = time.perf_counter() - self.start
        roles = dict.fromkeys(ROLES, 0.0)
        for pid, (role, own, children) in after.items():
            _, own_before, children_before = self.before.get(pid, (role, 0.0, 0.0))
            roles[role] += own - own_before
            roles["tesseract, pdftoppm" if role in ("main process", "dask workers") else role] += \
                children - children_before
        self.usage.roles = roles
        self.usage.others = max(0.0, busy - self.busy - self.usage.ours)


def wait_for_quiet(max_share: float = 0.1, window: float = 2.0, patience: float = 180.0) -> float:
    """Wait (up to ``patience`` s) until the neighbours use under ``max_share`` of the cores; return the wait."""
    started = time.perf_counter()
    while time.perf_counter() - started < patience:
        with Ledger() as usage:
            time.sleep(window)
        if usage.others_share < max_share:
            break
    return time.perf_counter() - started
