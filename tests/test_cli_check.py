"""`newsdedup check`: the CI gate's exit codes, formats, settings precedence, hook entry."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsdedup.cli
from newsdedup.cli import cli

from .conftest import ROOT, SEEDS, make_article, python_as_another_user, tree_digest

SEED_000 = "000_9e2556e38fb8484b.txt"
SEED_001 = "001_23e261e2bfe35961.txt"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Five articles: one story three times (2 duplicates, rate 0.4) and two strangers."""
    root = tmp_path / "corpus"
    root.mkdir()
    story = make_article(1)
    for name in ("a.txt", "b.txt", "c.txt"):
        (root / name).write_text(story, encoding="utf-8")
    (root / "d.txt").write_text(make_article(2), encoding="utf-8")
    (root / "e.txt").write_text(make_article(3), encoding="utf-8")
    return root


class TestSeeds:
    def test_rate_budget_of_a_tenth_fails_and_names_000_and_001(self):
        """On seeds/, --max-duplicate-rate 0.1 exits 1 and names both copies."""
        result = run("check", str(SEEDS), "--max-duplicate-rate", "0.1")
        assert result.exit_code == 1
        assert "check failed" in result.stdout
        assert "0.2000 is over 0.1" in result.stdout
        assert SEED_000 in result.stdout
        assert SEED_001 in result.stdout

    def test_rate_budget_of_a_quarter_passes(self):
        """On seeds/, --max-duplicate-rate 0.25 exits 0."""
        result = run("check", str(SEEDS), "--max-duplicate-rate", "0.25")
        assert result.exit_code == 0, result.stderr
        assert "check passed" in result.stdout

    def test_seeds_are_untouched(self):
        """Running the gate never changes the input."""
        before = tree_digest(SEEDS)
        run("check", str(SEEDS), "--format", "github")
        assert tree_digest(SEEDS) == before


class TestExitCodes:
    def test_count_budget(self, corpus):
        """--max-duplicates: 2 duplicates pass a budget of 2 and fail a budget of 1."""
        assert run("check", str(corpus), "--max-duplicates", "2").exit_code == 0
        assert run("check", str(corpus), "--max-duplicates", "1").exit_code == 1

    def test_no_budget_fails_on_any_duplicate(self, corpus, tmp_path):
        """Without a budget, any duplicate fails; a corpus without copies passes."""
        assert run("check", str(corpus)).exit_code == 1
        clean = tmp_path / "clean"
        clean.mkdir()
        for seed in (5, 6):
            (clean / f"{seed}.txt").write_text(make_article(seed), encoding="utf-8")
        assert run("check", str(clean)).exit_code == 0

    def test_bad_budget_is_a_usage_error(self, corpus):
        """A rate above 1 is a usage error (exit 2)."""
        result = run("check", str(corpus), "--max-duplicate-rate", "1.5")
        assert result.exit_code == 2

    def test_nothing_readable_is_an_input_error(self, tmp_path):
        """A folder with no readable article exits 3 with one line."""
        (tmp_path / "empty.txt").write_bytes(b"")
        result = run("check", str(tmp_path), "--max-duplicates", "5")
        assert result.exit_code == 3
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
        assert len(errors) == 1
        assert "no readable articles" in errors[0]
        assert "Traceback" not in result.stderr

    def test_bad_file_under_strict_is_an_input_error_naming_it(self, corpus):
        """--strict turns a binary file into exit 3, naming the file."""
        (corpus / "z.txt").write_bytes(b"\x00\x01binary")
        assert run("check", str(corpus), "--max-duplicates", "5").exit_code == 0
        result = run("check", str(corpus), "--max-duplicates", "5", "--strict")
        assert result.exit_code == 3
        assert "z.txt" in result.stderr

    def test_internal_error_is_one_line_exit_4_and_debug_shows_traceback(self, corpus, monkeypatch):
        """An unexpected exception exits 4 with one line; --debug adds the traceback."""

        def boom(*args, **kwargs):
            raise RuntimeError("kaboom")

        monkeypatch.setattr(newsdedup.cli, "run_scan", boom)
        result = run("check", str(corpus))
        assert result.exit_code == 4
        assert result.stderr.strip().splitlines() == [
            "error: internal error: RuntimeError: kaboom "
            "(rerun as `newsdedup --debug COMMAND ...` for the traceback)"
        ]
        debug = run("--debug", "check", str(corpus))
        assert debug.exit_code == 4
        assert "Traceback" in debug.stderr


