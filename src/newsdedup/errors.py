"""The exceptions newsdedup raises.

    NewsdedupError
    ├── ConfigError (also ValueError)      bad option or configuration value → exit 2
    │   └── MemoryLimitError               a step would need more memory than there is
    └── InputError (also ValueError)       a file or record we cannot use   → exit 3
        ├── DecodeError                    undecodable or binary file
        └── RecordError                    broken JSONL line (carries .line)

Each error also subclasses the fitting builtin, so callers who catch ValueError still work.
"""

from __future__ import annotations


class NewsdedupError(Exception):
    """Base class of every error the library raises on purpose."""


class ConfigError(NewsdedupError, ValueError):
    """An option or configuration value is out of range or unknown."""


class MemoryLimitError(ConfigError):
    """A step would need more memory than the machine (or --max-memory) gives it: refused
    before it starts, not killed by the kernel midway."""


class InputError(NewsdedupError, ValueError):
    """A file or record cannot be used; `.path` names it, `.problem` says why."""

    def __init__(self, path: str, problem: str, *, hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.hint = hint
        message = f"{path}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class DecodeError(InputError):
    """A file is binary or cannot be decoded as text."""


class RecordError(InputError):
    """A JSONL record is broken; `.line` is its 1-based line number."""

    def __init__(self, path: str, line: int, problem: str, *, hint: str | None = None) -> None:
        self.line = line
        super().__init__(f"{path}:{line}", problem, hint=hint)
