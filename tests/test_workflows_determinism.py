"""check, explain and dedup give the same bytes under different PYTHONHASHSEED values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import SEEDS

SCRIPT = """
import hashlib, sys, tempfile
from pathlib import Path
from click.testing import CliRunner
from newsdedup.cli import cli

seeds = sys.argv[1]
runner = CliRunner()
parts = []
for args in (
    ["check", seeds, "--format", "json"],
    ["check", seeds, "--format", "github"],
    ["explain", "--corpus", seeds, "000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt",
     "--format", "json"],
):
    parts.append(runner.invoke(cli, args).stdout)
with tempfile.TemporaryDirectory() as tmp:
    runner.invoke(cli, ["dedup", seeds, "--out", str(Path(tmp) / "o"), "-q"])
    for path in sorted((Path(tmp) / "o").rglob("*")):
        parts.append(path.name + hashlib.sha256(path.read_bytes()).hexdigest())
sys.stdout.write("\\n".join(parts))
"""


def test_outputs_do_not_depend_on_the_hash_seed():
    """Two processes with different hash seeds print identical check, explain and dedup output."""
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(Path(SEEDS))],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert '"jaccard": 0.8304' in outputs[0]
    assert "removed.csv" in outputs[0]
