"""Verified pairs → clusters: union-find, the representative rule, a fixed order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .records import Cluster, Match, Member


class UnionFind:
    """Disjoint sets over string ids; the root is the smallest id, so results never depend
    on the order unions happen in.

    >>> uf = UnionFind()
    >>> uf.union("b", "a"); uf.union("c", "b")
    >>> uf.find("c")
    'a'
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self._parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            self._parent[hi] = lo

    def groups(self) -> list[list[str]]:
        """Return every set of two or more ids, each sorted."""
        by_root: dict[str, list[str]] = {}
        for x in self._parent:
            by_root.setdefault(self.find(x), []).append(x)
        return [sorted(g) for g in by_root.values() if len(g) > 1]


def pick_representative(ids: Iterable[str], length: Mapping[str, int]) -> str:
    """Return the member with the longest clean text; ties go to the smallest id."""
    return min(ids, key=lambda i: (-length[i], i))


def build_clusters(
    matches: Iterable[Match],
    length: Mapping[str, int],
    similarity_to: Callable[[str, str], Match | None],
    sizes: Mapping[str, int] | None = None,
) -> tuple[Cluster, ...]:
    """Return clusters sorted by size (desc) then representative id, numbered from 1.

    An article joins a cluster only through a pair that vouches for it: a pair admitted on
    Jaccard (both ways), or one admitted on containment in which it is the smaller article
    (by `sizes`, the shingle counts; else by `length`): it lies inside the larger. Such a pair
    says nothing about the larger article, nor about two larger ones that both hold it: a
    digest page, a full story and a rewrite that quotes its first paragraphs may all hold one
    teaser and be no copies of each other. So a contained article joins its best container
    only (highest containment, then the container it is the larger share of, then the
    smallest id), and so does a group of contained articles that are copies of one another
    (Jaccard pairs): each group joins one container.

    Each member's similarity is that of its verified pair with the representative when that
    pair passes; otherwise that of the pair through which it joined, on the shortest path of
    joining pairs from the representative (`via`, the strongest such pair first), so
    following `via` from any member reaches the representative.
    """
    uf = UnionFind()
    size = sizes if sizes is not None else length
    links: dict[str, dict[str, float]] = {}  # the pairs that joined, both ways, with scores
    held: dict[str, list[tuple[float, float, str]]] = {}  # small -> (containment, jaccard, big)
    for m in matches:
        if m.via == "jaccard":
            uf.union(m.a, m.b)
            _link(links, m.a, m.b, m.similarity)
        else:
            small, big = (m.a, m.b) if (size[m.a], m.b) < (size[m.b], m.a) else (m.b, m.a)
            held.setdefault(small, []).append((m.containment, m.jaccard, big))
    _join_containers(uf, links, held)
    drafts = []
    for group in uf.groups():
        rep = pick_representative(group, length)
        paths = _paths_from(rep, links)
        members = [Member(id=rep, similarity=1.0)]
        for member_id in group:
            if member_id == rep:
                continue
            direct = similarity_to(member_id, rep)
            if direct is not None:
                members.append(Member(id=member_id, similarity=direct.similarity, via=rep))
            else:
                other, score = paths[member_id]
                members.append(Member(id=member_id, similarity=score, via=other))
        members.sort(key=lambda mem: mem.id)
        drafts.append((rep, tuple(members)))
    drafts.sort(key=lambda d: (-len(d[1]), d[0]))
    return tuple(
        Cluster(id=i, representative=rep, members=members)
        for i, (rep, members) in enumerate(drafts, start=1)
    )


def _link(links: dict[str, dict[str, float]], a: str, b: str, score: float) -> None:
    links.setdefault(a, {})[b] = score
    links.setdefault(b, {})[a] = score


def _join_containers(
    uf: UnionFind,
    links: dict[str, dict[str, float]],
    held: Mapping[str, list[tuple[float, float, str]]],
) -> None:
    """Join each group of contained articles to its best container (see `build_clusters`).

    Groups, not articles: two near-identical teasers (one Jaccard group), one inside a story
    and one inside a digest page, would otherwise chain the story to the digest. The groups
    are those of the Jaccard pairs; each picks one container outside itself, in the order of
    its smallest id, so the result is the same in every run.
    """
    by_group: dict[str, list[tuple[float, float, str, str]]] = {}
    for small, containers in held.items():
        root = uf.find(small)
        for containment, jaccard, big in containers:
            if uf.find(big) != root:
                by_group.setdefault(root, []).append((containment, jaccard, big, small))
    for root in sorted(by_group):
        containment, _, big, small = min(by_group[root], key=lambda c: (-c[0], -c[1], c[2], c[3]))
        uf.union(small, big)
        _link(links, small, big, containment)


def _paths_from(
    root: str, links: Mapping[str, Mapping[str, float]]
) -> dict[str, tuple[str, float]]:
    """Return, for each article reachable from `root` over the joining pairs, the article it
    is reached from on a shortest path and that pair's score: of the pairs from the layer
    before, the strongest, ties to the smallest id (a breadth-first tree, the same in every
    run)."""
    reached: dict[str, tuple[str, float]] = {}
    seen = {root}
    frontier = [root]
    while frontier:
        layer: dict[str, tuple[str, float]] = {}
        for node in frontier:
            for other, score in links.get(node, {}).items():
                if other in seen:
                    continue
                best = layer.get(other)
                if best is None or score > best[1] or (score == best[1] and node < best[0]):
                    layer[other] = (node, score)
        seen.update(layer)
        reached.update(layer)
        frontier = sorted(layer)
    return reached
