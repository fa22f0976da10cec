"""The gate: budgets, the default policy, and GitHub annotations."""

from __future__ import annotations

import pytest

from newsdedup.errors import ConfigError
from newsdedup.gate import (
    STRICT_POLICY,
    GatePolicy,
    effective_policy,
    evaluate_gate,
    github_annotations,
    outcome_to_dict,
)
from newsdedup.records import Cluster, DedupResult, Member


def result_with(sizes: list[int], articles: int) -> DedupResult:
    clusters = []
    for n, size in enumerate(sizes, start=1):
        members = tuple(
            Member(id=f"c{n}/m{i}.txt", similarity=1.0 if i == 0 else 0.9) for i in range(size)
        )
        clusters.append(Cluster(id=n, representative=f"c{n}/m0.txt", members=members))
    return DedupResult(params={}, articles=articles, clusters=tuple(clusters))


class TestEvaluateGate:
    def test_rate_over_budget_fails_and_names_largest_clusters(self):
        """A rate above the budget fails, says so, and lists the clusters, largest first."""
        outcome = evaluate_gate(result_with([3, 2], 10), GatePolicy(max_duplicate_rate=0.2))
        assert not outcome.passed
        assert "0.3000 is over 0.2" in outcome.reason
        assert [c.size for c in outcome.worst] == [3, 2]

    def test_a_rate_just_over_the_budget_reads_over_it(self):
        """1 of 3 against 0.3333 fails, and the message shows why: it said 'duplicate rate
        0.3333 is over 0.3333'."""
        outcome = evaluate_gate(result_with([2], 3), GatePolicy(max_duplicate_rate=0.3333))
        assert not outcome.passed
        assert outcome.reason == "duplicate rate 0.33333 is over 0.3333"

    def test_rate_at_budget_passes(self):
        """A rate equal to the budget passes (the budget is inclusive)."""
        outcome = evaluate_gate(result_with([3], 10), GatePolicy(max_duplicate_rate=0.2))
        assert outcome.passed
        assert outcome.worst == ()

    def test_count_budget_fails_above_count(self):
        """max_duplicates fails once the duplicate count exceeds it."""
        assert not evaluate_gate(result_with([3], 10), GatePolicy(max_duplicates=1)).passed
        assert evaluate_gate(result_with([3], 10), GatePolicy(max_duplicates=2)).passed

    def test_both_budgets_must_hold(self):
        """With a rate and a count, breaking either one fails the gate."""
        policy = GatePolicy(max_duplicate_rate=0.9, max_duplicates=0)
        assert not evaluate_gate(result_with([2], 10), policy).passed

    def test_bad_budgets_are_config_errors(self):
        """A rate outside [0, 1] or a negative count is a ConfigError."""
        with pytest.raises(ConfigError):
            GatePolicy(max_duplicate_rate=1.5)
        with pytest.raises(ConfigError):
            GatePolicy(max_duplicates=-1)


class TestEffectivePolicy:
    def test_no_budget_means_no_duplicates_allowed(self):
        """With neither budget set, the check allows zero duplicates."""
        assert effective_policy(GatePolicy()) == STRICT_POLICY
        assert not evaluate_gate(result_with([2], 10), effective_policy(GatePolicy())).passed

    def test_a_given_budget_is_kept(self):
        """A policy with a budget is returned unchanged."""
        policy = GatePolicy(max_duplicate_rate=0.5)
        assert effective_policy(policy) is policy

    def test_outcome_dict_names_policy_and_worst_clusters(self):
        """The JSON form of the outcome carries the verdict, the budgets and the worst ids."""
        policy = GatePolicy(max_duplicates=0)
        data = outcome_to_dict(evaluate_gate(result_with([2], 4), policy), policy)
        assert data == {
            "passed": False,
            "reason": "1 duplicate is over the budget of 0",
            "duplicates": 1,
            "duplicate_rate": 0.25,
            "max_duplicate_rate": None,
            "max_duplicates": 0,
            "worst": [1],
        }


class TestGithubAnnotations:
    def test_one_error_per_duplicate_pointing_at_file_and_representative(self):
        """Each non-representative member gets one ::error naming its file and the kept one."""
        result = result_with([3], 10)
        outcome = evaluate_gate(result, GatePolicy(max_duplicates=0))
        locations = {f"c1/m{i}.txt": (f"corpus/c1/m{i}.txt", None) for i in range(3)}
        lines = github_annotations(result, outcome, locations).splitlines()
        errors = [ln for ln in lines if ln.startswith("::error ")]
        assert len(errors) == 2
        expected = "::error file=corpus/c1/m1.txt,title=Near-duplicate of c1/m0.txt::"
        assert errors[0].startswith(expected)
        assert "corpus/c1/m0.txt" in errors[0].split("::", 2)[2]
        assert lines[-1].startswith("newsdedup check failed")

    def test_passing_gate_gives_warnings_and_jsonl_lines(self):
        """A passing gate annotates with ::warning, and a JSONL record gets line=N."""
        result = result_with([2], 10)
        outcome = evaluate_gate(result, GatePolicy(max_duplicates=5))
        locations = {"c1/m0.txt": ("c.jsonl", 1), "c1/m1.txt": ("c.jsonl", 7)}
        first = github_annotations(result, outcome, locations).splitlines()[0]
        assert first.startswith("::warning file=c.jsonl,line=7,title=")
        assert "c.jsonl:1" in first

    def test_properties_and_message_are_escaped(self):
        """Commas, colons, percent signs and newlines cannot break the workflow command."""
        result = DedupResult(
            params={},
            articles=2,
            clusters=(
                Cluster(
                    id=1,
                    representative="a,b:c",
                    members=(
                        Member(id="a,b:c", similarity=1.0),
                        Member(id="x%\ny", similarity=0.8),
                    ),
                ),
            ),
        )
        outcome = evaluate_gate(result, GatePolicy(max_duplicates=0))
        line = github_annotations(result, outcome, {}).splitlines()[0]
        props, message = line.split("::")[1], line.split("::", 2)[2]
        assert "file=x%25%0Ay" in props
        assert "title=Near-duplicate of a%2Cb%3Ac" in props
        assert "\n" not in line
        assert message.startswith("x%25%0Ay is a near-duplicate of a,b:c")
