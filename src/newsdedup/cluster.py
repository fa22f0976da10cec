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
    containment_of: Callable[[str, str], float] | None = None,
) -> tuple[Cluster, ...]:
    """Return clusters sorted by size (desc) then representative id, numbered from 1.

    Pairs admitted on Jaccard join their clusters. A pair admitted on containment says the
    smaller article (by `sizes`, the shingle counts; else by `length`) is inside the larger,
    and nothing about the larger articles that also hold it: a digest page and a full story
    both holding one teaser are no copies of each other. So a contained article's group joins
    the group of its best container only, and another container's group joins too only when
    the two containers overlap on their own: the smaller one's containment in the other
    (`overlap_of`; without it, their pair must verify by `similarity_to`) at least
    BRIDGE_CONTAINMENT. Two cut copies of one story, each with its own edits, hold about
    three quarters of each other; a digest and a story it quotes two paragraphs of, about
    two fifths.

    Each member's similarity is that of its verified pair with the representative when that
    pair passes; otherwise that of the strongest verified edge that joined it to the cluster.
    """
    uf = UnionFind()
    best_edge: dict[str, tuple[float, str]] = {}
    size = sizes if sizes is not None else length
    held: dict[str, list[tuple[float, float, str]]] = {}  # small -> (containment, jaccard, big)
    for m in matches:
        if m.via == "jaccard":
            uf.union(m.a, m.b)
        else:
            small, big = (m.a, m.b) if (size[m.a], m.b) < (size[m.b], m.a) else (m.b, m.a)
            held.setdefault(small, []).append((m.containment, m.jaccard, big))
        for this, other in ((m.a, m.b), (m.b, m.a)):
            current = best_edge.get(this)
            if (
                current is None
                or m.similarity > current[0]
                or (m.similarity == current[0] and other < current[1])
            ):
                best_edge[this] = (m.similarity, other)
    _join_containers(uf, held, similarity_to, containment_of)
    drafts = []
    for group in uf.groups():
        rep = pick_representative(group, length)
        members = [Member(id=rep, similarity=1.0)]
        for member_id in group:
            if member_id == rep:
                continue
            direct = similarity_to(member_id, rep)
            if direct is not None:
                members.append(Member(id=member_id, similarity=direct.similarity, via=rep))
            else:
                score, other = best_edge[member_id]
                members.append(Member(id=member_id, similarity=score, via=other))
        members.sort(key=lambda mem: mem.id)
        drafts.append((rep, tuple(members)))
    drafts.sort(key=lambda d: (-len(d[1]), d[0]))
    return tuple(
        Cluster(id=i, representative=rep, members=members)
        for i, (rep, members) in enumerate(drafts, start=1)
    )


# How much of the smaller of two containers of one article must lie in the other for the
# two to be one story's copies (see `build_clusters`).
BRIDGE_CONTAINMENT = 0.6


def _join_containers(
    uf: UnionFind,
    held: Mapping[str, list[tuple[float, float, str]]],
    similarity_to: Callable[[str, str], Match | None],
    containment_of: Callable[[str, str], float] | None,
) -> None:
    """Join each contained article's group to its containers' (see `build_clusters`), in id
    order of the contained article, so the result is the same in every run."""
    for small in sorted(held):
        # The best container: highest containment, then Jaccard, then the smallest id.
        containers = sorted(held[small], key=lambda c: (-c[0], -c[1], c[2]))
        parent = containers[0][2]
        uf.union(small, parent)
        for _, _, big in containers[1:]:
            if uf.find(big) == uf.find(parent):
                continue
            if containment_of is None:
                joined = similarity_to(big, parent) is not None
            else:
                joined = containment_of(big, parent) >= BRIDGE_CONTAINMENT
            if joined:
                uf.union(big, parent)
