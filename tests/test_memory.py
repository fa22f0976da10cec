"""Memory sizes, what the machine has free, and the story level's refusal to overrun it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli
from newsdedup.config import StoryConfig
from newsdedup.errors import ConfigError, MemoryLimitError
from newsdedup.memory import (
    available_memory,
    current_rss,
    format_size,
    headroom,
    memory_budget,
    parse_size,
)
from newsdedup.story import story_candidates

from .conftest import SEEDS


@pytest.mark.parametrize(
    ("text", "size"),
    [("512M", 512 << 20), ("16G", 16 << 30), ("1.5GiB", 3 << 29), ("2tb", 2 << 40), ("4096", 4096)],
)
def test_sizes_read_as_people_write_them(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "", "-1G", "0", "12X"])
def test_a_size_that_is_no_size_is_a_config_error(text):
    with pytest.raises(ConfigError):
        parse_size(text)


def test_sizes_print_in_the_unit_that_reads_best():
    assert [format_size(n) for n in (900, 300 << 10, 640 << 20, 38 << 30)] == [
        "900 bytes",
        "300 KB",
        "640 MB",
        "38.0 GB",
    ]


def test_available_memory_is_meminfo_lowered_to_a_container_limit(tmp_path: Path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 24000000 kB\nMemAvailable: 16000000 kB\n")
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    assert available_memory(meminfo, cgroup) == 16000000 * 1024  # no limit file: none set
    (cgroup / "memory.max").write_text("max\n")
    assert available_memory(meminfo, cgroup) == 16000000 * 1024
    (cgroup / "memory.max").write_text(f"{8 << 30}\n")
    (cgroup / "memory.current").write_text(f"{3 << 30}\n")
    assert available_memory(meminfo, cgroup) == 5 << 30
    assert available_memory(tmp_path / "none", tmp_path / "none") is None


def test_the_candidate_step_refuses_pairs_that_would_not_fit():
    """Checked before any pair is gathered: a budget of what the process holds already
    leaves no room for them."""
    vectors = [{"quake": 0.8, "turkey": 0.6}, {"quake": 0.8, "turkey": 0.6}, {"quake": 1.0}]
    assert story_candidates(vectors, StoryConfig()).tolist() == [[0, 1], [0, 2], [1, 2]]
    with (
        memory_budget(current_rss() + 1),
        pytest.raises(MemoryLimitError, match="candidate pairs among 3 articles"),
    ):
        story_candidates(vectors, StoryConfig())


def test_pairs_dated_apart_do_not_count_against_the_budget():
    """They are dropped as each band is read, so the check leaves them out: 200 reports of one
    kind of event, dated a year apart each, make no candidate and need no room; undated,
    they are refused."""
    vectors = [{"quake": 1.0}] * 200
    yearly = [365 * k for k in range(200)]
    with memory_budget(current_rss() + (8 << 20)):
        assert story_candidates(vectors, StoryConfig(), yearly).tolist() == []
        with pytest.raises(MemoryLimitError, match="candidate pairs among 200 articles"):
            story_candidates(vectors, StoryConfig())


def test_a_budget_holds_only_within_its_block():
    with memory_budget(64 << 30):
        have, budgeted = headroom()
        assert budgeted
        assert 0 < have < 64 << 30
    assert headroom()[1] is False
    with pytest.raises(ConfigError), memory_budget(0):
        pass


class TestCli:
    def test_a_story_scan_too_large_for_its_budget_stops_with_one_line(self, tmp_path: Path):
        out = tmp_path / "report.json"
        result = CliRunner().invoke(
            cli, ["scan", str(SEEDS), "--level", "both", "--max-memory", "1K", "-o", str(out)]
        )
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "needs about" in lines[0]
        assert "5 articles" in lines[0]
        assert "--level copy" in lines[0]
        assert "Traceback" not in result.output
        assert not out.exists()

    def test_a_budget_that_fits_changes_nothing(self):
        def scan(*extra: str) -> str:
            result = CliRunner().invoke(
                cli, ["scan", str(SEEDS), "--level", "both", "--format", "json", *extra]
            )
            assert result.exit_code == 0, result.stderr
            return result.stdout

        assert scan("--max-memory", "16G") == scan()

    def test_the_copy_level_needs_no_budget(self):
        result = CliRunner().invoke(cli, ["scan", str(SEEDS), "--max-memory", "1K"])
        assert result.exit_code == 0, result.stderr

    def test_a_bad_size_is_a_usage_error(self):
        result = CliRunner().invoke(cli, ["scan", str(SEEDS), "--max-memory", "lots"])
        assert result.exit_code == 2
        assert "--max-memory" in result.stderr

    def test_the_gate_reports_a_refusal_as_a_usage_error_not_a_failed_gate(self):
        """CI must tell "too many duplicates" (1) from "could not judge" (2)."""
        result = CliRunner().invoke(
            cli, ["check", str(SEEDS), "--level", "story", "--max-memory", "1K"]
        )
        assert result.exit_code == 2
        assert "needs about" in result.stderr


def test_the_scoring_steps_are_budgeted_too_not_only_the_candidates(monkeypatch):
    """--max-memory admitted a story scan on the candidates' cost alone, and the steps after
    them (neighbourhoods, second-order scores, average-link) took it to 1.8x the budget: 10k
    short texts of one small vocabulary, admitted at 700M, peaked at 1.29 GB. Their pairs
    that are close enough to score are now budgeted before those steps start."""
    import random

    from newsdedup import Article, DedupConfig, story
    from newsdedup.story import score_graph, story_docs

    words = (SEEDS / "002_9f6bd50664dbac58.txt").read_text(encoding="utf-8").split()[:80]
    rng = random.Random(3)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 10))) for _ in range(1500)]
    config = DedupConfig()
    docs = story_docs(
        [Article(id=f"t{i:05d}", text=t + ".", source="t") for i, t in enumerate(texts)], config
    )
    # Unbudgeted runs note where each check is made and what it asks for: the candidates
    # (~80 MB, 1.7M raw pairs), then the 420k close pairs' scoring (~126 MB).
    asked: list[tuple[str, int]] = []
    check = story.check_memory

    def noting(need: int, what: str) -> None:
        asked.append((what, current_rss() + need))
        check(need, what)

    monkeypatch.setattr(story, "check_memory", noting)
    for _ in range(2):  # the second run is what a third one holds: memory kept from the first
        asked.clear()
        score_graph(docs, config.story)
    (gather, gathered), (score, scored) = asked
    assert "candidate pairs" in gather
    assert "close story pairs among 1,500 articles" in score
    assert scored > gathered + (20 << 20), (gathered, scored)
    # A budget between the two totals admits the candidates and refuses the scoring.
    with (
        memory_budget((gathered + scored) // 2),
        pytest.raises(MemoryLimitError, match="close story pairs among 1,500 articles"),
    ):
        score_graph(docs, config.story)
