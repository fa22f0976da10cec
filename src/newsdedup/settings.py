"""Defaults from a settings file: `newsdedup.toml` or `[tool.newsdedup]` in `pyproject.toml`.

The file is looked for next to the corpus (the folder given, or the folder holding the file
given) and then in each parent folder; the first folder with either file wins, and in one
folder `newsdedup.toml` wins over `pyproject.toml`. Keys are flat and named like the flags
(`max_duplicate_rate`, not `max-duplicate-rate`); precedence is defaults < file < flags.
An unknown key or a value of the wrong type or range is a `ConfigError` naming the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .config import (
    STORY_LEVELS,
    CleanConfig,
    DedupConfig,
    IndexConfig,
    LoadConfig,
    ShingleConfig,
    StoryConfig,
)
from .errors import ConfigError
from .gate import GatePolicy
from .load import is_folder

SETTINGS_FILE = "newsdedup.toml"

PYPROJECT = "pyproject.toml"

# key -> (accepted types, what the value configures); the README lists the same table.
KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    # reading the corpus (LoadConfig)
    "glob": ((str,), "which files of a folder are articles"),
    "id_field": ((str,), "JSONL field holding the article id"),
    "text_field": ((str,), "JSONL field holding the article text"),
    "max_bytes": ((int,), "skip files or records larger than this"),
    "encoding": ((str,), "read non-UTF-8 files with this encoding"),
    "strict": ((bool,), "stop at the first unreadable file or record"),
    # what counts as a duplicate (DedupConfig)
    "threshold": ((float, int), "exact Jaccard that makes two articles copies"),
    "containment": ((float, int), "share of the shorter article found in the longer"),
    "shingle_size": ((int,), "words per shingle"),
    "num_perm": ((int,), "MinHash permutations"),
    "lsh_threshold": ((float, int), "looser threshold LSH uses to propose candidates"),
    "lede_words": ((int,), "first words whose likeness also proposes a pair (0: off)"),
    "seed": ((int,), "MinHash seed"),
    "boilerplate": ((bool,), "apply the cleaning rules (false = --no-boilerplate)"),
    "templates": ((bool,), "learn site templates (false = --no-templates)"),
    # stories (StoryConfig): what scan and check group, and how loosely
    "level": ((str,), "copy, story or both: copy clusters, stories, or copies tagged by story"),
    "story_threshold": ((float, int), "average neighbourhood agreement that makes one story"),
    # the CI gate (GatePolicy)
    "max_duplicate_rate": ((float, int), "check fails above this duplicate rate"),
    "max_duplicates": ((int,), "check fails above this many duplicates"),
}
# Settings whose flag says the opposite of the key.
_NEGATED = {"boilerplate": "no_boilerplate", "templates": "no_templates"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated values from one settings file (or none), keyed as in `KEYS`."""

    source: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def options(self) -> dict[str, Any]:
        """Return the values keyed by the CLI's option names (`no_boilerplate`, ...)."""
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            if key in _NEGATED:
                out[_NEGATED[key]] = not value
            else:
                out[key] = value
        return out


def _table(path: Path) -> dict[str, Any] | None:
    """Return the newsdedup table of a settings file, or None when it has none."""
    try:
        # utf-8-sig: a BOM (Windows Notepad saves one) is no TOML, but the file reads fine
        # in every editor (QA 15c #7).
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read settings: {err}") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        if path.name == PYPROJECT and "tool.newsdedup" not in text:
            return None  # someone else's broken pyproject.toml is not our business
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    if path.name != PYPROJECT:
        return data
    table = data.get("tool", {}).get("newsdedup")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.newsdedup] must be a table")
    return table


def find_settings_file(start: Path) -> Path | None:
    """Return the settings file that applies to a corpus at `start`, or None."""
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: its reader says so
        start = Path(os.path.abspath(start))
    folder = start if is_folder(start) else start.parent
    for candidate in (folder, *folder.parents):
        own = candidate / SETTINGS_FILE
        if _is_file(own):
            return own
        pyproject = candidate / PYPROJECT
        if _is_file(pyproject) and _table(pyproject) is not None:
            return pyproject
    return None


def _is_file(path: Path) -> bool:
    """Path.is_file, False in a folder that cannot be looked into (its corpus files cannot be
    read either; the loader says so)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _where(path: Path) -> str:
    return f"{path} [tool.newsdedup]" if path.name == PYPROJECT else str(path)


_TYPE_NAMES = {int: "an integer", str: "a string", bool: "true or false"}


def validate(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Return `values` checked against `KEYS` and the config records' own range checks."""
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key not in KEYS:
            known = ", ".join(sorted(KEYS))
            raise ConfigError(f"{source}: unknown key {key!r} (accepted: {known})")
        types, _ = KEYS[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            named = [_TYPE_NAMES.get(t, t.__name__) for t in types]
            wanted = "a number" if float in types else " or ".join(named)
            raise ConfigError(f"{source}: {key} must be {wanted}, got {value!r}")
        checked[key] = float(cast(float, value)) if float in types else value
    try:
        LoadConfig(**{k: v for k, v in checked.items() if k in _LOAD_KEYS})
        dedup = DedupConfig(
            threshold=checked.get("threshold", DedupConfig().threshold),
            containment=checked.get("containment", DedupConfig().containment),
            shingle=ShingleConfig(size=checked.get("shingle_size", ShingleConfig().size)),
            index=IndexConfig(
                num_perm=checked.get("num_perm", IndexConfig().num_perm),
                lsh_threshold=checked.get("lsh_threshold", IndexConfig().lsh_threshold),
                seed=checked.get("seed", IndexConfig().seed),
                lede_words=checked.get("lede_words", IndexConfig().lede_words),
            ),
            clean=CleanConfig(),
        )
        _ = dedup.index.bands_rows  # raises when the LSH threshold and num_perm cannot band
        if "story_threshold" in checked:
            StoryConfig(threshold=checked["story_threshold"])
        if checked.get("level", STORY_LEVELS[0]) not in STORY_LEVELS:
            levels = ", ".join(STORY_LEVELS)
            raise ConfigError(f"level must be one of {levels}, got {checked['level']!r}")
        GatePolicy(
            max_duplicate_rate=checked.get("max_duplicate_rate"),
            max_duplicates=checked.get("max_duplicates"),
        )
    except ConfigError as err:
        raise ConfigError(f"{source}: {err}") from err
    return checked


_LOAD_KEYS = frozenset({"glob", "id_field", "text_field", "max_bytes", "encoding"})


def read_settings(path: Path) -> Settings:
    """Return the validated settings of one file (empty when a pyproject has no table)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such settings file")
    table = _table(path)
    if table is None:
        return Settings(source=path)
    return Settings(source=path, values=validate(table, _where(path)))


def discover_settings(
    paths: Sequence[Path] | Path | str, *, choose: str = "pass --config FILE to choose"
) -> Settings:
    """Return the settings that apply to a corpus at `paths` (one path, or several): the one
    settings file found above any of them (paths above none add nothing). Files that differ
    are an error, not a choice made by the order of the arguments; `choose` says what the
    user can do about it."""
    if isinstance(paths, str | Path):  # one path: a str was walked letter by letter
        paths = [Path(paths)]
    found = list(dict.fromkeys(f for p in paths if (f := find_settings_file(Path(p)))))
    if len(found) > 1:
        names = ", ".join(_where(f) for f in found)
        raise ConfigError(f"the paths given come under different settings ({names}); {choose}")
    return read_settings(found[0]) if found else Settings()