class TestFormats:
    def test_json_carries_gate_and_report(self, corpus):
        """--format json: the scan report plus a `gate` object; exit code still 1."""
        result = run("check", str(corpus), "--max-duplicate-rate", "0.3", "--format", "json")
        assert result.exit_code == 1
        report = json.loads(result.stdout)
        assert report["gate"]["passed"] is False
        assert report["gate"]["max_duplicate_rate"] == 0.3
        assert report["gate"]["duplicate_rate"] == 0.4
        assert report["summary"]["duplicates"] == 2
        assert report["clusters"][0]["representative"] == "a.txt"

    def test_gate_rate_in_json_agrees_with_its_verdict(self, tmp_path):
        """gate.duplicate_rate was rounded to 4 places: 1 of 3 showed 0.3333, under a budget
        of 0.33333, beside passed: false. A script re-deriving the verdict from the JSON
        must get the gate's answer."""
        import shutil

        for name in sorted(p.name for p in SEEDS.glob("*.txt"))[:3]:
            shutil.copy(SEEDS / name, tmp_path / name)
        result = run("check", str(tmp_path), "--max-duplicate-rate", "0.33333", "--format", "json")
        assert result.exit_code == 1, result.output
        gate = json.loads(result.stdout)["gate"]
        assert gate["passed"] is False
        assert gate["duplicate_rate"] > gate["max_duplicate_rate"]

    def test_github_gives_one_error_per_duplicate_at_its_file(self, corpus):
        """--format github: one ::error per duplicate, file= its path, naming the kept one."""
        result = run("check", str(corpus), "--format", "github")
        assert result.exit_code == 1
        errors = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
        assert len(errors) == 2
        for name, line in zip(("b.txt", "c.txt"), errors, strict=True):
            path = (corpus / name).as_posix()
            assert line.startswith(f"::error file={path.replace(':', '%3A')},title=")
            assert f"near-duplicate of {(corpus / 'a.txt').as_posix()}" in line
            # Not "cluster 1 of 3 articles", which read as "the first of three".
            assert line.endswith(", cluster 1: 3 articles)")

    def test_github_paths_are_relative_to_the_checkout(self, corpus, monkeypatch):
        """An absolute corpus path inside the working directory is annotated relative to it."""
        monkeypatch.chdir(corpus.parent)
        result = run("check", str(corpus.resolve()), "--format", "github")
        assert "::error file=corpus/b.txt,title=" in result.stdout

    @pytest.mark.parametrize(
        ("given", "cwd", "files"),
        [
            (["articles/2024/a.txt", "articles/2025/a.txt"], ".", None),
            (["n.txt", "../q/n.txt"], "p", ["p/n.txt", "q/n.txt"]),
            (["day", "../y/day"], "x", ["x/day/a.txt", "y/day/a.txt"]),
        ],
    )
    def test_github_paths_of_one_name_point_at_the_files(
        self, tmp_path, monkeypatch, given, cwd, files
    ):
        """Paths of one name get ids with more folders ('2024/a.txt'); the annotation still
        points at the file as given (it pointed at the id, a file that is not there) and
        names the kept one as given (not by an absolute path)."""
        story = make_article(8)
        for place in files or given:
            (tmp_path / place).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / place).write_text(story, encoding="utf-8")
        monkeypatch.chdir(tmp_path / cwd)
        result = run("check", *given, "--format", "github")
        assert result.exit_code == 1
        (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("::error")]
        found = re.fullmatch(
            r"::error file=([^,]+),title=.* is a near-duplicate of (\S+) \(.*", line
        )
        assert found, line
        named = {found[1], found[2]}
        # Folders given name their files below them; files are named as given.
        want = {g for g in given if g.endswith(".txt")} or {f"{g}/a.txt" for g in given}
        assert named == want, line
        assert all(Path(name).is_file() for name in named)

    def test_github_points_jsonl_records_at_their_line(self, tmp_path):
        """For JSONL, the annotation carries the record's line."""
        story = make_article(4)
        path = tmp_path / "c.jsonl"
        rows = [{"id": "x", "text": story}, {"id": "y", "text": make_article(5)}]
        rows.append({"id": "z", "text": story})
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        result = run("check", str(path), "--format", "github")
        assert result.exit_code == 1
        assert f"::error file={path.as_posix()},line=3," in result.stdout.replace("%3A", ":")

    def test_github_annotations_carry_no_raw_control_character(self, tmp_path):
        """QA 15c #11: an id holding ESC went into the annotation raw (a terminal escape in
        the CI log); newlines were escaped. Every control character is now shown escaped."""
        story = make_article(4)
        path = tmp_path / "c.jsonl"
        rows = [{"id": "a\u001b[31m", "text": story}, {"id": "b\u0007", "text": story}]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        result = run("check", str(path), "--format", "github")
        assert result.exit_code == 1
        annotation = result.stdout.splitlines()[0]
        assert "\\x1b[31m" in annotation
        assert "\\x07" in annotation
        assert not any(ch < " " or "\x7f" <= ch < "\xa0" for ch in result.stdout.replace("\n", ""))

    def test_output_file_gets_the_report(self, corpus, tmp_path):
        """-o writes the report to a file; stdout stays empty; the exit code is kept."""
        out = tmp_path / "gate.json"
        result = run("check", str(corpus), "--format", "json", "-o", str(out))
        assert result.exit_code == 1
        assert result.stdout == ""
        assert json.loads(out.read_text(encoding="utf-8"))["gate"]["passed"] is False


