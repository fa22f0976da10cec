"""The command line: parse → config → library → render → exit code. Nothing else lives here.

Exit codes (as linters use them): 0 ran (gate passed or not asked) · 1 gate failed ·
2 usage or configuration error · 3 input error · 4 internal error · 130 interrupted ·
143 terminated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import functools
import io
import json
import os
import stat
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import click
from click.core import ParameterSource
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .config import (
    MAX_NUM_PERM,
    MAX_SEED,
    CleanConfig,
    DedupConfig,
    IndexConfig,
    LoadConfig,
    ShingleConfig,
    StoryConfig,
)
from .errors import ConfigError, InputError, NewsdedupError
from .explain import explain as explain_pair
from .explain import (
    explain_story,
    explanation_to_json,
    story_explanation_to_json,
    with_clusters,
)
from .gate import (
    GatePolicy,
    effective_policy,
    evaluate_gate,
    github_annotations,
    outcome_to_dict,
)
from .load import (
    is_duplicate_id,
    is_jsonl,
    list_files,
    load_corpus,
    matches_glob,
    named_descriptor,
    read_places,
    relative_id,
)
from .memory import memory_budget, parse_size
from .parallel import default_workers
from .pipeline import corpus_templates, find_duplicates, scan_corpus
from .records import Article, DedupResult, LoadResult
from .render import (
    number,
    render_explanation,
    render_gate,
    render_report,
    render_story_explanation,
    shown,
    too_short_text,
    too_short_warning,
    visible,
)
from .serialize import to_csv, to_dict, to_json, to_jsonl
from .settings import Settings, discover_settings, read_settings
from .write import (
    article_locations,
    article_refs,
    check_copyable,
    check_target,
    plan_dedup,
    temp_stem,
    write_deduplicated,
)

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3, 4
# An input path must exist; whether it can be read is the loader's to say, as an input error
# naming it (exit 3), not click's usage error (exit 2, "Path ... is not readable").
INPUT_PATH = click.Path(exists=True, readable=False, path_type=Path)
F = TypeVar("F", bound=Callable[..., Any])
# Defaults live only in the config dataclasses; the flags show them.
_LOAD, _DEDUP, _INDEX, _SHINGLE = LoadConfig(), DedupConfig(), IndexConfig(), ShingleConfig()
_STORY = StoryConfig()


class CliError(click.ClickException):
    """One line on stderr and an exit code; the only way library errors leave the CLI."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {visible(self.format_message())}", err=True, file=file)

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
            message = (
                f"internal error: {type(err).__name__}: {err} "
                "(rerun as `newsdedup --debug COMMAND ...` for the traceback)"
            )
            raise CliError(message, EXIT_INTERNAL) from err


# ---- shared options ----------------------------------------------------------------------


def settings_option(f: F) -> F:
    """The option that names a settings file instead of looking for one beside the corpus."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Read defaults from this TOML file instead of newsdedup.toml or "
        "pyproject.toml [tool.newsdedup] next to the corpus.",
    )(f)


def corpus_options(f: F) -> F:
    """Options that say how to read the corpus."""
    decorators = [
        click.option(
            "--glob",
            default=_LOAD.glob,
            show_default=True,
            help="Which files of a folder are articles (patterns separated by commas).",
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
            help="Read non-UTF-8 files (and JSONL lines) with this encoding instead of "
            "detecting it.",
        ),
        click.option(
            # Each setting a file can turn on has its "off" flag too (QA 19b #5).
            "--strict/--no-strict",
            default=False,
            help="Stop at the first unreadable file or record (exit 3); --no-strict reads on, "
            "over a settings file's strict = true.",
        ),
    ]
    return functools.reduce(lambda acc, d: d(acc), reversed(decorators), f)


# Whether lines are cleaned, for dedup_options and `clean`. Each setting a file can turn off
# has its "on" flag too (QA 19b #5).
_CLEANING_FLAGS = (
    click.option(
        "--no-boilerplate/--boilerplate",
        "no_boilerplate",
        default=False,
        help="Keep every line (no cleaning rules); --boilerplate applies them, over a "
        "settings file's boilerplate = false.",
    ),
    click.option(
        "--no-templates/--templates",
        "no_templates",
        default=False,
        help="Do not learn site templates from the corpus; --templates learns them, over a "
        "settings file's templates = false.",
    ),
)


def cleaning_options(f: F) -> F:
    """--no-boilerplate/--boilerplate and --no-templates/--templates."""
    return functools.reduce(lambda acc, d: d(acc), reversed(_CLEANING_FLAGS), f)


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
            type=click.IntRange(min=2, max=MAX_NUM_PERM),
            default=_INDEX.num_perm,
            show_default=True,
            help="MinHash permutations.",
        ),
        click.option(
            "--lsh-threshold",
            type=click.FloatRange(0, 1, min_open=True),
            default=_INDEX.lsh_threshold,
            show_default=True,
            help="Looser threshold LSH uses to propose candidates; it must leave LSH two bands "
            "or more (at 128 permutations, up to 0.98).",
        ),
        click.option(
            "--lede-words",
            type=click.IntRange(min=0),
            default=_INDEX.lede_words,
            show_default=True,
            help="Also propose pairs whose first this many words are alike, so a teaser meets "
            "the full story it opens (0: off).",
        ),
        click.option(
            "--seed",
            type=click.IntRange(min=0, max=MAX_SEED),
            default=_INDEX.seed,
            show_default=True,
            help="MinHash seed.",
        ),
        cleaning_options,
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=default_workers,
            show_default="all cores",
            help="Processes that clean, shingle and sign (the result does not depend on it).",
        ),
    ]
    return functools.reduce(lambda acc, d: d(acc), reversed(decorators), f)


def story_threshold_option(f: F) -> F:
    """The story-level cutoff, shared by scan, check and explain."""
    return click.option(
        "--story-threshold",
        type=click.FloatRange(0, 1, min_open=True),
        default=_STORY.threshold,
        show_default=True,
        help="Average neighbourhood agreement at which two groups become one story (with "
        "--level story or both).",
    )(f)


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    try:
        return None if value is None else parse_size(value)
    except ConfigError as err:
        raise click.BadParameter(str(err)) from err


def max_memory_option(f: F) -> F:
    """The story level's memory budget, shared by scan, check and explain: the command runs
    within `memory_budget` (a limit on resources, not a setting of the results)."""

    @functools.wraps(f)
    def run(*args: Any, max_memory: int | None = None, **kwargs: Any) -> Any:
        with memory_budget(max_memory):
            return f(*args, **kwargs)

    return click.option(
        "--max-memory",
        metavar="SIZE",
        callback=_size,
        default=None,
        show_default="the memory available",
        help="Memory the story level may use in all (512M, 16G). It refuses to start a step "
        "that would need more, instead of being killed midway.",
    )(cast(F, run))


def format_option(choices: tuple[str, ...], help_text: str) -> Callable[[F], F]:
    """`--format` for a command whose people's format is `choices[0]` (its default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


