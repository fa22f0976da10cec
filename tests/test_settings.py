"""Settings files: discovery, validation, and what they map onto."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdedup.errors import ConfigError
from newsdedup.settings import KEYS, discover_settings, find_settings_file, read_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class TestFindSettingsFile:
    def test_newsdedup_toml_next_to_the_corpus_is_found(self, tmp_path):
        """A newsdedup.toml in the corpus folder applies to it."""
        own = write(tmp_path / "corpus" / "newsdedup.toml", "threshold = 0.8\n")
        assert find_settings_file(tmp_path / "corpus") == own.resolve()

    def test_parent_pyproject_with_table_is_found_for_a_file(self, tmp_path):
        """For a file, the folders above it are searched; pyproject needs [tool.newsdedup]."""
        pyproject = write(tmp_path / "pyproject.toml", "[tool.newsdedup]\nthreshold = 0.8\n")
        article = write(tmp_path / "data" / "a.jsonl", "")
        assert find_settings_file(article) == pyproject.resolve()

    def test_pyproject_without_table_is_ignored(self, tmp_path):
        """A pyproject.toml without [tool.newsdedup] (even a broken one) is skipped."""
        write(tmp_path / "corpus" / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
        write(tmp_path / "pyproject.toml", "this is = = not toml")
        (tmp_path / "corpus" / "x.txt").write_text("x", encoding="utf-8")
        found = find_settings_file(tmp_path / "corpus")
        assert found is None or not str(found).startswith(str(tmp_path.resolve()))

    def test_newsdedup_toml_wins_over_pyproject_in_one_folder(self, tmp_path):
        """In one folder, newsdedup.toml is preferred to pyproject.toml."""
        write(tmp_path / "pyproject.toml", "[tool.newsdedup]\nthreshold = 0.9\n")
        own = write(tmp_path / "newsdedup.toml", "threshold = 0.8\n")
        assert find_settings_file(tmp_path) == own.resolve()


class TestReadSettings:
    def test_a_file_saved_with_a_bom_is_read(self, tmp_path):
        """QA 15c #7: Windows Notepad saves UTF-8 with a BOM: "not valid TOML: Invalid
        statement (at line 1, column 1)" for a file that looks right in every editor."""
        path = write(tmp_path / "newsdedup.toml", "\ufeffthreshold = 0.8\n")
        assert read_settings(path).values == {"threshold": 0.8}

    def test_values_are_read_and_mapped_to_option_names(self, tmp_path):
        """Keys map onto the CLI's options; boolean keys negate their --no- flags."""
        path = write(
            tmp_path / "newsdedup.toml",
            'threshold = 0.8\nmax_duplicates = 3\nboilerplate = false\nglob = "*.md"\n',
        )
        settings = read_settings(path)
        assert settings.values["threshold"] == 0.8
        assert settings.options() == {
            "threshold": 0.8,
            "max_duplicates": 3,
            "no_boilerplate": True,
            "glob": "*.md",
        }

    def test_integer_for_a_float_key_is_accepted_as_float(self, tmp_path):
        """`max_duplicate_rate = 1` is read as 1.0."""
        settings = read_settings(write(tmp_path / "newsdedup.toml", "max_duplicate_rate = 1\n"))
        assert settings.values["max_duplicate_rate"] == 1.0
        assert isinstance(settings.values["max_duplicate_rate"], float)

    def test_unknown_key_names_file_and_key(self, tmp_path):
        """An unknown key is a ConfigError naming the file, the key and the accepted keys."""
        path = write(tmp_path / "pyproject.toml", "[tool.newsdedup]\ntreshold = 0.8\n")
        with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.newsdedup\]: unknown key"):
            read_settings(path)
        with pytest.raises(ConfigError, match=r"accepted: .*threshold"):
            read_settings(path)

    @pytest.mark.parametrize(
        ("line", "problem"),
        [
            ('threshold = "high"', "threshold must be a number"),
            ("threshold = 1.5", "threshold must be in"),
            ("max_duplicates = true", "max_duplicates must be an integer"),
            ("max_duplicates = -1", "max_duplicates must be >= 0"),
            ("num_perm = 1", "num_perm must be at least 2"),
            ("num_perm = 100000000", "num_perm must be at most 4096"),
            ("seed = 5000000000", "seed must be in [0, 4294967295]"),
            ("boilerplate = 1", "boilerplate must be true or false"),
        ],
    )
    def test_bad_value_names_file_and_problem(self, tmp_path, line, problem):
        """A value of the wrong type or range is a ConfigError naming the file."""
        path = write(tmp_path / "newsdedup.toml", line + "\n")
        with pytest.raises(ConfigError, match=r"newsdedup\.toml") as info:
            read_settings(path)
        assert problem in str(info.value)

    def test_broken_toml_is_a_config_error(self, tmp_path):
        """A newsdedup.toml that is not TOML is a ConfigError, not a traceback."""
        with pytest.raises(ConfigError, match="not valid TOML"):
            read_settings(write(tmp_path / "newsdedup.toml", "threshold = \n"))

    def test_every_key_is_documented_in_the_readme(self):
        """The README lists every accepted settings key."""
        readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
        missing = [key for key in KEYS if f"`{key}`" not in readme]
        assert missing == []


def test_discover_without_a_file_gives_empty_settings(tmp_path):
    """No settings file anywhere near the corpus gives no values."""
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    settings = discover_settings([tmp_path / "a.txt"])
    assert settings.source is None or not str(settings.source).startswith(str(tmp_path))


