"""The CI gate: a policy on duplicates and the outcome it gives. A failed gate is a result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .records import Cluster, DedupResult


@dataclass(frozen=True, slots=True, kw_only=True)
class GatePolicy:
    """The duplicate budget: a rate, a count, or both (both must hold)."""

    max_duplicate_rate: float | None = None
    max_duplicates: int | None = None

    def __post_init__(self) -> None:
        rate = self.max_duplicate_rate
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)):
            raise ConfigError(f"max_duplicate_rate must be a number, got {rate!r}")
        count = self.max_duplicates
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise ConfigError(f"max_duplicates must be a whole number, got {count!r}")
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


def judge_budget(count: int, rate: float, policy: GatePolicy) -> tuple[bool, str]:
    """Return whether `count` duplicates at `rate` stay within `policy`, and why."""
    problems = []
    if policy.max_duplicate_rate is not None and rate > policy.max_duplicate_rate:
        shown = _over(rate, policy.max_duplicate_rate)
        problems.append(f"duplicate rate {shown} is over {policy.max_duplicate_rate:g}")
    if policy.max_duplicates is not None and count > policy.max_duplicates:
        verb = "is" if count == 1 else "are"
        problems.append(f"{_duplicates(count)} {verb} over the budget of {policy.max_duplicates}")
    reason = "; ".join(problems) or f"{_duplicates(count)} ({rate:.2%}) within budget"
    return not problems, reason


def _over(rate: float, limit: float) -> str:
    """Return `rate` with 4 decimals, or as many more as it takes to read above `limit`
    (1/3 against 0.3333 said 'duplicate rate 0.3333 is over 0.3333')."""
    for places in range(4, 17):
        if round(rate, places) > limit:
            return f"{rate:.{places}f}"
    return repr(rate)


def _duplicates(count: int) -> str:
    return f"{count} duplicate" if count == 1 else f"{count} duplicates"


def evaluate_gate(result: DedupResult, policy: GatePolicy, *, show: int = 5) -> GateOutcome:
    """Return whether `result` stays within `policy`."""
    rate, count = result.duplicate_rate, result.duplicates
    passed, reason = judge_budget(count, rate, policy)
    return GateOutcome(
        passed=passed,
        reason=reason,
        duplicates=count,
        duplicate_rate=rate,  # unrounded: the verdict compares it to the budget as it is
        worst=() if passed else result.clusters[:show],
    )


# With no budget given, `check` allows no duplicates at all, as a linter allows no findings.
STRICT_POLICY = GatePolicy(max_duplicates=0)


def effective_policy(policy: GatePolicy) -> GatePolicy:
    """Return `policy`, or the zero-duplicate policy when it sets no budget at all."""
    if policy.max_duplicate_rate is None and policy.max_duplicates is None:
        return STRICT_POLICY
    return policy


def outcome_to_dict(outcome: GateOutcome, policy: GatePolicy) -> dict[str, Any]:
    """Return the gate's verdict as plain data (the `gate` key of `check --format json`)."""
    return {
        "passed": outcome.passed,
        "reason": outcome.reason,
        "duplicates": outcome.duplicates,
        "duplicate_rate": outcome.duplicate_rate,
        "max_duplicate_rate": policy.max_duplicate_rate,
        "max_duplicates": policy.max_duplicates,
        "worst": [c.id for c in outcome.worst],
    }


Location = tuple[str, "int | None"]  # (file path as the user would open it, 1-based line)


# Control characters other than CR and LF (which the runner decodes from %0D and %0A) as
# escapes, "\x1b": an id holding ESC put a terminal escape into the CI log (QA 15c #11).
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (10, 13)}


def _escape_data(text: str) -> str:
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.translate(_CONTROLS)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _where(article_id: str, locations: Mapping[str, Location], *, record_id: bool = False) -> str:
    """Return where an article is, as an annotation names it: its file (FILE:LINE for a
    JSONL record, led by the id with `record_id`), or a crawl's page by its URI and the
    archive holding it (not "of crawl.warc")."""
    path, line = locations.get(article_id, (article_id, None))
    where = path if line is None else f"{path}:{line}"
    if path.lower().endswith((".warc", ".warc.gz")):
        return f"{article_id} (in {where})"
    return f"{article_id} ({where})" if record_id and line is not None else where


def github_annotations(
    result: DedupResult, outcome: GateOutcome, locations: Mapping[str, Location]
) -> str:
    """Return GitHub workflow commands: one annotation per duplicate article, then a summary.

    Each points at the duplicate's file (and line, for JSONL) and names the representative
    kept in its place. Annotations are errors when the gate failed, warnings when it passed.
    """
    level = "warning" if outcome.passed else "error"
    stories = result.clusters_are_stories
    lines = []
    for cluster in result.clusters:
        rep_where = _where(cluster.representative, locations)
        for member in cluster.members:
            if member.id == cluster.representative:
                continue
            path, line = locations.get(member.id, (member.id, None))
            props = f"file={_escape_property(path)}"
            if line is not None:
                props += f",line={line}"
            if stories:
                title = f"Another report of the story of {cluster.representative}"
                message = (
                    f"{member.id} reports the story of {rep_where} "
                    f"(story similarity {member.similarity:.2f}, story {cluster.id}: "
                    f"{cluster.size} articles)"
                )
            elif via := member.admitted_through(cluster.representative):
                # Its similarity is that of the pair that admitted it (QA 19b #1); a JSONL
                # record by its id too: file:line alone hid which member it is.
                via_where = _where(via, locations, record_id=True)
                title = f"Near-duplicate of {cluster.representative}"
                message = (
                    f"{member.id} is a near-duplicate of {via_where} "
                    f"(similarity {member.similarity:.2f}), a copy of {rep_where} "
                    f"(cluster {cluster.id}: {cluster.size} articles)"
                )
            else:
                title = f"Near-duplicate of {cluster.representative}"
                message = (
                    f"{member.id} is a near-duplicate of {rep_where} "
                    f"(similarity {member.similarity:.2f}, cluster {cluster.id}: "
                    f"{cluster.size} articles)"
                )
            props += f",title={_escape_property(title)}"
            lines.append(f"::{level} {props}::{_escape_data(message)}")
    verdict = "passed" if outcome.passed else "failed"
    lines.append(f"newsdedup check {verdict}: {outcome.reason}")
    return "\n".join(lines) + "\n"
