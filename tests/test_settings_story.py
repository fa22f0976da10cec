"""Settings files set the story level and threshold; `check --level story` gates on stories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli
from newsdedup.errors import ConfigError
from newsdedup.settings import read_settings

from .conftest import SEEDS, tree_digest

SEED_IDS = sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the seeds, so a settings file can sit beside them."""
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    return corpus


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def groups(report: dict) -> list[list[str]]:
    return [sorted(m["id"] for m in c["members"]) for c in report["clusters"]]


class TestStorySettings:
    def test_level_and_story_threshold_are_read_and_checked(self, tmp_path):
        """Both keys are accepted and mapped onto the flags of the same name."""
        path = tmp_path / "newsdedup.toml"
        path.write_text('level = "story"\nstory_threshold = 0.3\n', encoding="utf-8")
        assert read_settings(path).options() == {"level": "story", "story_threshold": 0.3}

    @pytest.mark.parametrize(
        ("line", "problem"),
        [
            ('level = "stories"', "level must be one of copy, story, both"),
            ("level = 2", "level must be a string"),
            ("story_threshold = 1.5", "story threshold must be in (0, 1]"),
            ('story_threshold = "high"', "story_threshold must be a number"),
        ],
    )
    def test_bad_values_name_the_file(self, tmp_path, line, problem):
        path = tmp_path / "newsdedup.toml"
        path.write_text(line + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=f"newsdedup.toml: {problem}".replace("(", r"\(")):
            read_settings(path)

    def test_scan_takes_the_level_from_the_settings_file_and_flags_win(self, seeds):
        """level = "story" makes scan group the five seeds; --level copy overrides the file."""
        (seeds / "newsdedup.toml").write_text('level = "story"\n', encoding="utf-8")
        before = tree_digest(seeds)
        code, out, _ = run("scan", str(seeds), "--format", "json")
        assert code == 0
        report = json.loads(out)
        assert groups(report) == [SEED_IDS]
        assert report["params"]["level"] == "story"
        code, out, _ = run("scan", str(seeds), "--format", "json", "--level", "copy")
        assert groups(json.loads(out)) == [SEED_IDS[:2]]
        assert tree_digest(seeds) == before

    def test_pyproject_story_threshold_reaches_the_story_config(self, seeds):
        """[tool.newsdedup] story_threshold = 0.99 is the threshold used: no two different
        reports are that close, so only the copy pair 000/001 stays one story."""
        (seeds / "pyproject.toml").write_text(
            '[tool.newsdedup]\nlevel = "story"\nstory_threshold = 0.99\n', encoding="utf-8"
        )
        code, out, _ = run("scan", str(seeds), "--format", "json")
        assert code == 0
        report = json.loads(out)
        assert report["params"]["story"]["threshold"] == 0.99
        assert groups(report) == [SEED_IDS[:2]]

    def test_a_bad_level_in_the_file_is_a_one_line_usage_error(self, seeds):
        (seeds / "newsdedup.toml").write_text('level = "all"\n', encoding="utf-8")
        code, out, err = run("scan", str(seeds))
        assert code == 2
        assert "newsdedup.toml" in err
        assert "level must be one of" in err
        assert "Traceback" not in err
        assert out == ""


class TestCheckLevel:
    def test_story_level_counts_other_reports_of_one_event_as_duplicates(self, seeds):
        """On seeds, copies: 1 duplicate (000/001); stories: 4 (five reports of one visit)."""
        code, out, _ = run("check", str(seeds), "--max-duplicates", "1", "--format", "json")
        assert code == 0
        assert json.loads(out)["gate"]["duplicates"] == 1
        code, out, _ = run(
            "check", str(seeds), "--max-duplicates", "1", "--level", "story", "--format", "json"
        )
        assert code == 1
        gate = json.loads(out)["gate"]
        assert gate["duplicates"] == 4
        assert not gate["passed"]

    def test_level_both_gates_on_copies_and_reports_stories(self, seeds):
        code, out, _ = run(
            "check", str(seeds), "--max-duplicates", "1", "--level", "both", "--format", "json"
        )
        assert code == 0
        report = json.loads(out)
        assert report["gate"]["duplicates"] == 1
        assert [sorted(m["id"] for m in s["members"]) for s in report["stories"]] == [SEED_IDS]

    def test_check_reads_the_level_from_the_settings_file(self, seeds):
        (seeds / "newsdedup.toml").write_text(
            'level = "story"\nmax_duplicates = 3\n', encoding="utf-8"
        )
        code, out, _ = run("check", str(seeds))
        assert code == 1
        assert "4 duplicates are over the budget of 3" in out
