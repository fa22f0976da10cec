"""Views for people, drawn on a rich `Console` passed in; nothing here decides anything."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .records import DedupResult


def render_report(result: DedupResult, console: Console) -> None:
    """Draw one block per cluster (representative, members, similarity), then a summary."""
    for cluster in result.clusters:
        table = Table(
            title=f"Cluster {cluster.id} · {cluster.size} articles",
            title_justify="left",
            show_edge=False,
            expand=False,
        )
        table.add_column("", width=1)
        table.add_column("article", overflow="fold")
        table.add_column("similarity", justify="right")
        for member in cluster.members:
            is_rep = member.id == cluster.representative
            table.add_row(
                "★" if is_rep else "",
                f"[bold]{escape(member.id)}[/bold]" if is_rep else escape(member.id),
                "representative" if is_rep else f"{member.similarity:.2f}",
            )
        console.print(table)
        console.print()
    console.print(summary_line(result))


def summary_line(result: DedupResult) -> str:
    """Return the one-line summary: articles, clusters, duplicates, rate, skipped."""
    text = (
        f"[bold]{result.articles}[/bold] articles · [bold]{len(result.clusters)}[/bold] "
        f"duplicate clusters · [bold]{result.duplicates}[/bold] duplicates "
        f"({result.duplicate_rate:.1%})"
    )
    if result.skipped:
        text += f" · [yellow]{len(result.skipped)} skipped[/yellow]"
    return text
