"""How much memory this process may still use, and sizes as people write them ("16G").

The story level holds every article's term vector and all candidate pairs at once, so a corpus
too large for the machine would otherwise run for many minutes and then be killed by the
kernel without a word. `story` asks here before each large step and refuses with one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .errors import ConfigError

_BUDGET: ContextVar[int | None] = ContextVar("newsdedup_memory_budget", default=None)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(text: str) -> int:
    """Return the bytes of a size written as "512M", "16G", "1.5GiB" or a plain byte count."""
    m = _SIZE.match(text)
    if m is None:
        raise ConfigError(f"cannot read {text!r} as a size; write it as 512M, 16G or 1T")
    size = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if size <= 0:
        raise ConfigError(f"a size must be positive, got {text!r}")
    return size


def format_size(size: int) -> str:
    """Return a size the way people read it: "38.2 GB", "640 MB", "12 KB" (powers of 1024)."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    if size >= 1 << 20:
        return f"{round(size / (1 << 20))} MB"
    if size >= 1 << 10:
        return f"{round(size / (1 << 10))} KB"
    return f"{size} bytes"


def _meminfo_available(meminfo: Path) -> int | None:
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_headroom(cgroup: Path) -> int | None:
    """Return what a cgroup v2 memory limit still allows, or None when there is no limit."""
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((cgroup / "memory.current").read_text().strip())
        return max(0, int(limit) - used)
    except (OSError, ValueError):
        return None


def current_rss() -> int:
    """Return this process's resident memory in bytes (0 where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    import resource  # POSIX only; /proc above says this is Linux

    return pages * resource.getpagesize()


def available_memory(
    meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """Return the bytes this process can still allocate without swapping: the kernel's
    MemAvailable, lowered to a container's memory limit when one is set; None where neither
    is known (not Linux), and then nothing is refused."""
    known = [v for v in (_meminfo_available(meminfo), _cgroup_headroom(cgroup)) if v is not None]
    return min(known) if known else None


@contextmanager
def memory_budget(size: int | None) -> Iterator[None]:
    """Within the block, the steps that check memory count on `size` bytes for the whole
    process instead of the machine's available memory (None: the machine's)."""
    if size is not None and size <= 0:
        raise ConfigError(f"a memory budget must be positive, got {size!r}")
    token = _BUDGET.set(size)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def headroom() -> tuple[int | None, bool]:
    """Return the bytes a step may still allocate (None: unknown, so anything goes) and
    whether they come from a budget the caller set (`memory_budget`)."""
    budget = _BUDGET.get()
    if budget is not None:
        return max(0, budget - current_rss()), True
    return available_memory(), False
