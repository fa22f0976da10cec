"""ECB+ in a haystack: story grouping of the ECB+ articles mixed into unrelated real news.

    python bench/story_haystack.py                         # ECB+ among 20,000 background articles
    python bench/story_haystack.py --background 0          # ECB+ alone (what eval_stories scores)
    python bench/story_haystack.py --background 5000 --json

`eval_stories.py` scores ECB+ alone: 746 articles, 32 topics, every article in some story of
its topic. A real corpus is mostly other news, which changes the idf of every term and offers
every article thousands of wrong candidates. Here the background is the real news of
bbc-fulltext and reuters21578 (distinct articles, in that order), the story level runs over
all of it as `scan --level story` does, and B-cubed, ARI and event mixing are scored on the
ECB+ articles alone; it also counts the ECB+ articles that share a story with background ones.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts below

import eval_stories
import synth

DEFAULT_DATA = eval_stories.DEFAULT_DATA


def background(data_dir: Path, n: int) -> list[tuple[str, str, str]]:
    """Return (id, title, text) of the first `n` BBC then Reuters articles."""
    raw = data_dir / "raw"
    sources = synth.load_bbc(raw / "bbc-fulltext") + synth.load_reuters(raw / "reuters21578")
    return [
        ("bg/" + s.key, s.headline, s.headline + "\n\n" + "\n\n".join(s.paragraphs))
        for s in sources[:n]
    ]


def run(data_dir: Path, n: int, workers: int) -> dict[str, object]:
    """Group ECB+ plus `n` background articles into stories; score the ECB+ articles."""
    from newsdedup import Article
    from newsdedup.pipeline import find_duplicates

    ecb = eval_stories.load_ecb(data_dir)
    articles = [
        Article(id="ecb/" + a["id"], text=a["text"], source="ecb", title=a["title"], date=a["date"])
        for a in ecb
    ]
    articles += [
        Article(id=i, text=text, source="background", title=title)
        for i, title, text in background(data_dir, n)
    ]
    start = time.perf_counter()
    result = find_duplicates(articles, level="story", workers=workers)
    seconds = time.perf_counter() - start
    ids = ["ecb/" + a["id"] for a in ecb]
    groups, with_background = [], 0
    for story in result.stories:
        members = [m.id for m in story.members]
        ours = [m for m in members if m.startswith("ecb/")]
        if ours:
            groups.append(ours)
            with_background += len(ours) if len(ours) < len(members) else 0
    truth = [eval_stories.ecb_story(a["id"]) for a in ecb]
    pred = eval_stories.labels_from_groups(ids, groups)
    precision, recall, f1 = eval_stories.bcubed(truth, pred)
    return {
        "background": len(articles) - len(ecb),
        "ecb_articles": len(ecb),
        "bcubed_f1": round(f1, 4),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "ari": round(eval_stories.adjusted_rand(truth, pred), 4),
        "ecb_with_background": with_background,
        "candidates": result.extra.get("story_candidates"),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the scores (a line, or JSON with --json); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--background", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.data / eval_stories.ECB_DIR).is_dir():
        print(f"error: {args.data}: no ECB+ data here (pass --data)", file=sys.stderr)
        return 2
    row = run(args.data, args.background, args.workers)
    if args.json:
        print(json.dumps(row, indent=2))
    else:
        print(
            f"ECB+ ({row['ecb_articles']}) among {row['background']:,} background articles: "
            f"B3 F1 {row['bcubed_f1']:.3f} (P {row['bcubed_precision']:.3f}, "
            f"R {row['bcubed_recall']:.3f}), ARI {row['ari']:.3f}, "
            f"{row['ecb_with_background']} ECB+ articles in a story with background ones, "
            f"{row['candidates']:,} candidates, {row['seconds']} s, "
            f"peak RSS {row['peak_rss_mb']:,} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
