"""SIGTERM (a cancelled CI job) stops a scan cleanly: exit 143, and no worker outlives it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .fastcorpus import fast_article

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    parents[int(entry.name)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def test_sigterm_stops_the_scan_and_its_workers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for i in range(40_000):
            out.write(json.dumps({"id": f"a{i:05d}", "text": fast_article(i)}) + "\n")
    argv = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--workers", "2", "-q"]
    workers: set[int] = set()
    left: list[str] = []  # the commands of workers still running after the scan exited
    # stderr goes to a file, not a pipe: a worker that outlives the scan inherits the pipe, and
    # communicate() would then time out instead of the check below naming the stray worker.
    # `with` closes the file and reaps the scan whatever happens: left to the garbage collector,
    # the pipe and process raised ResourceWarnings in whichever later test ran a full
    # collection (test_dask's 5k test), which -W error turned into that test's failure.
    with (
        (tmp_path / "stderr.txt").open("wb") as stderr,
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr) as proc,
    ):
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                workers = _descendants(proc.pid)
                if len(workers) >= 3:  # the forkserver and two workers
                    break
                time.sleep(0.05)
            if proc.poll() is not None or len(workers) < 3:
                pytest.skip("the scan ended before its workers could be seen")
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and any(_alive(p) for p in workers):
                time.sleep(0.1)
            # A worker started after the snapshot is a child of the forkserver: look there too.
            workers |= {d for p in workers for d in _descendants(p)}
            left = _commands([p for p in workers if _alive(p)])
        finally:
            # Pass or fail, leave no scan or worker behind to load the machine for later tests.
            if proc.poll() is None:
                proc.kill()
            for pid in workers:
                if _alive(pid):
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
    err = (tmp_path / "stderr.txt").read_bytes()
    assert proc.returncode == 143, err
    assert b"error: terminated" in err
    assert b"Traceback" not in err
    assert not left, f"still running after the scan exited: {left}"


def _commands(pids: list[int]) -> list[str]:
    found = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ")[:80]
        except OSError:
            command = b"?"
        found.append(f"{pid} {command.decode(errors='replace')}")
    return found


def test_ctrl_c_while_the_workers_start_prints_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C at a terminal signals the whole process group. The fork server spends its first
    second importing; a SIGINT then printed its traceback under ours (and the scan exited 4,
    "internal error: EOFError", when the server died first)."""
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for i in range(4_000):
            out.write(json.dumps({"id": f"a{i:05d}", "text": fast_article(i)}) + "\n")
    argv = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--workers", "2", "-q"]
    server: list[int] = []
    with (
        (tmp_path / "stderr.txt").open("wb") as stderr,
        subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        ) as proc,
    ):
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None and not server:
                server = [p for p in _descendants(proc.pid) if "forkserver" in _commands([p])[0]]
                time.sleep(0.01)
            if proc.poll() is not None or not server:
                pytest.skip("the scan ended before its fork server could be seen")
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
    err = (tmp_path / "stderr.txt").read_bytes()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err, err
    assert err.strip().splitlines() == [b"error: aborted"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_unwritable_stderr_does_not_fail_the_gate(tmp_path: Path) -> None:
    """QA 11c: with stderr on a full disk, the first warning (a binary file skipped) raised,
    and its own error message failed again: exit 1, the gate's "over budget" code, and no
    report. Warnings are lost; the report and the exit code are the run's."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"{i}.txt").write_text(fast_article(i), encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\x00binary")
    report = tmp_path / "report.json"
    argv = [sys.executable, "-m", "newsdedup", "check", str(corpus), "--max-duplicate-rate", "1"]
    with report.open("wb") as out, open("/dev/full", "wb") as full:
        done = subprocess.run([*argv, "--format", "json"], stdout=out, stderr=full, timeout=120)
    assert done.returncode == 0
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["articles"] == 3
