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
) -> tuple[Cluster, ...]:
    """Return clusters sorted by size (desc) then representative id, numbered from 1.

    Each member's similarity is that of its verified pair with the representative when that
    pair passes; otherwise that of the strongest verified edge that joined it to the cluster.
    """
    uf = UnionFind()
    best_edge: dict[str, tuple[float, str]] = {}
    for m in matches:
        uf.union(m.a, m.b)
        for this, other in ((m.a, m.b), (m.b, m.a)):
            current = best_edge.get(this)
            if (
                current is None
                or m.similarity > current[0]
                or (m.similarity == current[0] and other < current[1])
            ):
                best_edge[this] = (m.similarity, other)
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
