"""newsdedup: find near-duplicate news articles and group the ones that report the same event."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("newsdedup")
except _metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

from .config import CleanConfig, DedupConfig, IndexConfig, LoadConfig, ShingleConfig, StoryConfig
from .errors import (
    ConfigError,
    DecodeError,
    InputError,
    MemoryLimitError,
    NewsdedupError,
    RecordError,
)
from .explain import Explanation, explain
from .gate import GateOutcome, GatePolicy, evaluate_gate
from .load import iter_corpus, load_corpus
from .memory import memory_budget
from .pipeline import clean, clean_corpus, corpus_templates, find_duplicates, scan_corpus
from .records import (
    Article,
    CleanText,
    Cluster,
    DedupResult,
    Line,
    LoadIssue,
    LoadResult,
    Match,
    Member,
    Pair,
)
from .render import render_report
from .serialize import to_csv, to_json, to_jsonl
from .settings import Settings, discover_settings, read_settings
from .store import open_index
from .story import add_stories, corpus_stats, find_stories, story_similarity
from .write import DedupPlan, plan_dedup, write_deduplicated

__all__ = [
    "Article",
    "CleanConfig",
    "CleanText",
    "Cluster",
    "ConfigError",
    "DecodeError",
    "DedupConfig",
    "DedupPlan",
    "DedupResult",
    "Explanation",
    "GateOutcome",
    "GatePolicy",
    "IndexConfig",
    "InputError",
    "Line",
    "LoadConfig",
    "LoadIssue",
    "LoadResult",
    "Match",
    "Member",
    "MemoryLimitError",
    "NewsdedupError",
    "Pair",
    "RecordError",
    "Settings",
    "ShingleConfig",
    "StoryConfig",
    "__version__",
    "add_stories",
    "clean",
    "clean_corpus",
    "corpus_stats",
    "corpus_templates",
    "discover_settings",
    "evaluate_gate",
    "explain",
    "find_duplicates",
    "find_stories",
    "iter_corpus",
    "load_corpus",
    "memory_budget",
    "open_index",
    "plan_dedup",
    "read_settings",
    "render_report",
    "scan_corpus",
    "story_similarity",
    "to_csv",
    "to_json",
    "to_jsonl",
    "write_deduplicated",
]