class TestSettingsPrecedence:
    def test_settings_file_sets_the_budget(self, corpus):
        """newsdedup.toml beside the corpus sets the budget when no flag is given."""
        (corpus / "newsdedup.toml").write_text("max_duplicate_rate = 0.5\n", encoding="utf-8")
        assert run("check", str(corpus)).exit_code == 0

    def test_flag_overrides_settings_file(self, corpus):
        """A flag beats the file: the file allows 0.5, the flag 0.1, so the gate fails."""
        (corpus / "newsdedup.toml").write_text("max_duplicate_rate = 0.5\n", encoding="utf-8")
        assert run("check", str(corpus), "--max-duplicate-rate", "0.1").exit_code == 1

    def test_file_overrides_defaults_of_dedup_options(self, corpus):
        """A file threshold of 1.0 plus a tiny containment changes nothing for exact copies,
        but `glob` from the file changes which files are read."""
        (corpus / "newsdedup.toml").write_text('glob = "[de].txt"\n', encoding="utf-8")
        result = run("check", str(corpus), "--format", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["summary"]["articles"] == 2
        flagged = run("check", str(corpus), "--format", "json", "--glob", "*.txt")
        assert json.loads(flagged.stdout)["summary"]["articles"] == 5

    def test_pyproject_table_in_a_parent_folder_applies(self, corpus):
        """[tool.newsdedup] in a pyproject.toml above the corpus applies too."""
        (corpus.parent / "pyproject.toml").write_text(
            "[tool.newsdedup]\nmax_duplicates = 2\n", encoding="utf-8"
        )
        assert run("check", str(corpus)).exit_code == 0

    def test_explicit_config_file(self, corpus, tmp_path):
        """--config names the file to use instead of looking beside the corpus."""
        config = tmp_path / "ci.toml"
        config.write_text("max_duplicates = 2\n", encoding="utf-8")
        assert run("check", str(corpus), "--config", str(config)).exit_code == 0

    @pytest.mark.parametrize(
        "body", ["max_duplicate_rat = 0.5\n", "max_duplicate_rate = 2\n", "threshold = 'x'\n"]
    )
    def test_unknown_key_or_bad_value_is_one_line_exit_2(self, corpus, body):
        """An unknown key or a bad value exits 2 with one line naming the file."""
        (corpus / "newsdedup.toml").write_text(body, encoding="utf-8")
        before = tree_digest(corpus)
        result = run("check", str(corpus))
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: ")
        assert "newsdedup.toml" in lines[0]
        assert tree_digest(corpus) == before


class TestPreCommitHook:
    def hook(self) -> dict[str, str]:
        text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
        return dict(re.findall(r"^(?:- |\s+)(\w+): (.+)$", text, flags=re.MULTILINE))

    def test_hook_entry_is_the_installed_console_script(self):
        """The hook's entry runs `newsdedup check`, a script pyproject.toml installs."""
        hook = self.hook()
        assert hook["id"] == "newsdedup-check"
        assert hook["language"] == "python"
        assert hook["pass_filenames"] == "false"
        program, command = shlex.split(hook["entry"])
        scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        assert scripts["project"]["scripts"][program] == "newsdedup.cli:main"
        assert command == "check"

    def test_hook_entry_runs_and_fails_over_budget(self):
        """Running the entry as pre-commit would (entry + args) exits 1 on seeds/ at 0.1."""
        hook = self.hook()
        script = Path(sys.executable).parent / shlex.split(hook["entry"])[0]
        if not script.exists():
            pytest.skip("newsdedup console script not installed in this environment")
        args = [*shlex.split(hook["entry"])[1:], str(SEEDS), "--max-duplicate-rate", "0.1"]
        proc = subprocess.run([str(script), *args], capture_output=True, text=True, check=False)
        assert proc.returncode == 1
        assert SEED_001 in proc.stdout


def test_story_level_check_speaks_of_stories_not_copies():
    """check --level story gates reports of one event; it said 'near-duplicate', 'keep ★,
    drop the rest' and '1 duplicate cluster' of articles at story similarity 0.15."""
    text = run("check", str(SEEDS), "--level", "story")
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    assert lines[1] == "Largest stories (★ the representative report):"
    assert lines[2].startswith("  story 1 · 5 articles · ★ ")
    assert lines[-1] == "5 articles · 1 story of two or more · 4 further reports (80.0%)"
    github = run("check", str(SEEDS), "--level", "story", "--format", "github").stdout
    assert "near-duplicate" not in github.lower()
    assert ",title=Another report of the story of 001_23e261e2bfe35961.txt::" in github
    copies = run("check", str(SEEDS), "--format", "github").stdout
    assert ",title=Near-duplicate of 001_23e261e2bfe35961.txt::" in copies


class TestUnreadableFolder:
    """A folder inside the corpus that may not be listed is reported, never passed over."""

    @pytest.fixture
    def as_user(self):
        """Run newsdedup as a user who cannot read a chmod-000 folder (root reads all)."""
        python = python_as_another_user() if os.geteuid() == 0 else [sys.executable]

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            argv = [*python, "-m", "newsdedup", *args]
            return subprocess.run(argv, capture_output=True, text=True)

        return run

    def test_check_scan_and_explain_name_the_folder(self, as_user):
        """check --strict stops (exit 3: it passed on a corpus it had not read), scan lists
        the folder as skipped, and explain says the file cannot be read (was exit 4)."""
        shared = Path(tempfile.mkdtemp(prefix="newsdedup-locked-"))  # tmp_path is root's only
        locked = shared / "c" / "locked"
        try:
            shared.chmod(0o755)
            locked.mkdir(parents=True)
            for seed in sorted(SEEDS.glob("*.txt")):
                shutil.copy(seed, shared / "c" / seed.name)
            first = sorted(SEEDS.glob("*.txt"))[0]
            shutil.copy(first, locked / "x.txt")  # a third copy, out of sight
            (shared / "c").chmod(0o755)
            locked.chmod(0o000)
            corpus = str(shared / "c")

            strict = as_user("check", corpus, "--strict", "--max-duplicates", "1")
            assert strict.returncode == 3, strict.stderr
            assert strict.stderr == "error: locked: cannot read folder: Permission denied\n"

            scanned = as_user("scan", corpus, "--format", "json")
            assert scanned.returncode == 0, scanned.stderr
            report = json.loads(scanned.stdout)
            assert report["skipped"] == [
                {"source": "locked", "problem": "cannot read folder: Permission denied"}
            ]
            assert report["summary"]["skipped"] == 1
            assert "warning: locked: cannot read folder: Permission denied" in scanned.stderr

            explained = as_user("explain", str(shared / "c" / first.name), str(locked / "x.txt"))
            assert explained.returncode == 3, explained.stderr
            assert explained.stderr.startswith(f"error: {locked / 'x.txt'}: cannot read: ")

            # The folder given as the path itself: an input error, exit 3 (it was click's
            # usage error, exit 2, "Path ... is not readable").
            alone = as_user("scan", str(locked))
            assert alone.returncode == 3, alone.stderr
            assert "cannot read folder: Permission denied (skipped)" in alone.stderr
            assert "no readable articles found" in alone.stderr

            # A folder that can be listed but not entered (mode 444): its files are named
            # and skipped (the run was an internal error, exit 4).
            locked.chmod(0o444)
            listed = as_user("scan", corpus, "--format", "json")
            assert listed.returncode == 0, listed.stderr
            assert json.loads(listed.stdout)["skipped"] == [
                {"source": "locked/x.txt", "problem": "cannot read: Permission denied"}
            ]
        finally:
            locked.chmod(0o755)
            shutil.rmtree(shared)


def _chain(tmp_path):
    """a, b with 9 words changed in its first half, c as b with 9 more changed in its second:
    a-b and b-c are copies, a-c is not (Jaccard ~0.63, containment ~0.77)."""
    words = " ".join(make_article(41, 10).split("\n\n")).split()
    b = list(words)
    c = list(words)
    half = len(words) // 2
    for i in range(9):
        b[10 + i * (half - 20) // 9] = c[10 + i * (half - 20) // 9] = f"qqb{i}"
        c[half + 10 + i * (half - 20) // 9] = f"qqc{i}"
    folder = tmp_path / "chain"
    folder.mkdir()
    for name, text in (("a.txt", words), ("b.txt", b), ("c.txt", c)):
        (folder / name).write_text(" ".join(text) + "\n", encoding="utf-8")
    return folder


def test_a_member_admitted_through_another_names_it_in_every_format(tmp_path):
    """QA 19b #1: c.txt, a copy of b.txt but not of the representative a.txt, was shown
    with its similarity to b.txt beside a.txt in the table, CSV, JSONL, check and GitHub
    annotations (only JSON had `via`): a pair stated above the threshold that does not
    verify."""
    folder = _chain(tmp_path)
    data = json.loads(run("scan", str(folder), "--format", "json").stdout)
    members = {m["id"]: m.get("via") for m in data["clusters"][0]["members"]}
    assert members == {"a.txt": None, "b.txt": "a.txt", "c.txt": "b.txt"}
    csv_rows = run("scan", str(folder), "--format", "csv").stdout.splitlines()
    assert csv_rows[0].endswith(",via")
    assert csv_rows[3].startswith("c.txt,1,a.txt,")
    assert csv_rows[3].endswith(",b.txt")
    assert csv_rows[2].endswith(",")
    rows = [
        json.loads(r) for r in run("scan", str(folder), "--format", "jsonl").stdout.splitlines()
    ]
    assert [r["via"] for r in rows] == [None, None, "b.txt"]
    assert "via b.txt" in run("scan", str(folder)).stdout
    assert re.search(r"c\.txt \(0\.\d\d via b\.txt\)", run("check", str(folder)).stdout)
    github = run("check", str(folder), "--format", "github").stdout
    line = next(ln for ln in github.splitlines() if "file=" in ln and "c.txt" in ln.split("::")[1])
    assert "near-duplicate of " in line
    assert "b.txt (similarity" in line


def test_github_names_the_jsonl_record_a_chained_copy_copies_by_id(tmp_path):
    """QA 20b #8: in a JSONL corpus the member a chained copy copies was named by file and
    line alone ("mix.jsonl:74"), never by its id."""
    folder = _chain(tmp_path)
    src = tmp_path / "chain.jsonl"
    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(folder.iterdir())]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    github = run("check", str(src), "--format", "github").stdout
    line = next(ln for ln in github.splitlines() if "::c is a near-duplicate" in ln)
    assert f"near-duplicate of b ({src}:2)" in line


def test_summary_and_verdict_lines_never_wrap_in_a_narrow_log(corpus: Path):
    """QA 27 #6: piped to a CI log (rich's 80 columns), the summary broke mid-phrase ("1
    too" / "short to compare"), so a grep for it missed. Summary, verdict and heading are one
    line at any width."""
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", str(corpus), "--max-duplicate-rate", "0.1"], env={"COLUMNS": "30"}
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "5 articles · 1 duplicate cluster · 2 duplicates (40.0%) · 1 skipped" in lines
    assert "✗ check failed: duplicate rate 0.4000 is over 0.1" in lines
    assert "Largest clusters (keep ★, drop the rest):" in lines
