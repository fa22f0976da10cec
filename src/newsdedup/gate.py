"""The CI gate: a policy on duplicates and the outcome it gives. A failed gate is a result."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError
from .records import Cluster, DedupResult


@dataclass(frozen=True, slots=True, kw_only=True)
class GatePolicy:
    """The duplicate budget: a rate, a count, or both (both must hold)."""

    max_duplicate_rate: float | None = None
    max_duplicates: int | None = None

    def __post_init__(self) -> None:
        rate = self.max_duplicate_rate
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ConfigError(f"max_duplicate_rate must be in [0, 1], got {rate}")
        if self.max_duplicates is not None and self.max_duplicates < 0:
            raise ConfigError(f"max_duplicates must be >= 0, got {self.max_duplicates}")


@dataclass(frozen=True, slots=True, kw_only=True)
class GateOutcome:
    """Whether the corpus is within budget, why, and the largest clusters to look at."""

    passed: bool
    reason: str
    duplicates: int
    duplicate_rate: float
    worst: tuple[Cluster, ...] = ()


def evaluate_gate(result: DedupResult, policy: GatePolicy, *, show: int = 5) -> GateOutcome:
    """Return whether `result` stays within `policy`."""
    problems = []
    rate, count = result.duplicate_rate, result.duplicates
    if policy.max_duplicate_rate is not None and rate > policy.max_duplicate_rate:
        problems.append(f"duplicate rate {rate:.4f} is over {policy.max_duplicate_rate:g}")
    if policy.max_duplicates is not None and count > policy.max_duplicates:
        problems.append(f"{count} duplicates is over the budget of {policy.max_duplicates}")
    passed = not problems
    reason = "; ".join(problems) if problems else (f"{count} duplicates ({rate:.2%}) within budget")
    return GateOutcome(
        passed=passed,
        reason=reason,
        duplicates=count,
        duplicate_rate=round(rate, 4),
        worst=() if passed else result.clusters[:show],
    )
