"""Evaluate story grouping on ECB+ and story similarity on SemEval-2022 Task 8 pairs.

Grouping: every ECB+ article is one item; its true story is ``topic + ("ecbplus" | "ecb")``
from the file name, so two events of the same kind inside a topic must stay apart.  Scores are
B-cubed precision and recall (per-item averages, F1 of the two averages) and the adjusted Rand
index, and how many topics have a predicted story holding articles of both their events
(`event_mixing`: any, substantial, and the number of articles sitting with the other event).
The baseline is TF-IDF cosine, an edge wherever cosine >= t, and connected components;
its best t comes from a sweep over this very data, so that row is an upper bound for the
baseline, not a fair held-out figure.  The t=0.3 row is the untuned one.

Similarity: Spearman's rho between a similarity function and the human ``Overall`` score on
original English-English pairs.  ``Overall`` runs from 1 (same story) to 4 (unrelated), so a
good similarity correlates negatively; we print -rho, where higher is better.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

Articles = list[dict[str, Any]]
GroupFn = Callable[[Articles], list[list[str]]]
SimFn = Callable[[str, str], float]

# --- adapters to newsdedup: the only code that knows its API (imported late, may be absent) ----


def newsdedup_group(articles: Articles) -> list[list[str]]:
    """Group articles into stories with the newsdedup library."""
    from newsdedup import Article, find_stories

    result = find_stories(
        [
            Article(id=a["id"], text=a["text"], source=a["id"], title=a["title"], date=a["date"])
            for a in articles
        ]
    )
    stories = getattr(result, "stories", result)
    return [[getattr(m, "id", m) for m in story.members] for story in stories]


def newsdedup_similarity(text1: str, text2: str) -> float:
    """Return the newsdedup library's story similarity of two texts."""
    from newsdedup import story_similarity

    return float(story_similarity(text1, text2))


def newsdedup_fitted_similarity(texts: Iterable[str]) -> SimFn:
    """Return newsdedup's story similarity with idf from `texts`, as the TF-IDF row fits it."""
    from newsdedup import corpus_stats, story_similarity

    stats = corpus_stats(texts)
    return lambda text1, text2: float(story_similarity(text1, text2, stats=stats))


def newsdedup_cli_group(articles: Articles) -> list[list[str]]:
    """Group articles by running ``newsdedup scan FILE.jsonl --level story --format json``."""
    exe = shutil.which("newsdedup")
    if exe is None and importlib.util.find_spec("newsdedup") is None:
        raise ImportError("no `newsdedup` command on PATH and no newsdedup module")
    cmd = [exe] if exe else [sys.executable, "-m", "newsdedup"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        records = ({k: v for k, v in a.items() if v is not None} for a in articles)
        lines = (json.dumps(r, ensure_ascii=False) for r in records)
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        args = [*cmd, "scan", str(path), "--level", "story", "--format", "json"]
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():  # 1 = gate failed, report valid
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"newsdedup scan exited {proc.returncode}: {last}")
    stories = json.loads(proc.stdout).get("stories", [])
    return [[m["id"] for m in story["members"]] for story in stories]


# --- constants ----------------------------------------------------------------------------------

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ECB_DIR = Path("raw") / "ecbplus" / "ECB+"
SEMEVAL_DIR = Path("raw") / "semeval2022-task8-hfl-sample" / "data"
WORD_RE = re.compile(r"[a-z]+")
AUGMENTED_RE = re.compile(r"[a-z]")  # machine-translated augmentation rows carry a language suffix
FIXED_T = 0.3
T_GRID = tuple(round(0.01 * i, 2) for i in range(1, 100))  # 0.01 .. 0.99; best t is sought here
SHOWN_EVERY = 5  # the table shows every 5th grid point; the JSON carries all of them
ROUND = 4
# A story mixes a topic's events substantially when its minority event has this many articles
# or this share of the topic's articles in it (see `event_mixing`).
SOFT_MIN_ARTICLES = 2
SOFT_MIN_SHARE = 0.2
# NLTK's English list (lowercased, letters only: tokens are [a-z]+, so "don't" is "don" + "t").
STOP_WORDS = frozenset(  # one string keeps the list readable; split once at import
    """
    a about above after again against ain all am an and any are aren as at be because been
    before being below between both but by can couldn d did didn do does doesn doing don down
    during each few for from further had hadn has hasn have haven having he her here hers
    herself him himself his how i if in into is isn it its itself just ll m ma me mightn more
    most mustn my myself needn no nor not now o of off on once only or other our ours ourselves
    out over own re s same shan she should shouldn so some such t than that the their theirs
    them themselves then there these they this those through to too under until up ve very was
    wasn we were weren what when where which while who whom why will with won wouldn y you your
    yours yourself yourselves
    """.split()  # noqa: SIM905
)


