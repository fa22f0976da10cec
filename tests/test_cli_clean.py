"""`newsdedup clean` end to end: formats, folder templates, bad input, input untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli

from .conftest import SEEDS, make_article, tree_digest
from .test_boilerplate import SEED_DROPPED

SEED_003 = SEEDS / "003_25dd2bb96c5c1c17.txt"
MENU = "Sports Desk\nWeather Today\nCars and Bikes\n"
FOOTER = "\nAbout the Gazette\nJobs at the Gazette\nGazette Events\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Six different articles from one site sharing its menu and footer."""
    root = tmp_path / "site"
    root.mkdir()
    for i in range(6):
        (root / f"a{i}.txt").write_text(MENU + "\n" + make_article(20 + i, 3) + "\n" + FOOTER)
    return root


class TestCleanText:
    def test_text_prints_the_kept_article_only(self):
        """`text` is the kept lines of 003: no paywall, comments, footer or second copy."""
        result = run("clean", str(SEED_003))
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert out.startswith("Seoul/Moscow — Russian foreign minister Sergei Lavrov arrived")
        assert out.count("The two ships have moved several hundred containers") == 1
        for gone in ("Support our award-winning", "Would you like to comment", "Published by"):
            assert gone not in out
        assert result.stderr == ""

    def test_show_dropped_marks_each_dropped_line_with_its_reason(self):
        """--show-dropped prints every line; dropped ones start with '- ' and their reason."""
        result = run("clean", str(SEED_003), "--show-dropped")
        assert result.exit_code == 0
        lines = result.stdout.split("\n")[:-1]
        assert len(lines) == len(SEED_003.read_text(encoding="utf-8").split("\n"))
        marked = {n + 1: line.split()[1] for n, line in enumerate(lines) if line.startswith("- ")}
        assert marked == SEED_DROPPED[SEED_003.name]

    def test_a_folder_prints_each_article_under_a_header(self):
        """Several articles: one '==> id <==' header each, in id order."""
        result = run("clean", str(SEEDS))
        assert result.exit_code == 0
        headers = [ln for ln in result.stdout.split("\n") if ln.startswith("==> ")]
        assert headers == [f"==> {name} <==" for name in sorted(SEED_DROPPED)]


class TestCleanJson:
    def test_json_of_one_file_is_one_object_with_every_line(self):
        """JSON: source, id, one entry per original line (1-based n, kept, reason), text."""
        result = run("clean", str(SEED_003), "--format", "json")
        assert result.exit_code == 0
        data = json.loads(result.stdout)
        assert list(data) == ["source", "id", "lines", "text"]
        assert data["source"] == SEED_003.name
        raw = SEED_003.read_text(encoding="utf-8").split("\n")
        assert [ln["n"] for ln in data["lines"]] == list(range(1, len(raw) + 1))
        assert data["lines"][4] == {"n": 5, "kept": False, "reason": "paywall"}
        assert data["lines"][6] == {"n": 7, "kept": True, "reason": None}
        kept = [raw[ln["n"] - 1] for ln in data["lines"] if ln["kept"]]
        assert data["text"] == "\n".join(kept)

    def test_json_of_a_folder_is_an_array_in_id_order(self):
        """A folder gives an array of those objects, sorted by id."""
        data = json.loads(run("clean", str(SEEDS), "--format", "json").stdout)
        assert [d["id"] for d in data] == sorted(SEED_DROPPED)

    def test_jsonl_has_one_object_per_article(self):
        """JSONL: one compact object per line."""
        result = run("clean", str(SEEDS), "--format", "jsonl")
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["id"] for r in rows] == sorted(SEED_DROPPED)

    def test_a_folder_learns_templates_over_all_its_files(self, site):
        """In a folder, the site's shared lines go as 'template'; alone, a file keeps them."""
        data = json.loads(run("clean", str(site), "--format", "json").stdout)
        for item in data:
            reasons = {ln["n"]: ln["reason"] for ln in item["lines"]}
            assert reasons[2] == "template"  # "Weather Today"
            assert "Gazette" not in item["text"]
            assert "Weather Today" not in item["text"]
        alone = json.loads(run("clean", str(site / "a0.txt"), "--format", "json").stdout)
        assert all(ln["reason"] != "template" for ln in alone["lines"])

    def test_no_templates_and_no_boilerplate_flags(self, site):
        """--no-templates learns nothing; --no-boilerplate keeps every non-blank line."""
        data = json.loads(run("clean", str(site), "--format", "json", "--no-templates").stdout)
        assert all(ln["reason"] != "template" for d in data for ln in d["lines"])
        bare = json.loads(
            run(
                "clean", str(site / "a0.txt"), "--format", "json", "--no-templates",
                "--no-boilerplate",
            ).stdout
        )  # fmt: skip
        assert {ln["reason"] for ln in bare["lines"] if not ln["kept"]} <= {"blank", "repeated"}

    def test_output_file_is_written_and_input_untouched(self, site, tmp_path):
        """-o writes the JSON to a file; the input folder's bytes do not change."""
        before = tree_digest(site)
        target = tmp_path / "out.json"
        result = run("clean", str(site), "--format", "json", "-o", str(target))
        assert result.exit_code == 0
        assert result.stdout == ""
        assert len(json.loads(target.read_text(encoding="utf-8"))) == 6
        assert tree_digest(site) == before

    def test_same_bytes_under_different_hash_seeds(self):
        """Two processes with different PYTHONHASHSEED write identical JSON."""
        outs = []
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            proc = subprocess.run(
                [sys.executable, "-m", "newsdedup", "clean", str(SEEDS), "--format", "json"],
                capture_output=True,
                env=env,
                check=True,
            )
            outs.append(proc.stdout)
        assert outs[0] == outs[1]


