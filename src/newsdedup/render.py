"""Views for people, drawn on a rich `Console` passed in; nothing here decides anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .explain import Explanation, PassageSide, StoryExplanation
from .gate import GateOutcome
from .records import Cluster, DedupResult, Line, Member

# Control characters (C0, DEL, C1) as Python writes them in a string literal: a file name
# or title holding a newline would break a table row or a one-line message, and an escape
# sequence (ESC) would drive the terminal.
_CONTROLS = {
    c: repr(chr(c))[1:-1] if chr(c) in "\t\n\r" else f"\\x{c:02x}"
    for c in (*range(0x20), *range(0x7F, 0xA0))
}


def visible(text: str) -> str:
    """Return `text` with its control characters written as escapes (`\\n`, `\\x1b`)."""
    return text.translate(_CONTROLS)


def shown(text: str) -> str:
    """Return `text` as rich markup that prints it literally, control characters escaped."""
    return escape(visible(text))


def render_report(result: DedupResult, console: Console) -> None:
    """Draw one block per cluster (representative, members, similarity), then a summary."""
    if result.has_stories:
        render_stories(result, console)
        return
    for cluster in result.clusters:
        block = Text(f"Cluster {cluster.id} · {cluster.size} articles\n", style="italic")
        block.append_text(
            member_table(
                cluster.members,
                cluster.representative,
                width=console.width,
                metadata=result.metadata,
            )
        )
        _print_block(console, block)
    console.print(summary_line(result), soft_wrap=True)


def _print_block(console: Console, block: Text, *, gap: bool = True) -> None:
    # member_table fits its lines to the width already: no wrapping, no highlighting, and one
    # print per block (rich's Table costs ~2 ms a cluster: 40 s for 18k clusters). `gap`: a
    # blank line after it.
    console.print(block, soft_wrap=True, highlight=False)
    if gap:
        console.print()


# The member table, drawn as rich's Table(show_edge=False) draws it: padding 1, a heavy rule
# under a bold header. Laid out here because a Table per cluster made the report of a 100k
# corpus take longer than the scan.
_SIMILARITY_WIDTH = len("representative")


def member_table(
    members: Sequence[Member],
    representative: str,
    *,
    width: int,
    indent: bool = False,
    metadata: Mapping[str, Mapping[str, str]] | None = None,
) -> Text:
    """Return the rows of a cluster's or story's members: ★ on the representative, each id
    (with the title and date known for it, dimmed), and its similarity; long ids fold."""
    rows: list[tuple[bool, list[tuple[str, str]], str]] = []
    for member in members:
        is_rep = member.id == representative
        cell = [(visible(member.id), "bold" if is_rep else "")]
        meta = (metadata or {}).get(member.id, {})
        about = visible(" · ".join(meta[k] for k in ("title", "date") if k in meta))
        if about:
            cell.append((about, "dim"))
        via = member.admitted_through(representative)
        if via:  # its similarity is to this member, not to the representative
            cell.append((f"via {visible(via)}", "dim"))
        rows.append((is_rep, cell, "representative" if is_rep else f"{member.similarity:.2f}"))
    lead = "    " if indent else ""
    fixed = len(lead) + (1 if indent else 0) + len(" ★ │  │  ") + _SIMILARITY_WIDTH
    widest = max([cell_len(text) for _, cell, _ in rows for text, _ in cell], default=0)
    article = max(len("article"), min(widest, width - fixed))
    sep = "┃" if indent else ""
    out = Text()
    out.append(
        f"{lead}{sep}   ┃ {'article'.ljust(article)} ┃ {'similarity':>{_SIMILARITY_WIDTH}}\n",
        "bold",
    )
    rule = "━" * (len(lead)) + ("╇" if indent else "")
    out.append(f"{rule}━━━╇{'━' * (article + 2)}╇{'━' * (_SIMILARITY_WIDTH + 2)}\n")
    bar = "│" if indent else ""
    for is_rep, cell, similarity in rows:
        pieces = [(piece, style) for text, style in cell for piece in _fold(text, article)]
        for n, (piece, style) in enumerate(pieces):
            star = "★" if is_rep and n == 0 else " "
            out.append(f"{lead}{bar} {star} │ ")
            out.append(piece, style or None)
            pad = " " * (article - cell_len(piece))
            right = f"{similarity:>{_SIMILARITY_WIDTH}}" if n == 0 else ""
            out.append(f"{pad} │ {right}".rstrip() + "\n")
    out.rstrip()
    return out


def _fold(text: str, width: int) -> list[str]:
    if cell_len(text) <= width:
        return [text]
    return chop_cells(text, max(1, width))


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """Return "[bold]1[/bold] story", "[bold]2[/bold] stories": the count in bold, the noun
    in the number it takes."""
    return f"[bold]{n}[/bold] {_noun(n, noun, plural)}"


def number(n: int, noun: str, plural: str | None = None) -> str:
    """Return "1 file", "2 files": `counted` without the markup."""
    return f"{n} {_noun(n, noun, plural)}"


def _noun(n: int, noun: str, plural: str | None) -> str:
    return noun if n == 1 else plural or noun + "s"


def summary_line(result: DedupResult) -> str:
    """Return the one-line summary: articles, clusters, duplicates, rate, skipped."""
    if result.clusters_are_stories:  # check --level story
        groups = counted(len(result.clusters), "story of two or more", "stories of two or more")
        extra = counted(result.duplicates, "further report")
    else:
        groups = counted(len(result.clusters), "duplicate cluster")
        extra = counted(result.duplicates, "duplicate")
    text = (
        f"{counted(result.articles, 'article')} · {groups} · {extra} ({result.duplicate_rate:.1%})"
    )
    return text + _left_out(result)


def _left_out(result: DedupResult) -> str:
    """Return the summary's counts of inputs skipped and articles too short to compare."""
    text = ""
    if result.skipped:
        text += f" · [yellow]{len(result.skipped)} skipped[/yellow]"
    if result.too_short:
        text += f" · [yellow]{len(result.too_short)} too short to compare[/yellow]"
    return text


