"""Shared fixtures: article text made in the test, tree hashing, paths."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BENCH = ROOT / "bench"
DATA = ROOT.parent / "shared" / "data"

_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ren",
    "sto",
    "vel",
    "dar",
    "pin",
    "qua",
    "tor",
    "ul",
    "bex",
    "na",
    "fi",
    "gro",
    "hal",
    "jun",
    "mor",
    "zel",
    "tri",
    "sap",
    "wen",
    "yor",
    "cle",
)


def words(rng: random.Random, n: int) -> list[str]:
    """Return n pseudo-words: distinct enough that two seeds never share 5-word shingles."""
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(n)]


def make_article(seed: int, paragraphs: int = 8) -> str:
    """Return a deterministic article body: prose paragraphs of 30-50 words."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        sentence = words(rng, rng.randint(30, 50))
        sentence[0] = sentence[0].capitalize()
        paras.append(" ".join(sentence) + ".")
    return "\n\n".join(paras)


def tree_digest(root: Path) -> str:
    """Return one hash of every file's relative path and bytes under root."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(os.fsencode(path.relative_to(root).as_posix()))
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def article_text():
    return make_article


def load_bench(name: str) -> ModuleType:
    """Import `bench/NAME.py` as module NAME (once per session), without making bench/ a package.

    The module is registered in `sys.modules` before it runs, because dataclasses look their
    module up there; bench/ is on `sys.path` meanwhile so a script can import its siblings.
    """
    loaded = sys.modules.get(name)
    path = BENCH / f"{name}.py"
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "") == path:
        return loaded
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def python_as_another_user() -> list[str]:
    """Return the argv that runs this Python as user 'nobody', for what root may always do
    (read a chmod-000 folder, write a read-only one); skip the test when that cannot be."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv, to run as another user")
    python = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable]
    if subprocess.run([*python, "-c", "import newsdedup"], capture_output=True).returncode:
        pytest.skip("another user cannot import newsdedup from this checkout")
    return python


def write_digest_corpus(folder: Path) -> None:
    """Write two stories, a teaser of each (its first half) and a digest page quoting both
    teasers: each teaser lies whole inside its story and inside the digest."""
    digest = ["Morning briefing: the stories you need to know"]
    for n in range(2):
        paragraphs = make_article(100 + n, 4).split("\n\n")
        (folder / f"story{n}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
        (folder / f"brief{n}.txt").write_text("\n\n".join(paragraphs[:2]), encoding="utf-8")
        digest += paragraphs[:2]
    (folder / "digest.txt").write_text("\n\n".join(digest), encoding="utf-8")
