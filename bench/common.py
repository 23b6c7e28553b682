"""What every benchmark needs: timing repeated runs (wall and CPU), peak memory of a process tree, a table.

The machine is shared: wall time depends on the neighbours, CPU time (this process and every
child process it waited for, their children included) says what the work itself costs.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished, waited-for children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_runs(run: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (whole process tree) of each of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
    return walls, cpus


@dataclass(frozen=True)
class CpuSplit:
    """A finished command's CPU seconds: its own process's, and the programs' it ran and waited for."""

    own: float
    programs: float


def run_with_cpu_split(command: Sequence[str], **kwargs: object) -> CpuSplit:
    """Run a command to its end; split its CPU time between its own process and its children.

    Read from ``/proc`` while the command is a zombie (exited, not yet reaped), where its final
    counts still are: the whole tree's time alone cannot tell Tesseract from Python.
    """
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, **kwargs)  # type: ignore[call-overload]
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        fields = _stat_fields(proc.pid)
        proc.wait()
        if proc.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(proc.returncode, command, stderr=errors.read())
    tick = os.sysconf("SC_CLK_TCK")
    utime, stime, cutime, cstime = (int(value) / tick for value in fields[11:15])  # stat fields 14-17
    return CpuSplit(own=utime + stime, programs=cutime + cstime)


def median_time(run: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeat`` runs, and every run's time."""
    times, _ = timed_runs(run, repeat)
    return statistics.median(times), times


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def _process_name(pid: int) -> str:
    """A short name for a process of sohoa's tree: the program, or for Python the module it runs."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    if not words:
        return "?"
    program = Path(words[0]).name
    if program.startswith("python") and "-m" in words[:-1]:
        return f"python -m {words[words.index('-m') + 1]}"
    return program


def _stat_fields(pid: int) -> list[str]:
    """A process's ``/proc/PID/stat`` fields after its name (which may hold spaces and
    parentheses): index 0 is field 3, the state."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _tree_rss(pid: int) -> dict[int, int]:
    """Resident memory (bytes) of a process and each of its descendants, from /proc.

    A child that has forked but not yet exec'd its program (its command line still the parent's)
    shares the parent's pages and counts 0: summed, it would count the parent twice.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry.name))
            parent, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    tree: dict[int, int] = {}
    stack = [pid]
    while stack:
        current = stack.pop()
        tree[current] = rss.get(current, 0)
        for child in children.get(current, []):
            if _cmdline(child) == _cmdline(current):
                tree[child] = 0
                continue
            stack.append(child)
    return tree


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@dataclass
class PeakMemory:
    """Peak RSS of a process tree, what each process held at that moment, and each name's own peak."""

    seconds: float
    peak: int  # bytes, the whole tree
    returncode: int
    at_peak: dict[str, int] = field(default_factory=dict)  # process name (×count) → bytes, at the tree's peak
    own_peaks: dict[str, int] = field(default_factory=dict)  # process name → the most one such process held

    def breakdown(self) -> str:
        return ", ".join(f"{name} {rss / 1e6:.0f}" for name, rss in sorted(self.at_peak.items(), key=lambda i: -i[1]))


def run_with_peak_memory(command: Sequence[str], **kwargs: object) -> PeakMemory:
    """Run a command; sample its whole process tree's RSS every 0.1 s until it ends."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]
    result = PeakMemory(0.0, 0, 0)
    names: dict[int, str] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree = _tree_rss(proc.pid)
            for pid, rss in tree.items():
                name = names.setdefault(pid, _process_name(pid))
                result.own_peaks[name] = max(result.own_peaks.get(name, 0), rss)
            if sum(tree.values()) > result.peak:
                result.peak = sum(tree.values())
                counted = Counter(names[pid] for pid in tree)
                result.at_peak = {}
                for pid, rss in tree.items():
                    label = names[pid] + (f" ×{counted[names[pid]]}" if counted[names[pid]] > 1 else "")
                    result.at_peak[label] = result.at_peak.get(label, 0) + rss
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    proc.communicate()
    done.set()
    sampler.join()
    result.seconds, result.returncode = time.perf_counter() - start, proc.returncode
    return result


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