class TestCleanErrors:
    def test_show_dropped_with_json_is_a_usage_error(self):
        """--show-dropped only goes with text: exit 2 and a message naming the option."""
        result = run("clean", str(SEED_003), "--format", "json", "--show-dropped")
        assert result.exit_code == 2
        assert "--show-dropped" in result.stderr

    def test_a_missing_path_is_a_usage_error(self, tmp_path):
        """A path that does not exist: exit 2."""
        result = run("clean", str(tmp_path / "nope.txt"))
        assert result.exit_code == 2

    def test_a_binary_file_is_an_input_error_naming_the_file(self, tmp_path):
        """Nothing readable: exit 3, one line naming the file, no traceback."""
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\x00\x01\x02 binary")
        result = run("clean", str(bad))
        assert result.exit_code == 3
        assert "bad.txt" in result.stderr
        assert "Traceback" not in result.stderr

    def test_an_empty_folder_is_an_input_error(self, tmp_path):
        """A folder with no articles: exit 3 and a message on stderr."""
        result = run("clean", str(tmp_path))
        assert result.exit_code == 3
        assert result.stderr.startswith("error:")

    def test_clean_has_help(self):
        """`clean --help` describes the command and its formats."""
        result = run("clean", "--help")
        assert result.exit_code == 0
        assert "--show-dropped" in result.stdout
        assert "json" in result.stdout


def test_json_lines_are_the_lines_of_the_file(tmp_path):
    """A file ending in a newline got one line more than it has ('n': 2, 'blank' for a
    one-line file); `--show-dropped` printed an extra blank line at the end."""
    one = tmp_path / "s.txt"
    one.write_text("Short one.\n", encoding="utf-8")
    record = json.loads(run("clean", str(one), "--format", "json").stdout)
    assert record["lines"] == [{"n": 1, "kept": True, "reason": None}]
    seed = SEEDS / "001_23e261e2bfe35961.txt"
    record = json.loads(run("clean", str(seed), "--format", "json").stdout)
    assert len(record["lines"]) == seed.read_bytes().count(b"\n")  # what wc -l counts
    shown = run("clean", str(seed), "--show-dropped").stdout
    assert len(shown.splitlines()) == seed.read_bytes().count(b"\n")


def test_classic_mac_line_ends_are_lines(tmp_path):
    """A file with CR alone between lines was one line: nothing in it was cleaned, and its
    copy with LF ends scored 0.71 against it instead of 1.0."""
    story = (SEEDS / "003_25dd2bb96c5c1c17.txt").read_bytes()
    (tmp_path / "lf.txt").write_bytes(story)
    (tmp_path / "cr.txt").write_bytes(story.replace(b"\n", b"\r"))
    lines = json.loads(run("clean", str(tmp_path / "cr.txt"), "--format", "json").stdout)
    assert len(lines["lines"]) == len(story.splitlines())
    result = run("scan", str(tmp_path), "--format", "json")
    members = json.loads(result.stdout)["clusters"][0]["members"]
    assert [m["similarity"] for m in members] == [1.0, 1.0]
    assert (tmp_path / "cr.txt").read_bytes() == story.replace(b"\n", b"\r")  # input untouched


def test_ids_in_the_text_headers_are_escaped(tmp_path):
    """QA 19b #4: an id holding a newline split its `==> id <==` header, and one holding a
    terminal escape cleared the screen; they are escaped as `scan` shows ids."""
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "evil\x1b[2J", "text": make_article(1)},
        {"id": "new\nline", "text": make_article(2)},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for extra in ([], ["--show-dropped"]):
        out = run("clean", str(src), "-q", *extra).stdout
        assert "\x1b" not in out
        headers = [line for line in out.splitlines() if line.startswith("==>")]
        assert headers == ["==> evil\\x1b[2J <==", "==> new\\nline <=="]