def output_options(formats: Sequence[str]) -> Callable[[F], F]:
    """Options that say where and how results are written."""

    def wrap(f: F) -> F:
        decorators = [
            format_option(tuple(formats), "Output format."),
            click.option(
                "--output",
                "-o",
                # Read as a string: Path("") would be "." (QA 19b #7).
                type=click.Path(dir_okay=False, allow_dash=True),
                default=None,
                callback=_dash_is_stdout,
                help="Write to this file (atomically) instead of stdout ('-': stdout).",
            ),
            click.option("--quiet", "-q", is_flag=True, help="No progress or warnings on stderr."),
        ]
        return functools.reduce(lambda acc, d: d(acc), reversed(decorators), f)

    return wrap


def _dash_is_stdout(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """`-o -` means stdout, as for most tools: the same as no -o. An empty path is refused
    as one (it read as ".", "cannot write: Is a directory": QA 19b #7)."""
    if value is None or value == "-":
        return None
    if not value:
        raise click.BadParameter("the path is empty; name a file, or '-' for stdout")
    return Path(value)


def _out_path(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """`dedup --out`: a folder or a JSONL file, never stdout, never an empty path (QA 19b
    #6, #7: "-" made a file or folder named "-", and "" read as "." refused oddly)."""
    if not value:
        raise click.BadParameter("the path is empty; name a folder (or FILE.jsonl)")
    if value == "-":
        raise click.BadParameter(
            "dedup writes files, not stdout; name a folder (or FILE.jsonl), './-' for a "
            "folder named '-'"
        )
    return value


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
    story = opts.get("story_threshold")
    return DedupConfig(
        story=StoryConfig() if story is None else StoryConfig(threshold=story),
        threshold=opts["threshold"],
        containment=opts["containment"],
        clean=CleanConfig(
            boilerplate=not opts["no_boilerplate"], templates=not opts["no_templates"]
        ),
        shingle=ShingleConfig(size=opts["shingle_size"]),
        index=IndexConfig(
            num_perm=opts["num_perm"],
            lsh_threshold=opts["lsh_threshold"],
            seed=opts["seed"],
            lede_words=opts["lede_words"],
        ),
    )


# ---- consoles, progress, output ----------------------------------------------------------


class _Stdout(Console):
    """The stdout console. A reader that stopped early (`| head`) ends the output but not
    the command: rich's default exits 1 there, which reads as "gate failed"."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        _silence_stdout()


def make_consoles() -> tuple[Console, Console]:
    """Return (stdout, stderr) consoles for one invocation."""
    return _Stdout(), Console(stderr=True)


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
    try:
        written = os.stat(output)  # through links: /dev/stdout, the file stdout goes to
    except OSError:
        written = None
    for given in inputs:
        root = given.resolve()
        if target == root:
            raise CliError(f"{output}: refusing to overwrite an input file", EXIT_USAGE)
        if written is not None and stat.S_ISREG(written.st_mode):
            # The same file under another name: a hard link (`-o /dev/stdout >> link`).
            same = _same_file_inside(written, given, load)
            if same is not None:
                raise CliError(
                    f"{output}: refusing to overwrite the input article {same} (the same file)",
                    EXIT_USAGE,
                )
        if root.is_dir() and root in target.parents:
            rel = target.relative_to(root)
            if matches_glob(rel, load.glob) or is_jsonl(target):
                raise CliError(
                    f"{output}: inside the input folder {given} and matching its articles; "
                    "write it elsewhere",
                    EXIT_USAGE,
                )
        # Through links the input reaches places outside it: an article file linked in, or
        # a linked folder whose files it reads.
        for real, linked in read_places(given, load) if root.is_dir() else ():
            if target == real:
                raise CliError(
                    f"{output}: refusing to overwrite the input article {linked} (a link to it)",
                    EXIT_USAGE,
                )
            if real.is_dir() and real in target.parents:
                rel = target.relative_to(real)
                if matches_glob(rel, load.glob) or is_jsonl(target):
                    raise CliError(
                        f"{output}: inside the folder {linked} the input reads (a link to "
                        f"{real}) and matching its articles; write it elsewhere",
                        EXIT_USAGE,
                    )


def _same_file_inside(written: os.stat_result, given: Path, load: LoadConfig) -> str | None:
    """Return the input file (of `given`, a file or the articles of a folder, as the loader
    lists them) that is the file `written` names, or None. A folder is listed only when that
    file has several names (a hard link), so most runs stat one file."""
    if given.is_dir() and written.st_nlink < 2:
        return None
    for path in list_files(given, load):
        try:
            info = os.stat(path)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (written.st_dev, written.st_ino):
            return str(path)
    return None


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place, so a reader
    never sees half a report. A symlink is written through (its target is replaced, the link
    stays); a device or FIFO (a terminal, a named pipe) is written to, not replaced. Missing
    folders are made. The file gets the mode of the one it replaces, else the umask's.
    (`emit` writes a path naming one of the process's descriptors through it instead.)"""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return
    directory = target.parent if str(target.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{temp_stem(target.name)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, mode)  # mkstemp makes it 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _descriptor(path: Path) -> int | None:
    """Return the descriptor a path names (/dev/stdout, /dev/fd/3, /proc/self/fd/3), when
    it is open in this process; else, 1 or 2 when the path is the very file stdout or
    stderr writes to (`-o log >> log`). None: a file of its own."""
    descriptor = named_descriptor(path)
    if descriptor is not None and descriptor[1] in (None, os.getpid()):
        try:
            os.fstat(descriptor[0])
        except OSError:
            return None
        return descriptor[0]
    try:
        named = os.stat(path)
    except OSError:
        return None
    for fd in (1, 2):
        try:
            open_file = os.fstat(fd)
        except OSError:
            continue
        if (named.st_dev, named.st_ino) == (open_file.st_dev, open_file.st_ino):
            return fd
    return None


def _write_descriptor(fd: int, text: str, name: str) -> None:
    """Write `text` to an open descriptor, all of it; a failed write is one line, exit 2."""
    data = text.encode("utf-8")
    try:
        while data:
            data = data[os.write(fd, data) :]
    except OSError as error:
        raise cannot_write(name, error) from error


def _umask() -> int:
    """Return the process umask (read by setting it, the only portable way, and back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def emit(text: str, output: Path | None) -> None:
    """Send machine output to stdout or to `output`; a failed write is one line, exit 2."""
    stream = None if output is None else _descriptor(output)
    if output is None or stream == 1:
        # `-o /dev/stdout`, or the file stdout is redirected to (`>> log`): written as stdout
        # is, never replaced (that lost what the log held and what came after).
        with writing_stdout():
            sys.stdout.write(text)
        return
    if stream is not None:
        # /dev/stderr, /dev/fd/3: through the descriptor itself, so its offset moves past
        # the report and what the shell writes next follows it.
        if stream == 2:
            sys.stderr.flush()
        _write_descriptor(stream, text, "stderr" if stream == 2 else str(output))
        return
    if os.path.abspath(output).startswith(("/dev/", "/proc/")) and not output.exists():
        raise CliError(f"{output}: no such device (not made as a file)", EXIT_USAGE)
    try:
        write_text_atomic(output, text)
    except OSError as error:  # disk full, permission denied
        raise cannot_write(str(output), error) from error


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Write to stdout in this block, then flush. A reader that stopped early (`| head`)
    ends the output, not the command, whose exit code (a gate's verdict) stays its own; any
    other failed write (a full disk) is one line, exit 2, whatever the format."""
    if sys.stdout is None:  # `>&-`: Python sets it to None
        raise CliError("stdout: cannot write: it is closed", EXIT_USAGE)
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as error:
        raise cannot_write("stdout", error) from error


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that what is still written (and the flush at exit)
    goes nowhere instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing to silence
    finally:
        os.close(devnull)


def cannot_write(where: str, error: OSError, note: str = "") -> CliError:
    """The one-line error (exit 2) of output that could not be written, and why."""
    reason = error.strerror or str(error)
    # Making the folders of afile/x.json fails with "File exists", which reads as if x.json
    # were there: name the file that stands where a folder must go.
    if isinstance(error, FileExistsError | NotADirectoryError) and where != "stdout":
        blocking = next((p for p in Path(where).parents if p.is_file()), None)
        if blocking is not None:
            reason = f"{blocking} is a file, not a folder"
    return CliError(f"{where}: cannot write: {reason}{note}", EXIT_USAGE)


def warn(err: Console, markup: str) -> None:
    """Print one warning line on stderr: `markup` is rich markup (escape text with `shown`)."""
    err.print(f"[yellow]warning:[/yellow] {markup}", highlight=False, soft_wrap=True)


def report_issues(loaded: LoadResult, err: Console, quiet: bool) -> None:
    """Print one warning line per skipped file or record."""
    if quiet:
        return
    for issue in loaded.issues:
        verb = "skipped" if issue.severity == "skipped" else "note"
        warn(err, f"{shown(issue.location())}: {shown(issue.problem)} ({verb})")


def load_or_fail(paths: Sequence[Path], opts: dict[str, Any], err: Console) -> LoadResult:
    """Load the corpus; exit 3 when nothing readable is left."""
    load = load_config_from(opts)
    loaded = load_corpus(paths, strict=opts["strict"], config=load)
    report_issues(loaded, err, opts.get("quiet", False))
    if not loaded.articles:
        raise no_articles(paths, load, quiet=bool(opts.get("quiet", False)))
    return loaded


def no_articles(paths: Sequence[Path], load: LoadConfig, *, quiet: bool = False) -> InputError:
    """Return the error for inputs that gave no article: the hint names the option that picks
    what is read there (--glob for a folder, --text-field for a JSONL file), and the skipped
    inputs (listed above, or, under --quiet, shown by a run without it)."""
    hints = []
    if any(p.is_dir() for p in paths):
        hints.append(f"--glob (now {load.glob!r})")
    if any(p.is_file() and is_jsonl(p) for p in paths):
        hints.append(f"--text-field (now {load.text_field!r})")
    skipped = "the skipped inputs (run without --quiet)" if quiet else "the skipped inputs above"
    hint = " or ".join([*hints, skipped])
    return InputError(
        ", ".join(str(p) for p in paths), "no readable articles found", hint=f"check {hint}"
    )


def run_scan(paths: Sequence[Path], opts: dict[str, Any], err: Console) -> DedupResult:
    """Load and scan, with a progress bar on a terminal; warn of articles left too short."""
    result = _run_scan(paths, opts, err)
    warn_too_short(result, opts, err)
    return result


def warn_too_short(result: DedupResult, opts: dict[str, Any], err: Console) -> None:
    """Say which articles had nothing left to compare (they would pass unseen otherwise)."""
    warning = too_short_warning(result)
    if warning and not opts.get("quiet", False):
        warn(err, warning)


def _run_scan(paths: Sequence[Path], opts: dict[str, Any], err: Console) -> DedupResult:
    config = dedup_config_from(opts)
    level = opts.get("level", "copy")
    workers = opts.get("workers") or 1
    if level != "copy":  # story grouping needs the articles in memory
        loaded = load_or_fail(paths, opts, err)
        progress = LazyProgress(err, enabled=not opts.get("quiet", False))
        try:
            result = find_duplicates(
                loaded.articles,
                config,
                skipped=loaded.skipped,
                warnings=loaded.warnings,
                progress=progress,
                level=level,
                workers=workers,
            )
        finally:
            progress.close()
        # The story level's own warnings (date fields it cannot read), after the loader's.
        report_issues(
            LoadResult(articles=(), issues=result.warnings[len(loaded.warnings) :]),
            err,
            opts.get("quiet", False),
        )
        return result
    load = load_config_from(opts)
    quiet = opts.get("quiet", False)
    progress = LazyProgress(err, enabled=not quiet)
    try:
        # Streams the corpus twice (templates, then fingerprints) instead of loading it.
        result = scan_corpus(
            paths,
            config,
            load=load,
            strict=opts["strict"],
            workers=workers,
            progress=progress,
            on_issue=lambda issue: report_issues(
                LoadResult(articles=(), issues=(issue,)), err, quiet
            ),
        )
    finally:
        progress.close()
    if not result.articles:
        raise no_articles(paths, load, quiet=quiet)
    return result


def render_result(result: DedupResult, fmt: str, output: Path | None, out: Console) -> None:
    """Write the result in the chosen format."""
    if fmt == "table":
        _rendered(lambda console: render_report(result, console), output, out)
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
    configuration error · 3 input error · 4 internal error (newsdedup --debug
    COMMAND shows the traceback) · 130 interrupted · 143 terminated.
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=INPUT_PATH)
@corpus_options
@dedup_options
@output_options(("table", "json", "jsonl", "csv"))
@click.option(
    "--dask",
    default=None,
    metavar="SCHEDULER|local[:N]",
    help="Load, clean and sign on a Dask cluster (scheduler address, or local:N processes).",
)
@click.option(
    "--level",
    type=click.Choice(["copy", "story", "both"]),
    default="copy",
    show_default=True,
    help="copy: clusters of copies · story: clusters of articles reporting one event · "
    "both: copy clusters, each tagged with its story.",
)
@story_threshold_option
@max_memory_option
@settings_option
def scan(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    config_file: Path | None,
    **opts: Any,
) -> None:
    """Cluster the near-duplicate articles of a folder, file or JSONL corpus.

    \b
    Examples:
      newsdedup scan seeds/
      newsdedup scan corpus.jsonl --format json -o report.json
      newsdedup scan seeds/ --level both
    """
    out, err = make_consoles()
    opts["quiet"] = opts.get("quiet", False)
    apply_settings(paths, opts, config_file)  # --config, else the file found, as check
    load = load_config_from(opts)
    if output is not None:
        check_output_path(output, paths, load)
    result = run_scan_dask(paths, opts, err) if opts.get("dask") else run_scan(paths, opts, err)
    render_result(result, fmt, output, out)


# ---- check, explain, dedup ----------------------------------------------------------------


def apply_settings(
    paths: Sequence[Path],
    opts: dict[str, Any],
    config_file: Path | None,
    *,
    choose: str = "pass --config FILE to choose",
) -> Settings:
    """Fill every option the user did not give from the settings file: defaults < file < flags.
    `choose`: what to do when the paths come under different settings files."""
    ctx = click.get_current_context()
    settings = (
        read_settings(config_file) if config_file else discover_settings(paths, choose=choose)
    )

    def given(name: str) -> bool:
        return ctx.get_parameter_source(name) not in (
            ParameterSource.DEFAULT,
            ParameterSource.DEFAULT_MAP,
            None,
        )

    # The gate's budget is one setting in two keys: a budget on the command line replaces
    # the file's whole budget (a file's max_duplicates = 0 under --max-duplicate-rate 0.5
    # failed the gate that the flag allowed).
    budget = {"max_duplicate_rate", "max_duplicates"}
    flagged_budget = any(name in opts and given(name) for name in budget)
    for name, value in settings.options().items():
        if name in budget and flagged_budget:
            continue
        if name in opts and not given(name):
            opts[name] = value
    # `explain` has no "both": a settings file's "both" explains copies there.
    story_levels = ("story",) if ctx.command.name == "explain" else ("story", "both")
    if given("story_threshold") and opts.get("level") not in story_levels:
        # It tunes stories; at the copy level it changed nothing, unsaid (QA 19a #6, 20b #2).
        raise click.UsageError(
            "--story-threshold tunes the story level: add "
            + " or ".join(f"--level {level}" for level in story_levels)
        )
    return settings


def _rendered(draw: Callable[[Console], None], output: Path | None, out: Console) -> None:
    """Draw for people: on the stdout console, or recorded at width 100 and written to
    `output` (atomically), with one error for a write that fails either way."""
    if output is None:
        with writing_stdout():
            draw(out)
        return
    # Recorded, and drawn into a string that is dropped (an open /dev/null was never closed).
    buffer = Console(record=True, width=100, file=io.StringIO())
    draw(buffer)
    emit(buffer.export_text(), output)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=INPUT_PATH)
@click.option(
    "--max-duplicate-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Fail (exit 1) when duplicates / articles is above this.",
)
@click.option(
    "--max-duplicates",
    type=click.IntRange(min=0),
    default=None,
    help="Fail (exit 1) when more articles than this are duplicates. "
    "With neither budget set, any duplicate fails.",
)
@click.option(
    "--show",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="How many of the largest clusters a failed check names.",
)
@settings_option
@corpus_options
@dedup_options
@output_options(("text", "json", "github"))
@click.option(
    "--level",
    type=click.Choice(["copy", "story", "both"]),
    default="copy",
    show_default=True,
    help="What counts as a duplicate: copy: a copy of another article · story: another "
    "report of an event already covered · both: copies, reported with their stories.",
)
@story_threshold_option
@max_memory_option
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    config_file: Path | None,
    **opts: Any,
) -> None:
    """Fail (exit 1) when a corpus holds more duplicates than its budget: the CI gate.

    \b
    Exit codes: 0 within budget · 1 over budget (the largest clusters are
    named) · 2 usage or configuration error · 3 input error (nothing
    readable, or a bad file under --strict) · 4 internal error · 130
    interrupted · 143 terminated.
    Defaults come from newsdedup.toml or pyproject.toml [tool.newsdedup]
    next to the corpus; flags override them.

    \b
    Examples:
      newsdedup check seeds/ --max-duplicate-rate 0.25
      newsdedup check corpus.jsonl --max-duplicates 10 --format json
      newsdedup check scraped/ --max-duplicate-rate 0.05 --format github
      newsdedup check feed.jsonl --level story --max-duplicate-rate 0.5
    """
    ctx = click.get_current_context()
    out, err = make_consoles()
    apply_settings(paths, opts, config_file)
    if output is not None:
        check_output_path(output, paths, load_config_from(opts))
    policy = effective_policy(
        GatePolicy(
            max_duplicate_rate=opts["max_duplicate_rate"], max_duplicates=opts["max_duplicates"]
        )
    )
    result = run_scan(paths, opts, err)
    outcome = evaluate_gate(result, policy, show=opts["show"])
    if fmt == "json":
        report = {**to_dict(result), "gate": outcome_to_dict(outcome, policy)}
        emit(json.dumps(report, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "github":
        load = load_config_from(opts)
        refs = article_refs(paths, load)  # a second, cheap pass: locations
        locations = article_locations(refs, paths, load, base=Path.cwd())
        emit(github_annotations(result, outcome, locations), output)
    else:
        _rendered(lambda console: render_gate(outcome, result, console), output, out)
    if not outcome.passed:
        ctx.exit(EXIT_GATE)


def _article_by_name(
    name: str, loaded: LoadResult, corpus: Path, *, quiet: bool = False
) -> Article:
    """Return the corpus article whose id is `name`, whose file `name` points at, or whose id
    `name` uniquely begins (`quiet`: the skipped inputs were not shown)."""
    by_id = {a.id: a for a in loaded.articles}
    if name in by_id:
        return by_id[name]
    given = Path(name)
    rel = None
    if corpus.is_dir() and given.is_file() and corpus.resolve() in given.resolve().parents:
        rel = relative_id(given.resolve(), corpus.resolve())
        if rel in by_id:
            return by_id[rel]
    for issue in loaded.skipped:  # a file of the folder, or a record, that could not be read
        where = issue.source if issue.line is None else f"{issue.source}:{issue.line}"
        if where in (name, rel):
            raise CliError(
                f"{name}: skipped when reading {corpus} ({issue.problem}); nothing to explain",
                EXIT_INPUT,
            )
    prefixed = [i for i in by_id if i.startswith(name)]  # ids are sorted
    if len(prefixed) == 1:  # a unique prefix, as git takes short hashes
        return by_id[prefixed[0]]
    if prefixed:
        more = ", ..." if len(prefixed) > 3 else ""
        raise CliError(
            f"{name}: begins {len(prefixed)} ids in {corpus} ({', '.join(prefixed[:3])}{more}); "
            "name one",
            EXIT_USAGE,
        )
    close = difflib.get_close_matches(name, list(by_id), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    # A record skipped when reading may have held this id: its reason is among the warnings
    # above, and the user should look there before at near ids (QA 15c #10).
    records = sum(1 for issue in loaded.skipped if issue.line is not None)
    if records:
        where = "run without -q to see why" if quiet else "see above"
        hint += f" ({number(records, 'record was', 'records were')} skipped: {where})"
    raise CliError(f"{name}: no article with this id in {corpus}{hint}", EXIT_USAGE)


def _article_from_file(name: str, opts: dict[str, Any], err: Console) -> Article:
    """Return the one article in file `name` (its id is the path as given)."""
    path = Path(name)
    try:
        mode = path.stat().st_mode  # one look: the checks below read it
    except FileNotFoundError as exc:  # a broken link too
        raise CliError(
            f"{name}: no such file (to name an article by id, pass --corpus PATH)", EXIT_USAGE
        ) from exc
    except OSError as exc:  # a folder on the way that may not be read, a link loop
        raise CliError(f"{name}: cannot read: {exc.strerror or exc}", EXIT_INPUT) from exc
    if stat.S_ISDIR(mode):
        raise CliError(
            f"{name}: a folder, not an article; pass --corpus {name} and two ids inside it",
            EXIT_USAGE,
        )
    if not stat.S_ISREG(mode):
        raise CliError(
            f"{name}: not a regular file (a pipe, socket or device); save it to a file first",
            EXIT_INPUT,
        )
    if is_jsonl(path):
        raise CliError(
            f"{name}: a JSONL file holds many articles; pass --corpus {name} and two record ids",
            EXIT_USAGE,
        )
    loaded = load_or_fail([path], opts, err)
    if len(loaded.articles) > 1:  # a WARC archive of several pages
        raise CliError(
            f"{name}: holds {len(loaded.articles)} articles; pass --corpus {name} and two of "
            "their ids",
            EXIT_USAGE,
        )
    return dataclasses.replace(loaded.articles[0], id=name)


@cli.command("explain")
@click.argument("a")
@click.argument("b")
@click.option(
    "--corpus",
    type=INPUT_PATH,
    default=None,
    help="Name A and B by id inside this corpus, and clean them with its site templates "
    "exactly as scan does.",
)
@click.option(
    "--level",
    type=click.Choice(["copy", "story"]),
    default="copy",
    show_default=True,
    help="copy: are the two copies? · story: do they report one event (as scan --level story "
    "decides it over the whole --corpus)?",
)
@story_threshold_option
@max_memory_option
@settings_option
@corpus_options
@dedup_options
@output_options(("text", "json"))
def explain_command(
    a: str,
    b: str,
    corpus: Path | None,
    fmt: str,
    output: Path | None,
    config_file: Path | None,
    **opts: Any,
) -> None:
    """Show why two articles are, or are not, duplicates (or one story).

    Prints the verdict (and the threshold that decided it), exact Jaccard,
    containment both ways, the MinHash estimate, the LSH bands that matched,
    the lines cleaning dropped from each side and why, and the passages both
    share, side by side with the shared words highlighted.

    With --level story: whether the two are in one story, their term
    similarity and story score against the threshold, dates, facts (years,
    figures) and the terms both weigh most. The story level is run over the
    whole --corpus (or over the two files alone), as scan runs it.

    \b
    Examples:
      newsdedup explain seeds/000_9e2556e38fb8484b.txt seeds/001_23e261e2bfe35961.txt
      newsdedup explain --corpus seeds/ 000_9e2556e38fb8484b.txt 001_23e261e2bfe35961.txt
      newsdedup explain --corpus seeds/ 000 001     # unique id prefixes
      newsdedup explain --corpus corpus.jsonl id-17 id-42 --format json
      newsdedup explain --level story --corpus seeds/ 000 004
    """
    out, err = make_consoles()
    apply_settings([corpus] if corpus else [Path(a)], opts, config_file)
    config = dedup_config_from(opts)
    if output is not None:
        inputs = [corpus] if corpus else [Path(a), Path(b)]
        check_output_path(output, inputs, load_config_from(opts))
    if corpus is not None:
        loaded = load_or_fail([corpus], opts, err)
        quiet = bool(opts.get("quiet", False))
        art_a = _article_by_name(a, loaded, corpus, quiet=quiet)
        art_b = _article_by_name(b, loaded, corpus, quiet=quiet)
        articles = loaded.articles
    else:
        art_a, art_b = _article_from_file(a, opts, err), _article_from_file(b, opts, err)
        articles = (art_a, art_b)
    if art_a.id == art_b.id or (corpus is None and Path(a).samefile(b)):
        raise CliError(f"{a} and {b} name the same article; name two", EXIT_USAGE)
    if opts.get("level") == "story":
        story = explain_story(articles, art_a.id, art_b.id, config)
        if fmt == "json":
            emit(story_explanation_to_json(story), output)
        else:
            _rendered(lambda console: render_story_explanation(story, console), output, out)
        return
    templates = corpus_templates(articles, config) if corpus is not None else None
    explanation = explain_pair(art_a, art_b, config, templates=templates)
    if corpus is not None:
        # Where scan puts them: a verified pair may sit in two clusters, and a pair that
        # does not verify in one.
        explanation = with_clusters(explanation, find_duplicates(articles, config))
    if fmt == "json":
        emit(explanation_to_json(explanation), output)
    else:
        _rendered(lambda console: render_explanation(explanation, console), output, out)


@cli.command()
@click.argument("path", type=INPUT_PATH)
@click.option(
    "--out",
    "-o",
    "out_arg",
    required=True,
    # A string, not a Path: `outdir/` must keep its slash to say "a folder".
    type=click.Path(),
    callback=_out_path,
    help="Folder to write (for a folder input), or FILE.jsonl (for a JSONL input).",
)
@click.option("--force", is_flag=True, help="Replace an existing non-empty output.")
@click.option("--quiet", "-q", is_flag=True, help="No progress, warnings or summary on stderr.")
@settings_option
@corpus_options
@dedup_options
def dedup(path: Path, out_arg: str, force: bool, config_file: Path | None, **opts: Any) -> None:
    """Write a deduplicated copy: one representative per cluster plus every singleton.

    Files keep their relative paths and exact bytes; JSONL records are
    copied as their original lines. removed.csv maps each dropped article to
    the one kept (inside the output folder, or NAME.removed.csv beside an
    output FILE.jsonl). The input is never modified. The output is written
    to a temporary name and renamed into place, so an interrupted run leaves
    no half-written output. An output inside the input, or an existing
    non-empty one (without --force), is refused.

    \b
    Examples:
      newsdedup dedup seeds/ --out seeds-dedup/
      newsdedup dedup corpus.jsonl --out corpus.dedup.jsonl --threshold 0.8
    """
    _, err = make_consoles()
    apply_settings([path], opts, config_file)
    out = Path(out_arg)
    # Before the scan, so a refusal costs nothing.
    check_target(
        path, out, force=force, folder=out_arg.endswith(("/", os.sep)), load=load_config_from(opts)
    )
    # The corpus's shape too: a WARC of several pages, a JSON array, cannot be copied.
    refs = article_refs([path], load_config_from(opts))
    check_copyable(refs, root=path)
    result = run_scan([path], opts, err)
    plan = plan_dedup(refs, result)
    progress = LazyProgress(err, enabled=not opts["quiet"])
    try:
        summary = write_deduplicated(path, plan, out, force=force, progress=progress)
    except OSError as error:  # disk full, permission denied: the output named cannot be written
        raise cannot_write(str(out), error, " (nothing was written)") from error
    finally:
        progress.close()
    if not opts["quiet"]:
        reused = sum(1 for i in result.skipped if is_duplicate_id(i))
        unreadable = len(result.skipped) - reused
        left_out = [
            number(n, what, many)
            for n, what, many in (
                (unreadable, "unreadable file or record", "unreadable files or records"),
                (reused, "record with an id seen before", "records with an id seen before"),
            )
            if n
        ]
        dropped = (
            f"{number(summary.removed, 'duplicate')} dropped, listed in "
            f"{shown(str(summary.removed_csv))}"
            if summary.removed
            else f"no duplicates to drop ({shown(str(summary.removed_csv))} lists none)"
        )
        err.print(
            f"wrote {number(summary.kept, 'article')} ({number(summary.files, 'file')}) to "
            f"{shown(str(out))}; {dropped}" + "".join(f"; {text} not copied" for text in left_out),
            highlight=False,
            soft_wrap=True,
        )


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, a timeout): unwinds like Ctrl-C, so the worker pool is
    shut down on the way out instead of outliving this process."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


class _Unfailing:
    """A text stream whose writes never raise: stderr on a full disk (`2>/dev/full`) or into
    a reader that stopped. Warnings and progress are advice; losing them must not turn a run
    into a failure (a CI gate read exit 1, "over budget", for a stderr it could not write)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except (OSError, ValueError):  # ValueError: the stream was closed
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _utf8_streams() -> None:
    """Write stdout and stderr in UTF-8 whatever the locale: reports are UTF-8 as `-o`
    files are, so a pipe under LC_ALL=en_US.ISO-8859-1 (or a Windows cp1252 pipe) gets the
    same bytes, where it used to get other bytes or an encoding error, exit 4 (QA 28 #2).
    Characters no UTF-8 holds (a name's undecodable bytes) are escaped, never an error."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI and exit with its code."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():  # only it may set handlers
        signal.signal(signal.SIGTERM, _on_sigterm)
    _utf8_streams()
    if sys.stderr is not None and not isinstance(sys.stderr, _Unfailing):
        sys.stderr = _Unfailing(sys.stderr)
    try:
        code = cli.main(args=argv, prog_name="newsdedup", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort as exc:
        # click turns a KeyboardInterrupt (and so SIGTERM's _Terminated) into Abort.
        terminated = isinstance(exc.__cause__ or exc.__context__, _Terminated)
        click.echo("error: terminated" if terminated else "error: aborted", err=True)
        code = 143 if terminated else 130
    except _Terminated:
        click.echo("error: terminated", err=True)
        code = 143
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)


# ---- index: a persistent index for daily scrapes (store.py) ----------------------------------

# Which dedup flags map onto which setting, for an index that already holds its own settings.
_INDEX_FLAGS = {
    "threshold": "threshold",
    "containment": "containment",
    "shingle_size": "shingle.size",
    "num_perm": "index.num_perm",
    "lsh_threshold": "index.lsh_threshold",
    "lede_words": "index.lede_words",
    "seed": "index.seed",
}


def index_option(f: F) -> F:
    """The index location: a file path (SQLite) or a redis:// URL."""
    return click.option(
        "--index",
        "location",
        required=True,
        envvar="NEWSDEDUP_INDEX",
        metavar="PATH|redis://HOST:PORT/DB",
        help="Index location: an SQLite file, or a Redis URL (?prefix=NAME to share a server). "
        "Also read from NEWSDEDUP_INDEX.",
    )(f)


def index_config_from(
    ctx: click.Context, location: str, opts: dict[str, Any], paths: Sequence[Path]
) -> DedupConfig:
    """Return the index's own settings with flags (or settings-file values) given on top;
    a new index takes them all, defaults included."""
    from .store import read_config

    # `index` takes no --config (the index holds its settings): one batch per settings file.
    choose = "give `index` the paths of one settings file at a time"
    from_file = set(apply_settings(paths, opts, None, choose=choose).options())
    stored = read_config(location)
    if stored is None:
        return dedup_config_from(opts)

    def chosen(name: str) -> bool:  # by a flag or by the settings file
        return name in from_file or ctx.get_parameter_source(name) is not ParameterSource.DEFAULT

    given = {key: opts[name] for name, key in _INDEX_FLAGS.items() if chosen(name)}
    # Given either way (--no-boilerplate or --boilerplate, or by the settings file): a
    # --boilerplate against an index built without the rules is a clash, as another
    # --shingle-size is, not a flag passed over unsaid (QA 20b #5).
    for name, key in (("no_boilerplate", "clean.boilerplate"), ("no_templates", "clean.templates")):
        if chosen(name):
            given[key] = not opts[name]
    return stored.with_overrides(given)


@cli.group("index")
def index_group() -> None:
    """A persistent index: add each day's articles, check new ones against the archive.

    The index is an SQLite file (default, no server) or a shared Redis database.

    \b
    Examples:
      newsdedup index add archive/ --index news.db
      newsdedup index check today/ --index news.db --format json
      newsdedup index check today/ --index redis://localhost:6379/0 --max-duplicates 0
    """


@index_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=INPUT_PATH)
@index_option
@corpus_options
@dedup_options
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Articles written per transaction (a killed run keeps whole chunks).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="An id the index holds whose article now has another text (a re-scraped, updated "
    "story) gets the new one.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or warnings on stderr.")
@format_option(
    ("text", "json"), "Output format: one line of counts, or JSON (counts, ids held, skips)."
)
@click.pass_context
def index_add(
    ctx: click.Context,
    /,
    paths: tuple[Path, ...],
    location: str,
    chunk_size: int,
    replace: bool,
    fmt: str,
    **opts: Any,
) -> None:
    """Add articles to the index (creating it); ids already there are left as they are,
    unless --replace.

    \b
    Examples:
      newsdedup index add today/ --index news.db
      newsdedup index add today/ --index news.db --format json
      newsdedup index add rescraped/ --index news.db --replace
    """
    import json

    from .store import open_index
    from .store_report import add_to_dict

    _out, err = make_consoles()
    config = index_config_from(ctx, location, opts, paths)
    loaded = load_or_fail(paths, opts, err)
    progress = LazyProgress(err, enabled=not opts["quiet"])
    try:
        with open_index(location, config=config, create=True) as store:
            summary = store.add(
                loaded.articles, chunk_size=chunk_size, progress=progress, replace=replace
            )
    finally:
        progress.close()
    if not opts["quiet"]:
        for taken in summary.taken:
            warn(
                err,
                f"{shown(taken)}: the index holds another article under this id "
                "(not added; --replace replaces it)",
            )
    held = f" · id held by another article {len(summary.taken)}" if summary.taken else ""
    # Articles too short to compare are added all the same (held under their id, so a later
    # add skips them, though no check finds them): a part of "added", not a count beside it.
    # So are the replacements.
    parts = [f"{summary.unindexed} of them too short to compare"] * bool(summary.unindexed)
    parts += [f"{len(summary.replaced)} replacing changed articles"] * bool(summary.replaced)
    short = f" ({', '.join(parts)})" if parts else ""
    if fmt == "json":
        emit(json.dumps(add_to_dict(summary, loaded), ensure_ascii=False, indent=2) + "\n", None)
        return
    emit(
        f"added {summary.added}{short} · already present {summary.present}{held} · "
        f"index holds {summary.total}\n",
        None,
    )


@index_group.command("check")
@click.argument("paths", nargs=-1, required=True, type=INPUT_PATH)
@index_option
@corpus_options
@dedup_options
@output_options(("table", "json", "jsonl", "csv"))
@click.option(
    "--max-duplicate-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Exit 1 when more than this share of the articles duplicate indexed ones.",
)
@click.option(
    "--max-duplicates",
    type=click.IntRange(min=0),
    default=None,
    help="Exit 1 when more than this many articles duplicate indexed ones.",
)
@click.pass_context
def index_check(
    ctx: click.Context,
    /,
    paths: tuple[Path, ...],
    location: str,
    fmt: str,
    output: Path | None,
    **opts: Any,
) -> None:
    """Report, per article, the indexed articles it duplicates; the index is not changed.

    \b
    Exit codes: 0 ran (within budget, or no --max-* given) · 1 over budget ·
    2 usage or configuration error (e.g. no index there, other parameters) · 3 input error ·
    4 internal error · 130 interrupted · 143 terminated.

    \b
    Examples:
      newsdedup index check today/ --index news.db
      newsdedup index check today/ --index news.db --format csv --max-duplicate-rate 0.2
    """
    from .gate import GatePolicy
    from .store import index_gate, open_index
    from .store_report import (
        check_to_csv,
        check_to_dict,
        check_to_json,
        check_to_jsonl,
        render_check,
    )

    out, err = make_consoles()
    if output is not None:
        check_output_path(output, paths, load_config_from(opts))
        if Path(location).resolve() == output.resolve():
            raise CliError(f"{output}: refusing to overwrite the index", EXIT_USAGE)
    config = index_config_from(ctx, location, opts, paths)  # fills opts from a settings file
    max_duplicate_rate, max_duplicates = opts["max_duplicate_rate"], opts["max_duplicates"]
    policy = GatePolicy(max_duplicate_rate=max_duplicate_rate, max_duplicates=max_duplicates)
    with open_index(location, config=config, readonly=True) as store:
        loaded = load_or_fail(paths, opts, err)
        progress = LazyProgress(err, enabled=not opts["quiet"])
        try:
            result = store.check(
                loaded.articles,
                skipped=loaded.skipped,
                warnings=loaded.warnings,
                progress=progress,
            )
        finally:
            progress.close()
    # As scan says of them: else an article that can never match passes unseen (QA 15a #10).
    warning = too_short_text(result.too_short)
    if warning and not opts["quiet"]:
        warn(err, warning)
    gated = max_duplicate_rate is not None or max_duplicates is not None
    outcome = index_gate(result, policy) if gated else None
    if fmt == "table":
        _rendered(lambda console: render_check(result, console), output, out)
    elif fmt == "json" and outcome is not None:
        # The verdict in the report, as `check --format json` has it: a saved report says
        # why the job failed, not only stderr.
        gate = outcome_to_dict(outcome, policy)
        # `check` names its largest clusters when the gate fails; here the checked articles
        # with an indexed copy (it was always empty).
        gate["worst"] = [] if outcome.passed else [a.id for a in result.articles if a.duplicates]
        report = {**check_to_dict(result), "gate": gate}
        emit(json.dumps(report, ensure_ascii=False, indent=2) + "\n", output)
    else:
        writers = {"json": check_to_json, "jsonl": check_to_jsonl, "csv": check_to_csv}
        emit(writers[fmt](result), output)
    if outcome is None:
        return
    if not opts["quiet"]:
        word = "passed" if outcome.passed else "failed"
        err.print(f"gate {word}: {shown(outcome.reason)}", highlight=False, soft_wrap=True)
    if not outcome.passed:
        ctx.exit(EXIT_GATE)


@index_group.command("stats")
@index_option
@format_option(("table", "json"), "Output format.")
@click.option("--quiet", "-q", is_flag=True, help="Accepted as by every index command.")
def index_stats(location: str, fmt: str, quiet: bool) -> None:
    """Show how many articles the index holds, its size and its parameters.

    \b
    Example:
      newsdedup index stats --index news.db --format json
    """
    import json

    from .store import open_index
    from .store_report import render_stats

    out, _err = make_consoles()
    with open_index(location, readonly=True) as store:
        stats = store.stats()
    if fmt == "json":
        emit(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", None)
    else:
        _rendered(lambda console: render_stats(stats, console), None, out)


@index_group.command("remove")
@click.argument("ids", nargs=-1, required=True)
@index_option
@format_option(
    ("text", "json"), "Output format: one line of counts, or JSON (the ids removed and not found)."
)
@click.option("--quiet", "-q", is_flag=True, help="No warnings on stderr.")
def index_remove(ids: tuple[str, ...], location: str, fmt: str, quiet: bool) -> None:
    """Remove articles from the index by id (ids not there are named on stderr).

    \b
    Example:
      newsdedup index remove site_a/story.txt --index news.db
    """
    import json

    from .store import open_index
    from .store_report import remove_to_dict

    _out, err = make_consoles()
    with open_index(location) as store:
        removed, missing = store.remove(ids)
        total = len(store)
    for article_id in [] if quiet else missing:
        warn(err, f"{shown(article_id)}: not in the index")
    if fmt == "json":
        record = remove_to_dict(removed, missing, total)
        emit(json.dumps(record, ensure_ascii=False, indent=2) + "\n", None)
        return
    emit(f"removed {len(removed)} · not found {len(missing)} · index holds {total}\n", None)


def run_scan_dask(paths: Sequence[Path], opts: dict[str, Any], err: Console) -> DedupResult:
    """Scan on a Dask cluster (distributed.py): same result as `run_scan`."""
    from .distributed import scan_dask

    load = load_config_from(opts)
    issues, result = scan_dask(
        paths,
        scheduler=opts["dask"],
        load=load,
        config=dedup_config_from(opts),
        strict=opts["strict"],
        level=opts.get("level", "copy"),
        threads=opts.get("workers") or 1,
    )
    report_issues(LoadResult(articles=(), issues=issues), err, opts.get("quiet", False))
    if not result.articles:
        raise no_articles(paths, load, quiet=bool(opts.get("quiet", False)))
    warn_too_short(result, opts, err)
    return result


# ---- clean -------------------------------------------------------------------------------


@cli.command("clean")
@click.argument("paths", nargs=-1, required=True, type=INPUT_PATH)
@corpus_options
@cleaning_options
@click.option(
    "--show-dropped", is_flag=True, help="Text format: print every line, the dropped ones marked."
)
@output_options(("text", "json", "jsonl"))
@settings_option
def clean_command(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    show_dropped: bool,
    config_file: Path | None,
    **opts: Any,
) -> None:
    """Show which lines of each article are the article, and why the others were dropped.

    A folder (or JSONL file) is cleaned as `scan` cleans it: site templates are learned from
    all of its articles. `text` prints the kept article; `json` gives, per article,
    {"source", "id", "lines": [{"n", "kept", "reason"}], "text"} with `n` the 1-based line
    number in the original (one object for one article, else an array in id order).
    For a web page the lines are those of the extracted body; `--show-dropped` first
    lists the page lines the extractor left out, and JSON adds an `extractor` object.

    \b
    Examples:
      newsdedup clean seeds/003_25dd2bb96c5c1c17.txt --show-dropped
      newsdedup clean seeds/ --format json -o cleaned.json
      newsdedup clean page.html --show-dropped
    """
    from .clean_output import clean_to_json, clean_to_jsonl, clean_to_text
    from .pipeline import clean_corpus

    if show_dropped and fmt != "text":
        raise click.UsageError("--show-dropped goes with --format text")
    _, err = make_consoles()
    apply_settings(paths, opts, config_file)  # the files and encoding scan would read
    if output is not None:
        check_output_path(output, paths, load_config_from(opts))
    loaded = load_or_fail(paths, opts, err)
    config = CleanConfig(boilerplate=not opts["no_boilerplate"], templates=not opts["no_templates"])
    items = list(zip(loaded.articles, clean_corpus(loaded.articles, config), strict=True))
    # Pages: also show what the extractor left out (re-reads each page; clean is for people).
    extracted = {}
    if any(a.extractor for a in loaded.articles) and (fmt != "text" or show_dropped):
        from .html import extractor_views

        extracted = extractor_views(paths, load_config_from(opts))
    if fmt == "json":
        emit(clean_to_json(items, extracted=extracted), output)
    elif fmt == "jsonl":
        emit(clean_to_jsonl(items, extracted=extracted), output)
    else:
        emit(clean_to_text(items, show_dropped=show_dropped, extracted=extracted), output)