# --- metrics ------------------------------------------------------------------------------------


def _contingency(truth: Sequence[Hashable], pred: Sequence[Hashable]) -> np.ndarray:
    if len(truth) != len(pred):
        raise ValueError(f"label lists differ in length: {len(truth)} vs {len(pred)}")
    t_index = {k: i for i, k in enumerate(dict.fromkeys(truth))}
    p_index = {k: i for i, k in enumerate(dict.fromkeys(pred))}
    table = np.zeros((len(t_index), len(p_index)), dtype=np.int64)
    for t, p in zip(truth, pred, strict=True):
        table[t_index[t], p_index[p]] += 1
    return table


def bcubed(truth: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """Return B-cubed (precision, recall, F1): per-item averages, F1 of the two averages."""
    table = _contingency(truth, pred)
    n = table.sum()
    if n == 0:
        return 1.0, 1.0, 1.0
    squares = table.astype(np.float64) ** 2
    p = float((squares / table.sum(axis=0, keepdims=True)).sum() / n)
    r = float((squares / table.sum(axis=1, keepdims=True)).sum() / n)
    return p, r, 2 * p * r / (p + r)


def _pairs(counts: np.ndarray) -> float:
    return float((counts * (counts - 1) // 2).sum())


def adjusted_rand(truth: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Return the adjusted Rand index (Hubert & Arabie); 1.0 when both partitions are trivial."""
    table = _contingency(truth, pred)
    n = int(table.sum())
    both = _pairs(table)
    rows, cols = _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    top = (rows + cols) / 2
    if top == expected:
        return 1.0
    return (both - expected) / (top - expected)


def _ranks(values: Sequence[float]) -> np.ndarray:
    """Return 1-based ranks, ties sharing their average rank."""
    x = np.asarray(values, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x), dtype=np.float64)
    sorted_x = x[order]
    start = 0
    for end in range(1, len(x) + 1):
        if end == len(x) or sorted_x[end] != sorted_x[start]:
            ranks[order[start:end]] = (start + end + 1) / 2
            start = end
    return ranks


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Return Pearson's r; 0.0 when either side is constant."""
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    a, b = a - a.mean(), b - b.mean()
    denom = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return float((a * b).sum()) / denom if denom else 0.0


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Return Spearman's rho: Pearson's r of the average ranks."""
    return pearson(_ranks(x), _ranks(y))


def labels_from_groups(ids: Sequence[str], groups: Iterable[Iterable[str]]) -> list[str]:
    """Return one cluster label per id; ids in no group are singletons."""
    known = set(ids)
    label: dict[str, str] = {}
    for g, members in enumerate(groups):
        for m in members:
            if m not in known:
                raise ValueError(f"grouping names an unknown article id: {m!r}")
            if m in label:
                raise ValueError(f"article {m!r} is in more than one group")
            label[m] = f"g{g}"
    return [label.get(i, f"s:{i}") for i in ids]


# --- TF-IDF baseline ----------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Return the lowercased ``[a-z]+`` tokens of `text` that are not stop words."""
    return [w for w in WORD_RE.findall(text.lower()) if w not in STOP_WORDS]


@dataclass(frozen=True, slots=True)
class Tfidf:
    """A fitted TF-IDF model: sublinear tf, smoothed idf, l2-normalised rows, min df 1."""

    vocab: Mapping[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Iterable[str]) -> Tfidf:
        """Fit vocabulary and idf on `texts`; idf = ln((1 + n) / (1 + df)) + 1, as scikit-learn."""
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(words(text)))
            n += 1
        terms = sorted(df)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in terms], dtype=np.float64)
        return cls({t: i for i, t in enumerate(terms)}, idf)

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        """Return one l2-normalised row per text; unknown words are ignored."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        n = 0
        for n, text in enumerate(texts, start=1):
            tf = Counter(self.vocab[w] for w in words(text) if w in self.vocab)
            idx = sorted(tf)
            weights = np.array([(1 + math.log(tf[i])) * self.idf[i] for i in idx], dtype=np.float64)
            rows += [n - 1] * len(idx)
            cols += idx
            if idx:  # every weight is >= 1, so the norm is positive
                vals += (weights / np.linalg.norm(weights)).tolist()
        return sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocab)))


def cosine_matrix(texts: Sequence[str]) -> np.ndarray:
    """Return the dense cosine-similarity matrix of TF-IDF vectors fitted on `texts`."""
    x = Tfidf.fit(texts).transform(texts)
    return np.asarray((x @ x.T).todense())


def threshold_groups(ids: Sequence[str], sims: np.ndarray, t: float) -> list[list[str]]:
    """Return connected components of the graph with an edge wherever similarity >= `t`."""
    _, comp = connected_components(sparse.csr_matrix(sims >= t), directed=False)
    groups: dict[int, list[str]] = {}
    for i, c in zip(ids, comp, strict=True):
        groups.setdefault(int(c), []).append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def tfidf_group(t: float = FIXED_T) -> GroupFn:
    """Return a group_fn that links articles with TF-IDF cosine >= `t`."""

    def group(articles: Articles) -> list[list[str]]:
        sims = cosine_matrix([a["text"] for a in articles])
        return threshold_groups([a["id"] for a in articles], sims, t)

    return group


def tfidf_similarity(texts: Iterable[str]) -> SimFn:
    """Return a sim_fn: cosine of TF-IDF vectors fitted on `texts`."""
    model = Tfidf.fit(texts)

    def sim(text1: str, text2: str) -> float:
        x = model.transform([text1, text2])
        return float(x[0].multiply(x[1]).sum())

    return sim


# --- data ---------------------------------------------------------------------------------------


def read_ecb(path: Path) -> dict[str, Any]:
    """Return one ECB+ article: sentences joined by newlines, url from sentence 0 of ecbplus."""
    tokens = []
    for tok in ET.parse(path).getroot().iter("token"):
        tokens.append((int(tok.get("sentence", 0)), int(tok.get("number", 0)), tok.text or ""))
    sentences: dict[int, list[str]] = {}
    for s, _, text in sorted(tokens):
        sentences.setdefault(s, []).append(text)
    url = None
    if "ecbplus" in path.name:
        url = "".join(sentences.pop(0, []))
    body = "\n".join(" ".join(sentences[s]) for s in sorted(sentences))
    return {"id": path.name, "text": body, "title": None, "date": None, "url": url}


def ecb_story(name: str) -> str:
    """Return the true story label of an ECB+ file name."""
    return name.split("_")[0] + ("ecbplus" if "ecbplus" in name else "ecb")


def ecb_topic(name: str) -> str:
    """Return the topic folder of an ECB+ file name: both of its events share it."""
    return name.split("_")[0]


def event_mixing(
    groups: Iterable[Iterable[str]],
    *,
    event: Callable[[str], str] = ecb_story,
    topic: Callable[[str], str] = ecb_topic,
) -> dict[str, Any]:
    """Return which topics have a predicted story holding articles of two of their events.

    A story *mixes* topic T when it holds at least one article of each of two different events
    of T (the strict count: one stray article is enough). It mixes T *substantially* when,
    besides, the minority event among T's articles in that story has at least
    `SOFT_MIN_ARTICLES` articles or at least `SOFT_MIN_SHARE` of them (a lone stray in a big
    story does not count).  `cross_topic` counts stories holding articles of two topics.
    """
    mixed: set[str] = set()
    soft: set[str] = set()
    cross = 0
    strays = 0  # articles of a story's minority event(s), summed over stories and topics
    for members in groups:
        by_topic: dict[str, Counter[str]] = {}
        for m in members:
            by_topic.setdefault(topic(m), Counter())[event(m)] += 1
        cross += len(by_topic) > 1
        for t, events in by_topic.items():
            if len(events) < 2:
                continue
            mixed.add(t)
            minority = sum(events.values()) - max(events.values())
            strays += minority
            if minority >= SOFT_MIN_ARTICLES or minority >= SOFT_MIN_SHARE * sum(events.values()):
                soft.add(t)
    order = _topic_order
    return {
        "mixed": len(mixed),
        "mixed_soft": len(soft),
        "cross_topic": cross,
        "minority_articles": strays,
        "mixed_topics": sorted(mixed, key=order),
        "mixed_soft_topics": sorted(soft, key=order),
    }


def _topic_order(t: str) -> tuple[int, str]:
    return (int(t), t) if t.isdigit() else (1 << 30, t)


def load_ecb(data_dir: Path) -> Articles:
    """Return every ECB+ article, sorted by topic folder then file name."""
    root = data_dir / ECB_DIR
    paths = sorted(root.glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name))
    return [read_ecb(p) for p in paths]


def load_pairs(data_dir: Path) -> list[dict[str, Any]]:
    """Return original English-English pairs, first copy of each pair id, in file order."""
    seen: dict[str, dict[str, Any]] = {}
    for path in sorted((data_dir / SEMEVAL_DIR).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                pid = row["pair_id"]
                if row["lang1"] != "en" or row["lang2"] != "en" or AUGMENTED_RE.search(pid):
                    continue
                if pid not in seen:
                    seen[pid] = {
                        "pair_id": pid,
                        "text1": row["text1"],
                        "text2": row["text2"],
                        "overall": float(row["Overall"]),
                    }
    return list(seen.values())


# --- scoring ------------------------------------------------------------------------------------


def score_labels(
    ids: Sequence[str], truth: Sequence[str], groups: Iterable[Iterable[str]]
) -> dict[str, Any]:
    """Return B-cubed, ARI and cluster counts of `groups` against `truth` labels."""
    pred = labels_from_groups(ids, groups)
    p, r, f1 = bcubed(truth, pred)
    return {
        "f1": f1,
        "precision": p,
        "recall": r,
        "ari": adjusted_rand(truth, pred),
        "clusters": len(set(pred)),
        "true_clusters": len(set(truth)),
        "articles": len(ids),
    }


def score_grouping(
    group_fn: GroupFn, data_dir: Path, *, topics: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    """Run `group_fn` on the ECB+ articles (of the `topics` it keeps, else all) and score it
    against the story labels."""
    articles = load_ecb(data_dir)
    if topics is not None:
        articles = [a for a in articles if topics(ecb_topic(a["id"]))]
    ids = [a["id"] for a in articles]
    groups = group_fn(articles)
    return {**score_labels(ids, [ecb_story(i) for i in ids], groups), **event_mixing(groups)}


def sweep_baseline(data_dir: Path, grid: Sequence[float] = T_GRID) -> list[dict[str, Any]]:
    """Return the TF-IDF baseline's scores at every threshold in `grid` (one cosine matrix)."""
    articles = load_ecb(data_dir)
    ids = [a["id"] for a in articles]
    truth = [ecb_story(i) for i in ids]
    sims = cosine_matrix([a["text"] for a in articles])
    return [{"t": t, **score_labels(ids, truth, threshold_groups(ids, sims, t))} for t in grid]


def score_similarity(sim_fn: SimFn, data_dir: Path) -> dict[str, Any]:
    """Return -Spearman and -Pearson of `sim_fn` against ``Overall`` (higher is better)."""
    pairs = load_pairs(data_dir)
    sims = [sim_fn(p["text1"], p["text2"]) for p in pairs]
    gold = [p["overall"] for p in pairs]
    return {"rho": -spearman(sims, gold), "pearson": -pearson(sims, gold), "pairs": len(pairs)}


# --- report -------------------------------------------------------------------------------------


def _rounded(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: round(v, ROUND) if isinstance(v, float) else v for k, v in row.items()}


def _grouping_line(name: str, row: Mapping[str, Any]) -> str:
    return (
        f"{name:<28} {row['f1']:>6.3f} {row['precision']:>6.3f} {row['recall']:>6.3f} "
        f"{row['ari']:>6.3f} {row['clusters']:>8}"
    )


def render_table(report: Mapping[str, Any]) -> str:
    """Return the plain-text report of whichever parts ran."""
    lines: list[str] = []
    if "grouping" in report:
        g = report["grouping"]
        lines.append(
            f"ECB+ story grouping: {g['articles']} articles, {g['true_clusters']} true stories"
        )
        lines.append(
            f"{'system':<28} {'B3 F1':>6} {'B3 P':>6} {'B3 R':>6} {'ARI':>6} {'clusters':>8}"
        )
        for row in g["rows"]:
            lines.append(_grouping_line(row["name"], row))
        lines += [
            "",
            f"Topics whose two events share a predicted story (of {g['true_clusters'] // 2}):"
            " any = one article of each is enough;",
            f"substantial = the minority event has >= {SOFT_MIN_ARTICLES} articles or >= "
            f"{SOFT_MIN_SHARE:.0%} of the topic's articles in that story",
            f"{'system':<28} {'any':>4} {'subst':>5} {'strays':>6} {'x-topic':>7}  "
            "topics mixed (substantial*)",
        ]
        for row in g["rows"]:
            soft = set(row["mixed_soft_topics"])
            named = " ".join(t + ("*" if t in soft else "") for t in row["mixed_topics"])
            lines.append(
                f"{row['name']:<28} {row['mixed']:>4} {row['mixed_soft']:>5} "
                f"{row['minority_articles']:>6} {row['cross_topic']:>7}  {named}"
            )
        if g.get("halves"):
            lines += [
                "",
                "newsdedup on topic halves, each grouped apart (a parameter should hold on both)",
            ]
            lines.append(
                f"{'half':<28} {'B3 F1':>6} {'B3 P':>6} {'B3 R':>6} {'ARI':>6} {'clusters':>8}"
                f" {'any':>4} {'subst':>5} {'strays':>6}"
            )
            for row in g["halves"]:
                lines.append(
                    f"{_grouping_line(row['name'], row)} {row['mixed']:>4} {row['mixed_soft']:>5} "
                    f"{row['minority_articles']:>6}"
                )
        lines += [
            "",
            "TF-IDF threshold sweep (tuned on this data: an upper bound for the baseline)",
        ]
        lines.append(f"{'t':<28} {'B3 F1':>6} {'B3 P':>6} {'B3 R':>6} {'ARI':>6} {'clusters':>8}")
        for k, row in enumerate(g["sweep"], start=1):
            if k % SHOWN_EVERY == 0:
                lines.append(_grouping_line(f"{row['t']:.2f}", row))
    if "similarity" in report:
        s = report["similarity"]
        if lines:
            lines.append("")
        lines.append(
            f"SemEval-2022 Task 8, English pairs: {s['pairs']} pairs; "
            "-rho vs Overall (1 = same story), higher is better"
        )
        lines.append(f"{'similarity':<28} {'-rho':>6} {'-r':>6}")
        for row in s["rows"]:
            lines.append(f"{row['name']:<28} {row['rho']:>6.3f} {row['pearson']:>6.3f}")
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--part", choices=("all", "grouping", "similarity"), default="all")
    parser.add_argument(
        "--via",
        choices=("library", "cli"),
        default="library",
        help="call newsdedup in-process, or run `newsdedup scan --level story` on a JSONL file",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--halves",
        action="store_true",
        help="also group the odd and the even topics apart and score each (held-out check)",
    )
    return parser


def _try(label: str, run: Callable[[], dict[str, Any]], errors: list[str]) -> dict[str, Any] | None:
    """Return `run()`, or None: absent newsdedup is a note, a failing CLI run an error."""
    try:
        return run()
    except ImportError as exc:
        print(f"note: {label} row skipped, newsdedup not available: {exc}", file=sys.stderr)
    except RuntimeError as exc:
        print(f"error: {label} row failed: {exc}", file=sys.stderr)
        errors.append(f"{label}: {exc}")
    return None


_SWEEP_KEYS = ("t", "f1", "precision", "recall", "ari", "clusters", "true_clusters", "articles")


def topic_half(parity: int) -> Callable[[str], bool]:
    """Return a filter keeping the numbered topics of one parity (1 odd, 0 even)."""
    return lambda topic: topic.isdigit() and int(topic) % 2 == parity


HALVES = (("odd topics", 1), ("even topics", 0))


def run_halves(data_dir: Path, via: str, errors: list[str]) -> list[dict[str, Any]]:
    """Return newsdedup's scores on the odd and on the even topics, each grouped on its own.

    A parameter chosen on all of ECB+ should hold on both halves: a gain on one half only is
    likely fitted to that half's topics.
    """
    group_fn = newsdedup_cli_group if via == "cli" else newsdedup_group
    rows = []
    for name, parity in HALVES:
        label = f"newsdedup, {name}"
        row = _try(
            label,
            lambda p=parity: score_grouping(group_fn, data_dir, topics=topic_half(p)),
            errors,
        )
        if row is not None:
            rows.append(_rounded({"name": label, **row}))
    return rows


def run_grouping(data_dir: Path, via: str, errors: list[str]) -> dict[str, Any]:
    """Return the grouping part: fixed-t and best-t baseline rows, our row, and the sweep."""
    sweep = sweep_baseline(data_dir)
    fixed = next(r for r in sweep if r["t"] == FIXED_T)
    best = max(sweep, key=lambda r: (r["f1"], -r["t"]))
    articles = load_ecb(data_dir)
    for row in (fixed, best):
        row.update(event_mixing(tfidf_group(row["t"])(articles)))
    rows = [
        {"name": f"tfidf t={FIXED_T:.2f}", **fixed},
        {"name": f"tfidf best t={best['t']:.2f} (tuned)", **best},
    ]
    group_fn = newsdedup_cli_group if via == "cli" else newsdedup_group
    ours = _try(f"newsdedup ({via})", lambda: score_grouping(group_fn, data_dir), errors)
    if ours is not None:
        rows.append({"name": f"newsdedup ({via})", "t": None, **ours})
    return {
        "articles": fixed["articles"],
        "true_clusters": fixed["true_clusters"],
        "rows": [_rounded(r) for r in rows],
        "sweep": [_rounded({k: v for k, v in r.items() if k in _SWEEP_KEYS}) for r in sweep],
    }


def run_similarity(data_dir: Path, errors: list[str]) -> dict[str, Any]:
    """Return the similarity part: the TF-IDF baseline and, if importable, newsdedup."""
    pairs = load_pairs(data_dir)
    baseline = tfidf_similarity(t for p in pairs for t in (p["text1"], p["text2"]))
    rows = [{"name": "tfidf cosine", **score_similarity(baseline, data_dir)}]
    ours = _try("newsdedup", lambda: score_similarity(newsdedup_similarity, data_dir), errors)
    if ours is not None:
        rows.append({"name": "newsdedup.story_similarity", **ours})
        texts = [t for p in pairs for t in (p["text1"], p["text2"])]
        fitted = _try(
            "newsdedup (corpus idf)",
            lambda: score_similarity(newsdedup_fitted_similarity(texts), data_dir),
            errors,
        )
        if fitted is not None:
            rows.append({"name": "newsdedup, corpus idf", **fitted})
    return {"pairs": rows[0]["pairs"], "rows": [_rounded(r) for r in rows]}


def main(argv: Sequence[str] | None = None) -> int:
    """Print grouping and similarity scores; return 1 if a newsdedup run failed, else 0."""
    args = build_parser().parse_args(argv)
    report: dict[str, Any] = {}
    errors: list[str] = []
    if args.part in ("all", "grouping"):
        if not (args.data / ECB_DIR).is_dir():
            print(f"error: {args.data / ECB_DIR}: not found (try --data)", file=sys.stderr)
            return 2
        report["grouping"] = run_grouping(args.data, args.via, errors)
        if args.halves:
            report["grouping"]["halves"] = run_halves(args.data, args.via, errors)
    if args.part in ("all", "similarity"):
        if not (args.data / SEMEVAL_DIR).is_dir():
            print(f"error: {args.data / SEMEVAL_DIR}: not found (try --data)", file=sys.stderr)
            return 2
        report["similarity"] = run_similarity(args.data, errors)
    if args.format == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_table(report))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
