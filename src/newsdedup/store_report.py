"""`index check` results as JSON, JSONL, CSV (byte-stable) and a rich table.

JSON keys are an API, like `scan`'s: add keys freely, rename or remove none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .records import LoadIssue, LoadResult
from .render import number, shown
from .serialize import csv_text
from .store import AddSummary, CheckedArticle, IndexCheckResult

CSV_FIELDS = ("id", "duplicate_of", "similarity", "jaccard", "containment", "via")


def _issue(issue: LoadIssue) -> dict[str, Any]:
    out: dict[str, Any] = {"source": issue.source, "problem": issue.problem}
    if issue.line is not None:
        out["line"] = issue.line
    return out


def _article(article: CheckedArticle) -> dict[str, Any]:
    return {
        "id": article.id,
        "duplicates": [
            {
                "id": m.id,
                "similarity": m.similarity,
                "jaccard": m.jaccard,
                "containment": m.containment,
                "shared": m.shared,
                "via": m.via,
            }
            for m in article.duplicates
        ],
    }


def check_to_dict(result: IndexCheckResult) -> dict[str, Any]:
    """Return the check report as plain data; `articles` lists only those with duplicates."""
    return {
        "newsdedup": __version__,
        "params": result.params,
        "summary": {
            "articles": len(result.articles),
            "duplicates": result.duplicates,
            "duplicate_rate": round(result.duplicate_rate, 4),
            "index_articles": result.index_articles,
            "candidates": result.candidates,
            "skipped": len(result.skipped),
            "too_short": len(result.too_short),
        },
        "articles": [_article(a) for a in result.articles if a.duplicates],
        "skipped": [_issue(i) for i in result.skipped],
        "warnings": [_issue(i) for i in result.warnings],
        "too_short": list(result.too_short),
    }


def check_to_json(result: IndexCheckResult) -> str:
    return json.dumps(check_to_dict(result), ensure_ascii=False, indent=2) + "\n"


def add_to_dict(summary: AddSummary, loaded: LoadResult) -> dict[str, Any]:
    """Return what `index add` did as plain data (`index add --format json`)."""
    return {
        "newsdedup": __version__,
        "summary": {
            "articles": len(loaded.articles),
            "added": summary.added,
            "too_short": summary.unindexed,
            "already_present": summary.present,
            "id_held": len(summary.taken),
            "replaced": len(summary.replaced),
            "index_articles": summary.total,
            "skipped": len(loaded.skipped),
        },
        "id_held": sorted(summary.taken),
        "replaced": sorted(summary.replaced),
        "skipped": [_issue(i) for i in loaded.skipped],
        "warnings": [_issue(i) for i in loaded.warnings],
    }


def remove_to_dict(removed: Sequence[str], missing: Sequence[str], total: int) -> dict[str, Any]:
    """Return what `index remove` did as plain data (`index remove --format json`)."""
    return {
        "newsdedup": __version__,
        "summary": {"removed": len(removed), "not_found": len(missing), "index_articles": total},
        "removed": list(removed),
        "not_found": list(missing),
    }


def check_to_jsonl(result: IndexCheckResult) -> str:
    """Return one object per checked article (those without duplicates too)."""
    return "".join(json.dumps(_article(a), ensure_ascii=False) + "\n" for a in result.articles)


def check_to_csv(result: IndexCheckResult) -> str:
    """Return one row per (checked article, indexed duplicate); one empty row if none."""
    rows: list[Sequence[object]] = [CSV_FIELDS]
    for article in result.articles:
        if not article.duplicates:
            rows.append([article.id] + [""] * (len(CSV_FIELDS) - 1))
        rows.extend(
            (article.id, m.id, m.similarity, m.jaccard, m.containment, m.via)
            for m in article.duplicates
        )
    return csv_text(rows)


def check_summary(result: IndexCheckResult) -> str:
    # "duplicate" is the verb here: "1 duplicates", "2 duplicate an indexed article".
    return (
        f"{number(len(result.articles), 'article')} checked against {result.index_articles} "
        f"indexed · {result.duplicates} "
        f"{'duplicates' if result.duplicates == 1 else 'duplicate'} an indexed article "
        f"({result.duplicate_rate:.1%})"
    )


def render_check(result: IndexCheckResult, console: Console) -> None:
    """Draw a table of the checked articles that duplicate indexed ones, and a summary."""
    hits = [a for a in result.articles if a.duplicates]
    if hits:
        table = Table(title=None)
        table.add_column("new article")
        table.add_column("duplicates (indexed)")
        table.add_column("similarity", justify="right")
        table.add_column("via")
        for article in hits:
            for n, m in enumerate(article.duplicates):
                table.add_row(
                    shown(article.id) if n == 0 else "",
                    shown(m.id),
                    f"{m.similarity:.2f}",
                    m.via,
                )
        console.print(table)
    console.print(check_summary(result), highlight=False, soft_wrap=True)


def render_stats(stats: dict[str, Any], console: Console) -> None:
    """Draw the index's counts and parameters."""
    table = Table(show_header=False, box=None)
    for key, value in stats.items():
        if key == "params":
            continue
        table.add_row(key, escape(str(value)))
    for key, value in stats["params"].items():
        table.add_row(key, escape(str(value)))
    console.print(table)
