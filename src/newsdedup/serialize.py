"""JSON, JSONL and CSV for machines: pure functions with byte-stable output.

The JSON keys are an API (users' scripts read them): add keys freely, rename or remove none
without a changelog entry.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Sequence
from typing import Any

from . import __version__
from .records import Cluster, DedupResult, LoadIssue, Member

CSV_FIELDS = ("id", "cluster", "representative", "similarity")
STORY_FIELDS = ("story", "story_representative", "story_similarity")  # with --level both
# Last, after the story fields: added 2026-11-25, so scripts reading columns by position see
# the ones before where they were.
VIA_FIELDS = ("via",)


def _issue(issue: LoadIssue) -> dict[str, Any]:
    out: dict[str, Any] = {"source": issue.source, "problem": issue.problem}
    if issue.line is not None:
        out["line"] = issue.line
    return out


def _cluster(cluster: Cluster, metadata: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    meta = metadata or {}
    out: dict[str, Any] = {
        "id": cluster.id,
        "size": cluster.size,
        "representative": cluster.representative,
        "members": [
            {
                "id": m.id,
                "similarity": m.similarity,
                **({"via": m.via} if m.via else {}),
                **meta.get(m.id, {}),  # title, date, url: only when the source gave them
            }
            for m in cluster.members
        ],
    }
    if cluster.story is not None:
        out["story"] = cluster.story
    if cluster.label is not None:
        out["label"] = cluster.label
    return out


def to_dict(result: DedupResult) -> dict[str, Any]:
    """Return the report as plain data, in the documented key order."""
    out: dict[str, Any] = {
        "newsdedup": __version__,
        "params": result.params,
        "summary": {
            "articles": result.articles,
            "clusters": len(result.clusters),
            "duplicates": result.duplicates,
            "duplicate_rate": round(result.duplicate_rate, 4),
            "skipped": len(result.skipped),
            "too_short": len(result.too_short),
            **{k: v for k, v in sorted(result.extra.items())},
        },
        "clusters": [_cluster(c, result.metadata) for c in result.clusters],
    }
    if result.has_stories:
        out["summary"]["stories"] = len(result.stories)
        out["stories"] = [_cluster(s, result.metadata) for s in result.stories]
    out["skipped"] = [_issue(i) for i in result.skipped]
    out["warnings"] = [_issue(i) for i in result.warnings]
    out["too_short"] = list(result.too_short)
    return out


def to_json(result: DedupResult) -> str:
    """Return the report as UTF-8-safe JSON text with a final newline."""
    _check_result(result)
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


def _check_result(result: object) -> None:
    if not isinstance(result, DedupResult):
        raise TypeError(f"expected the DedupResult of find_duplicates, got {type(result).__name__}")


def article_rows(result: DedupResult) -> list[dict[str, Any]]:
    """Return one row per article: its cluster, representative and similarity (or empty);
    with `--level both`, also its story, the story's representative and its similarity; and
    `via`, the member whose verified pair admitted it when that is not the representative
    (its `similarity` is that pair's: QA 19b #1)."""
    placed = _placed(result.clusters)
    stories = _placed(result.stories) if result.has_stories else None
    rows: list[dict[str, Any]] = []
    for article_id in result.article_ids:
        cluster, member = placed.get(article_id, (None, None))
        row = {
            "id": article_id,
            "cluster": cluster.id if cluster else None,
            "representative": cluster.representative if cluster else None,
            "similarity": member.similarity if member else None,
        }
        if stories is not None:
            story, story_member = stories.get(article_id, (None, None))
            row["story"] = story.id if story else None
            row["story_representative"] = story.representative if story else None
            row["story_similarity"] = story_member.similarity if story_member else None
        row["via"] = member.admitted_through(cluster.representative) if cluster and member else None
        rows.append(row)
    return rows


def _placed(clusters: Sequence[Cluster]) -> dict[str, tuple[Cluster, Member]]:
    return {m.id: (c, m) for c in clusters for m in c.members}


def to_jsonl(result: DedupResult) -> str:
    """Return one JSON object per article, one per line."""
    _check_result(result)
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in article_rows(result))


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Return `rows` as CSV, each row ending in "\\n" (None as an empty field).

    Every field holding a line break is quoted, a bare "\\r" included: with "\\n" as the
    line terminator, the csv module quotes "\\n" but not "\\r", and an id holding one split
    its row for every reader. Rows are written with "\\r\\n" (so both are quoted) and the
    terminator is turned into "\\n"; rows without a bare "\\r" come out as before.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        buffer.seek(buffer.tell() - 2)
        buffer.write("\n")
        buffer.truncate()
    return buffer.getvalue()


def to_csv(result: DedupResult) -> str:
    """Return one CSV row per article with a header; singletons have empty cluster fields."""
    _check_result(result)
    fields = CSV_FIELDS + (STORY_FIELDS if result.has_stories else ()) + VIA_FIELDS
    rows = ([row[k] for k in fields] for row in article_rows(result))
    return csv_text(itertools.chain([fields], rows))
