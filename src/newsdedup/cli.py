"""The command line: parse → config → library → render → exit code. Nothing else lives here.

Exit codes (as linters use them): 0 ran (gate passed or not asked) · 1 gate failed ·
2 usage or configuration error · 3 input error · 4 internal error.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .config import CleanConfig, DedupConfig, IndexConfig, LoadConfig, ShingleConfig
from .errors import ConfigError, InputError, NewsdedupError
from .load import is_jsonl, load_corpus
from .pipeline import find_duplicates
from .records import DedupResult, LoadResult
from .render import render_report
from .serialize import to_csv, to_json, to_jsonl

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3, 4
F = TypeVar("F", bound=Callable[..., Any])
# Defaults live only in the config dataclasses; the flags show them.
_LOAD, _DEDUP, _INDEX, _SHINGLE = LoadConfig(), DedupConfig(), IndexConfig(), ShingleConfig()


class CliError(click.ClickException):
    """One line on stderr and an exit code; the only way library errors leave the CLI."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)

    @classmethod
    def from_error(cls, err: NewsdedupError) -> CliError:
        code = EXIT_USAGE if isinstance(err, ConfigError) else EXIT_INPUT
        return cls(str(err), code)


class _Group(click.Group):
    """Turns library errors into one line and an exit code; hides tracebacks unless --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsdedupError as err:
            raise CliError.from_error(err) from err
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as err:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            message = f"internal error: {type(err).__name__}: {err} (rerun with --debug)"
            raise CliError(message, EXIT_INTERNAL) from err


# ---- shared options ----------------------------------------------------------------------


def corpus_options(f: F) -> F:
    """Options that say how to read the corpus."""
    decorators = [
        click.option(
            "--glob",
            default=_LOAD.glob,
            show_default=True,
            help="Which files of a folder are articles.",
        ),
        click.option(
            "--id-field",
            default=_LOAD.id_field,
            show_default=True,
            help="JSONL field holding the article id (else FILE:LINE).",
        ),
        click.option(
            "--text-field",
            default=_LOAD.text_field,
            show_default=True,
            help="JSONL field holding the article text.",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=_LOAD.max_bytes,
            show_default=True,
            help="Skip files (or JSONL records) larger than this.",
        ),
        click.option(
            "--encoding",
            default=None,
            help="Read non-UTF-8 files with this encoding instead of detecting it.",
        ),
        click.option(
            "--strict", is_flag=True, help="Stop at the first unreadable file or record (exit 3)."
        ),
    ]
    return functools.reduce(lambda acc, d: d(acc), reversed(decorators), f)


def dedup_options(f: F) -> F:
    """Options that tune what counts as a duplicate."""
    decorators = [
        click.option(
            "--threshold",
            type=click.FloatRange(0, 1, min_open=True),
            default=_DEDUP.threshold,
            show_default=True,
            help="Exact Jaccard of shingle sets that makes two articles copies.",
        ),
        click.option(
            "--containment",
            type=click.FloatRange(0, 1, min_open=True),
            default=_DEDUP.containment,
            show_default=True,
            help="Share of the shorter article found in the longer that makes a copy.",
        ),
        click.option(
            "--shingle-size",
            type=click.IntRange(min=1),
            default=_SHINGLE.size,
            show_default=True,
            help="Words per shingle.",
        ),
        click.option(
            "--num-perm",
            type=click.IntRange(min=2),
            default=_INDEX.num_perm,
            show_default=True,
            help="MinHash permutations.",
        ),
        click.option(
            "--lsh-threshold",
            type=click.FloatRange(0, 1, min_open=True),
            default=_INDEX.lsh_threshold,
            show_default=True,
            help="Looser threshold LSH uses to propose candidates.",
        ),
        click.option(
            "--seed",
            type=click.IntRange(min=0),
            default=_INDEX.seed,
            show_default=True,
            help="MinHash seed.",
        ),
        click.option("--no-boilerplate", is_flag=True, help="Keep every line (no cleaning rules)."),
        click.option(
            "--no-templates", is_flag=True, help="Do not learn site templates from the corpus."
        ),
    ]
    return functools.reduce(lambda acc, d: d(acc), reversed(decorators), f)


def output_options(formats: Sequence[str]) -> Callable[[F], F]:
    """Options that say where and how results are written."""

    def wrap(f: F) -> F:
        decorators = [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(list(formats)),
                default=formats[0],
                show_default=True,
                help="Output format.",
            ),
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Write to this file (atomically) instead of stdout.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="No progress or warnings on stderr."),
        ]
        return functools.reduce(lambda acc, d: d(acc), reversed(decorators), f)

    return wrap


def load_config_from(opts: dict[str, Any]) -> LoadConfig:
    """Map corpus flags onto a `LoadConfig`."""
    return LoadConfig(
        glob=opts["glob"],
        id_field=opts["id_field"],
        text_field=opts["text_field"],
        max_bytes=opts["max_bytes"],
        encoding=opts["encoding"],
    )


def dedup_config_from(opts: dict[str, Any]) -> DedupConfig:
    """Map dedup flags onto a `DedupConfig` (the one bridge from flags to configuration)."""
    return DedupConfig(
        threshold=opts["threshold"],
        containment=opts["containment"],
        clean=CleanConfig(
            boilerplate=not opts["no_boilerplate"], templates=not opts["no_templates"]
        ),
        shingle=ShingleConfig(size=opts["shingle_size"]),
        index=IndexConfig(
            num_perm=opts["num_perm"], lsh_threshold=opts["lsh_threshold"], seed=opts["seed"]
        ),
    )


# ---- consoles, progress, output ----------------------------------------------------------


def make_consoles() -> tuple[Console, Console]:
    """Return (stdout, stderr) consoles for one invocation."""
    return Console(), Console(stderr=True)


class LazyProgress:
    """A progress bar on stderr that appears only once a run has lasted a second."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled and console.is_terminal
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < 1.0:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def check_output_path(output: Path, inputs: Sequence[Path], load: LoadConfig) -> None:
    """Refuse an output file that is an input, or that a later run would read as one."""
    target = output.resolve()
    for given in inputs:
        root = given.resolve()
        if target == root:
            raise CliError(f"{output}: refusing to overwrite an input file", EXIT_USAGE)
        if root.is_dir() and root in target.parents:
            rel = target.relative_to(root)
            if rel.match(load.glob) or is_jsonl(target):
                raise CliError(
                    f"{output}: inside the input folder {given} and matching its articles; "
                    "write it elsewhere",
                    EXIT_USAGE,
                )


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(text: str, output: Path | None) -> None:
    """Send machine output to stdout or to `output`."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(output, text)


def report_issues(loaded: LoadResult, err: Console, quiet: bool) -> None:
    """Print one warning line per skipped file or record."""
    if quiet:
        return
    for issue in loaded.issues:
        verb = "skipped" if issue.severity == "skipped" else "note"
        err.print(
            f"[yellow]warning:[/yellow] {escape(issue.location())}: "
            f"{escape(issue.problem)} ({verb})",
            highlight=False,
            soft_wrap=True,
        )


def load_or_fail(paths: Sequence[Path], opts: dict[str, Any], err: Console) -> LoadResult:
    """Load the corpus; exit 3 when nothing readable is left."""
    load = load_config_from(opts)
    loaded = load_corpus(paths, strict=opts["strict"], config=load)
    report_issues(loaded, err, opts.get("quiet", False))
    if not loaded.articles:
        names = ", ".join(str(p) for p in paths)
        raise InputError(
            names,
            "no readable articles found",
            hint=f"check --glob (now {load.glob!r}) or the skipped files above",
        )
    return loaded


def run_scan(paths: Sequence[Path], opts: dict[str, Any], err: Console) -> DedupResult:
    """Load and scan, with a progress bar on a terminal."""
    config = dedup_config_from(opts)
    loaded = load_or_fail(paths, opts, err)
    progress = LazyProgress(err, enabled=not opts.get("quiet", False))
    try:
        return find_duplicates(
            loaded.articles,
            config,
            skipped=loaded.skipped,
            warnings=loaded.warnings,
            progress=progress,
        )
    finally:
        progress.close()


def render_result(result: DedupResult, fmt: str, output: Path | None, out: Console) -> None:
    """Write the result in the chosen format."""
    if fmt == "table":
        if output is None:
            render_report(result, out)
        else:
            buffer = Console(record=True, width=100, file=open(os.devnull, "w"))  # noqa: SIM115
            render_report(result, buffer)
            emit(buffer.export_text(), output)
        return
    writers = {"json": to_json, "jsonl": to_jsonl, "csv": to_csv}
    emit(writers[fmt](result), output)


# ---- commands ----------------------------------------------------------------------------


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdedup")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find near-duplicate news articles and group the ones that report the same event.

    \b
    Exit codes: 0 ran (gate passed or not asked) · 1 gate failed · 2 usage or
    configuration error · 3 input error · 4 internal error.
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@corpus_options
@dedup_options
@output_options(("table", "json", "jsonl", "csv"))
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, **opts: Any) -> None:
    """Cluster the near-duplicate articles of a folder, file or JSONL corpus.

    \b
    Examples:
      newsdedup scan seeds/
      newsdedup scan corpus.jsonl --format json -o report.json
    """
    out, err = make_consoles()
    opts["quiet"] = opts.get("quiet", False)
    load = load_config_from(opts)
    if output is not None:
        check_output_path(output, paths, load)
    result = run_scan(paths, opts, err)
    render_result(result, fmt, output, out)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI and exit with its code."""
    try:
        code = cli.main(args=argv, prog_name="newsdedup", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:
        click.echo("error: aborted", err=True)
        code = 130
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