def too_short_warning(result: DedupResult, shown_ids: int = 5) -> str | None:
    """Return the warning that some articles had nothing left to compare, or None."""
    return too_short_text(result.too_short, shown_ids)


def too_short_text(ids: Sequence[str], shown_ids: int = 5) -> str | None:
    """Return the warning that the articles `ids` had nothing left to compare, or None."""
    if not ids:
        return None
    names = ", ".join(shown(i) for i in ids[:shown_ids])
    more = len(ids) - shown_ids
    if more > 0:
        names += f" and {more:,} more (`too_short` in --format json lists all)"
    return (
        f"{number(len(ids), 'article has', 'articles have')} nothing left to "
        f"compare after cleaning (empty, or all boilerplate), so never called "
        f"{'a duplicate' if len(ids) == 1 else 'duplicates'}: {names}"
    )


# ---- check and explain -----------------------------------------------------------------


def render_gate(outcome: GateOutcome, result: DedupResult, console: Console) -> None:
    """Draw the gate's verdict, the largest clusters when it failed, and the summary."""
    if outcome.passed:
        console.print(f"[green]✓ check passed:[/green] {shown(outcome.reason)}", soft_wrap=True)
    else:
        console.print(f"[red]✗ check failed:[/red] {shown(outcome.reason)}", soft_wrap=True)
        stories = result.clusters_are_stories
        group = "story" if stories else "cluster"
        if stories:
            console.print("Largest stories (★ the representative report):", soft_wrap=True)
        else:
            console.print("Largest clusters (keep ★, drop the rest):", soft_wrap=True)
        for cluster in outcome.worst:
            console.print(
                f"  {group} {cluster.id} · {cluster.size} articles · "
                f"★ {shown(cluster.representative)}",
                highlight=False,
                soft_wrap=True,
            )
            for member in cluster.members:
                if member.id != cluster.representative:
                    via = member.admitted_through(cluster.representative)
                    console.print(
                        f"      {shown(member.id)} ({member.similarity:.2f}"
                        f"{f' via {shown(via)}' if via else ''})",
                        highlight=False,
                        soft_wrap=True,
                    )
        hidden = len(result.clusters) - len(outcome.worst)
        if hidden > 0:
            more = "stories" if stories else "clusters"
            console.print(f"  … and {hidden} more {more} (see `newsdedup scan`)")
    console.print(summary_line(result), soft_wrap=True)