def test_scan_reads_the_same_settings_as_check(tmp_path):
    """`scan` applies newsdedup.toml too, so scan and check agree on one corpus."""
    import json

    from click.testing import CliRunner

    from newsdedup.cli import cli

    from .conftest import make_article

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(make_article(1), encoding="utf-8")
    (tmp_path / "c.md").write_text(make_article(2), encoding="utf-8")
    (tmp_path / "newsdedup.toml").write_text('glob = "*.md"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json"])
    assert json.loads(result.stdout)["summary"]["articles"] == 1
    flagged = CliRunner().invoke(
        cli, ["scan", str(tmp_path), "--format", "json", "--glob", "*.txt"]
    )
    assert json.loads(flagged.stdout)["summary"]["articles"] == 2


def test_several_paths_take_the_one_settings_file_in_any_order(tmp_path):
    """Settings were read above the first path only, so `scan a b` and `scan b a` could
    differ. A file found above any path applies; two different files are a usage error."""
    import json

    from click.testing import CliRunner

    from newsdedup.cli import cli

    from .conftest import make_article

    ruled, plain = tmp_path / "ruled", tmp_path / "plain"
    for folder in (ruled, plain):
        folder.mkdir()
        (folder / "a.md").write_text(make_article(1), encoding="utf-8")
    (ruled / "newsdedup.toml").write_text('glob = "*.md"\n', encoding="utf-8")
    for order in ((ruled, plain), (plain, ruled)):
        result = CliRunner().invoke(cli, ["scan", *map(str, order), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["summary"]["articles"] == 2
    (plain / "pyproject.toml").write_text('[tool.newsdedup]\nglob = "*.txt"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(ruled), str(plain)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: the paths given come under different settings ({ruled / 'newsdedup.toml'}, "
        f"{plain / 'pyproject.toml'} [tool.newsdedup]); pass --config FILE to choose\n"
    )
    chosen = ["scan", str(ruled), str(plain), "--config", str(ruled / "newsdedup.toml")]
    assert CliRunner().invoke(cli, chosen).exit_code == 0
    # `index` takes no --config (QA 15a #6: its message pointed at an option it refuses).
    index = ["index", "check", str(ruled), str(plain), "--index", str(tmp_path / "i.db")]
    result = CliRunner().invoke(cli, index)
    assert result.exit_code == 2
    assert result.stderr.endswith("; give `index` the paths of one settings file at a time\n")


def test_clean_reads_the_files_scan_reads(tmp_path):
    """`clean` ignored newsdedup.toml, so with `glob = "*.md"` it showed other files than
    the ones `scan` cleaned; it reads the settings (and takes --config) as scan does."""
    import json

    from click.testing import CliRunner

    from newsdedup.cli import cli

    from .conftest import make_article

    (tmp_path / "a.md").write_text(make_article(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(make_article(2), encoding="utf-8")
    (tmp_path / "newsdedup.toml").write_text('glob = "*.md"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "a.md"
    other = tmp_path / "other.toml"
    other.write_text('glob = "*.txt"\n', encoding="utf-8")
    chosen = ["clean", str(tmp_path), "--format", "json", "--config", str(other)]
    assert json.loads(CliRunner().invoke(cli, chosen).stdout)["id"] == "b.txt"


@pytest.mark.parametrize(
    ("flags", "code"),
    [((), 1), (("--max-duplicate-rate", "1.0"), 0), (("--max-duplicates", "1"), 0)],
)
def test_a_budget_flag_replaces_the_files_whole_budget(tmp_path, flags, code):
    """QA 12b: the file's max_duplicates = 0 still failed the gate under a looser
    --max-duplicate-rate 0.5 (both had to hold). A budget on the command line is the
    budget, for `check` and `index check` alike; without one, the file's applies."""
    import shutil

    from click.testing import CliRunner

    from newsdedup.cli import cli

    from .conftest import SEEDS

    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "newsdedup.toml").write_text("max_duplicates = 0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path), "-q", *flags])
    assert result.exit_code == code, result.output
    index = str(tmp_path.parent / f"{tmp_path.name}.db")
    today = tmp_path.parent / f"{tmp_path.name}-today"
    today.mkdir()
    shutil.copy(SEEDS / "001_23e261e2bfe35961.txt", today)
    (today / "newsdedup.toml").write_text("max_duplicates = 0\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["index", "add", str(tmp_path), "--index", index]).exit_code == 0
    checked = CliRunner().invoke(cli, ["index", "check", str(today), "--index", index, *flags])
    assert checked.exit_code == code, checked.output


@pytest.mark.parametrize("command", ["scan", "check", "clean"])
def test_a_files_booleans_can_be_turned_off_by_flags(tmp_path, command):
    """QA 19b #5: `strict = true`, `templates = false` and `boilerplate = false` in a
    settings file could not be undone on the command line (README: flags override the
    file): `--no-strict`, `--templates` and `--boilerplate` were "No such option"."""
    import json

    from click.testing import CliRunner

    from newsdedup.cli import cli

    from .conftest import make_article

    for seed, name in enumerate(("a.txt", "b.txt")):
        (tmp_path / name).write_text(make_article(seed), encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "newsdedup.toml").write_text(
        "strict = true\ntemplates = false\nboilerplate = false\n", encoding="utf-8"
    )
    fmt = ["--format", "json"]
    strict = CliRunner().invoke(cli, [command, str(tmp_path), *fmt, "-q"])
    assert strict.exit_code == 3
    flags = ["--no-strict", "--templates", "--boilerplate"]
    result = CliRunner().invoke(cli, [command, str(tmp_path), *fmt, "-q", *flags])
    assert result.exit_code == 0, result.output
    if command != "clean":
        params = json.loads(result.stdout)["params"]
        assert (params["boilerplate"], params["templates"]) == (True, True)