_SHARED_STYLE = "bold green"


def _highlighted(side: PassageSide) -> Text:
    body = Text(side.text)
    for start, end in side.spans:
        body.stylize(_SHARED_STYLE, start, end)
    text = Text()
    text.append(f"{side.line}: ", style="dim")
    return text.append_text(body)


def _dropped_table(title: str, lines: tuple[Line, ...]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, expand=False)
    table.add_column("line", justify="right")
    table.add_column("why")
    table.add_column("text", overflow="fold")
    for ln in lines:
        table.add_row(str(ln.n), ln.reason or "", Text(ln.text))
    return table


def _verdict_and_table(verdict: str, yes: bool, console: Console) -> Table:
    """Print an explanation's verdict (green when yes) and return its what/value table."""
    colour = "green" if yes else "red"
    console.print(f"[bold {colour}]{escape(verdict)}[/bold {colour}]", soft_wrap=True)
    console.print()
    table = Table(show_edge=False, show_header=False, expand=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    return table


def render_explanation(e: Explanation, console: Console) -> None:
    """Draw the evidence for one pair: scores, LSH bands, dropped lines, shared passages."""
    scores = _verdict_and_table(e.verdict, e.duplicate, console)
    for name, side in (("A", e.a), ("B", e.b)):
        shingles, lines = number(side.shingles, "shingle"), number(side.kept_lines, "line")
        scores.add_row(name, f"{shown(side.id)} · {shingles} · {lines} kept")
    scores.add_row(
        "exact Jaccard",
        f"{e.jaccard:.4f} ({e.shared} shared shingles; threshold {e.params['threshold']:g})",
    )
    scores.add_row(
        "containment",
        f"A in B {e.a.contained:.4f} · B in A {e.b.contained:.4f} "
        f"(threshold {e.params['containment']:g})",
    )
    scores.add_row("MinHash estimate", f"{e.minhash_estimate:.4f} ({e.params['num_perm']} perms)")
    bands = ", ".join(str(b) for b in e.matched_bands) or "none"
    scores.add_row(
        "LSH bands matched",
        f"{len(e.matched_bands)} of {e.bands} ({e.rows} rows each): {bands}",
    )
    if e.lede_bands:
        ledes = ", ".join(str(b) for b in e.matched_lede_bands) or "none"
        scores.add_row(
            "lede bands matched",
            f"{len(e.matched_lede_bands)} of {e.lede_bands} (first "
            f"{e.params['lede_words']} words): {ledes}",
        )
    scores.add_row(
        "site templates",
        "none: no corpus (name the articles inside --corpus to apply its templates)"
        if e.template_lines is None
        else f"{e.template_lines} template lines learned from the corpus",
    )
    console.print(scores)
    for name, side in (("A", e.a), ("B", e.b)):
        console.print()
        if side.dropped:
            title = f"Dropped from {name} ({shown(side.id)}) by cleaning"
            console.print(_dropped_table(title, side.dropped))
        else:
            console.print(f"Nothing dropped from {name} ({shown(side.id)}) by cleaning")
    console.print()
    if not e.passages:
        console.print("No shared passages.")
        return
    passages = Table(
        title=f"Shared passages ({len(e.passages)}; shared words in green)",
        title_justify="left",
        show_lines=True,
        expand=True,
    )
    passages.add_column(f"A · {shown(e.a.id)}", ratio=1, overflow="fold")
    passages.add_column(f"B · {shown(e.b.id)}", ratio=1, overflow="fold")
    for p in e.passages:
        passages.add_row(_highlighted(p.a), _highlighted(p.b))
    console.print(passages)


def render_story_explanation(e: StoryExplanation, console: Console) -> None:
    """Draw why two articles share a story or not: scores, dates, facts, terms."""
    table = _verdict_and_table(e.verdict, e.same_story, console)
    for name, article, story in (("A", e.a, e.story_a), ("B", e.b, e.story_b)):
        where = f"story {story}" if story is not None else "in no story"
        table.add_row(name, f"{shown(article)} · {where}")
    table.add_row("term similarity", f"{e.similarity:.4f} (cosine of TF-IDF term vectors)")
    score = "no edge" if e.score is None else f"{e.score:.4f}"
    basis = "neighbourhood agreement x facts"
    if e.shared_neighbours == 0:
        basis = (
            "neighbourhood agreement capped at the term similarity (no neighbour in common) x facts"
        )
    elif e.shared_neighbours is not None:
        basis += f", {counted(e.shared_neighbours, 'neighbour')} in common"
    table.add_row("story score", f"{score} ({basis}; threshold {e.threshold:g})")
    table.add_row("LSH candidate", "yes" if e.candidate else "no")
    dates = f"A {e.date_a or 'unknown'} · B {e.date_b or 'unknown'}"
    table.add_row("dates", dates + (" · too far apart" if e.dated_apart else ""))
    if e.group_mean is not None:
        dated = e.groups_dated_apart or 0
        against = f" · {counted(dated, 'cross pair')} dated apart" if dated else ""
        table.add_row(
            "their groups", f"mean score {e.group_mean:.4f} over all cross pairs{against}"
        )
    facts = []
    for name, f in (("A", e.facts_a), ("B", e.facts_b)):
        figures = ", ".join(sorted(f.decimals)) or "none"
        year = "none" if f.year is None else f"{f.year}" + ("" if f.named else " (its date)")
        facts.append(f"{name}: latest year {year}, figures {figures}")
    table.add_row("facts", " · ".join(facts) + f" (factor {e.fact_factor:g})")
    table.add_row("top terms A", escape(", ".join(e.terms_a)))
    table.add_row("top terms B", escape(", ".join(e.terms_b)))
    console.print(table)
    console.print()
    if not e.shared_terms:
        console.print("No terms in common.")
        return
    shared = Table(title="Terms both weigh most", title_justify="left", expand=False)
    shared.add_column("term")
    shared.add_column("weight in A", justify="right")
    shared.add_column("weight in B", justify="right")
    for term, wa, wb in e.shared_terms:
        shared.add_row(escape(term), f"{wa:.4f}", f"{wb:.4f}")
    console.print(shared)


def _story_title(story: Cluster) -> str:
    label = f" · {shown(story.label)}" if story.label else ""
    return f"[bold]Story {story.id}[/bold] · {story.size} articles{label}"


def render_stories(result: DedupResult, console: Console) -> None:
    """Draw each story under a one-line label (its most telling terms); at `--level both`,
    its copy clusters are drawn inside it, then its other reports."""
    w = console.width
    meta = result.metadata
    for story in result.stories:
        console.print(_story_title(story), highlight=False, overflow="ellipsis", no_wrap=True)
        if result.clusters_are_stories:
            _print_block(
                console, member_table(story.members, story.representative, width=w, metadata=meta)
            )
            continue
        copies = [c for c in result.clusters if c.story == story.id]
        in_copies = {m.id for c in copies for m in c.members}
        for cluster in copies:
            console.print(f"  copies: cluster {cluster.id} · {cluster.size} articles")
            _print_block(
                console,
                member_table(
                    cluster.members, cluster.representative, width=w, indent=True, metadata=meta
                ),
                gap=False,
            )
        others = [m for m in story.members if m.id not in in_copies]
        if others:
            console.print("  other reports (similarity to the story's representative)")
            _print_block(
                console,
                member_table(others, story.representative, width=w, indent=True, metadata=meta),
                gap=False,
            )
        console.print()
    if result.clusters_are_stories:
        placed = sum(s.size for s in result.stories)
        console.print(
            f"{counted(result.articles, 'article')} · "
            f"{counted(len(result.stories), 'story', 'stories')} of two or more "
            f"({placed} articles){_left_out(result)}",
            soft_wrap=True,
        )
    else:
        console.print(
            f"{summary_line(result)} · {counted(len(result.stories), 'story', 'stories')}",
            soft_wrap=True,
        )
