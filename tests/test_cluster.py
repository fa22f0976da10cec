"""Union-find, the representative rule and cluster order."""

from __future__ import annotations

import random
from typing import ClassVar

from hypothesis import given
from hypothesis import strategies as st

from newsdedup.cluster import UnionFind, build_clusters, pick_representative
from newsdedup.records import Match


def match(a: str, b: str, score: float = 0.9) -> Match:
    a, b = sorted((a, b))
    return Match(a=a, b=b, jaccard=score, containment=score, shared=10, via="jaccard")


class TestUnionFind:
    def test_groups_are_connected_components(self):
        """Chained unions form one group; untouched ids form none."""
        uf = UnionFind()
        uf.union("c", "b")
        uf.union("b", "a")
        uf.union("x", "y")
        assert sorted(uf.groups()) == [["a", "b", "c"], ["x", "y"]]

    def test_root_is_smallest_id(self):
        """The root of a set is its smallest id, whatever the union order."""
        uf = UnionFind()
        uf.union("z", "m")
        uf.union("m", "b")
        assert uf.find("z") == "b"

    def test_long_chain_does_not_recurse(self):
        """A chain of 50,000 unions resolves without hitting the recursion limit."""
        uf = UnionFind()
        for i in range(50_000):
            uf.union(f"{i + 1:06d}", f"{i:06d}")
        assert uf.find("050000") == "000000"


class TestRepresentative:
    def test_longest_clean_text_wins(self):
        """The member with the longest clean text represents the cluster."""
        assert pick_representative(["a", "b", "c"], {"a": 10, "b": 30, "c": 20}) == "b"

    def test_ties_go_to_smallest_id(self):
        """Equal lengths: the smallest id wins."""
        assert pick_representative(["c", "b", "a"], {"a": 5, "b": 5, "c": 5}) == "a"


class TestBuildClusters:
    def test_order_size_then_representative(self):
        """Clusters are numbered by size (desc), then representative id."""
        lengths = {k: 1 for k in "abcdefg"}
        clusters = build_clusters(
            [match("e", "f"), match("a", "b"), match("c", "d"), match("d", "g")],
            lengths,
            lambda x, y: match(x, y),
        )
        assert [(c.id, c.representative, c.size) for c in clusters] == [
            (1, "c", 3),
            (2, "a", 2),
            (3, "e", 2),
        ]

    def test_member_without_direct_pair_keeps_admitting_edge(self):
        """A member that only matches through another member carries that edge's score."""
        lengths = {"a": 100, "b": 50, "c": 10}
        direct = {("a", "b"): match("a", "b", 0.8)}
        clusters = build_clusters(
            [match("a", "b", 0.8), match("b", "c", 0.75)],
            lengths,
            lambda x, y: direct.get(tuple(sorted((x, y)))),
        )
        members = {m.id: (m.similarity, m.via) for m in clusters[0].members}
        assert members == {"a": (1.0, None), "b": (0.8, "a"), "c": (0.75, "b")}

    @given(
        st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh")), max_size=12),
        st.randoms(),
    )
    def test_clusters_do_not_depend_on_match_order(self, edges, rng: random.Random):
        """Shuffling the verified pairs gives identical clusters."""
        matches = [match(a, b) for a, b in edges if a != b]
        lengths = {k: ord(k) % 3 for k in "abcdefgh"}
        first = build_clusters(matches, lengths, lambda x, y: match(x, y))
        shuffled = list(matches)
        rng.shuffle(shuffled)
        assert build_clusters(shuffled, lengths, lambda x, y: match(x, y)) == first


def contained(a: str, b: str, containment: float = 1.0, jaccard: float = 0.4) -> Match:
    a, b = sorted((a, b))
    return Match(a=a, b=b, jaccard=jaccard, containment=containment, shared=10, via="containment")


class TestContainment:
    """A pair admitted on containment puts the smaller article inside the larger; it says
    nothing about two larger articles that both hold it."""

    SIZES: ClassVar[dict[str, int]] = {
        "brief0": 150,
        "brief1": 150,
        "story0": 300,
        "story1": 300,
        "digest": 600,
    }
    MATCHES = (
        contained("brief0", "story0", jaccard=0.5),
        contained("brief0", "digest", jaccard=0.25),
        contained("brief1", "story1", jaccard=0.5),
        contained("brief1", "digest", jaccard=0.25),
    )

    def clusters(self, *extra: Match):
        return build_clusters((*self.MATCHES, *extra), self.SIZES, lambda x, y: None, self.SIZES)

    def test_a_digest_of_teasers_does_not_chain_unrelated_stories(self):
        """Each teaser goes with its best container (the one it is the larger share of);
        the digest and the two stories stay apart (they were one cluster, and dedup kept
        only the digest)."""
        got = [sorted(m.id for m in c.members) for c in self.clusters()]
        assert got == [["brief0", "story0"], ["brief1", "story1"]]

    def test_containers_that_are_copies_of_each_other_are_joined(self):
        """Two containers that are a Jaccard pair themselves are one cluster."""
        got = [sorted(m.id for m in c.members) for c in self.clusters(match("digest", "story0"))]
        assert got == [["brief0", "digest", "story0"], ["brief1", "story1"]]

    def test_near_identical_teasers_in_two_containers_do_not_chain_them(self):
        """brief0 inside story0, its edited copy brief0x (a Jaccard pair with it) inside the
        digest: the two teasers are one group, which joins one container (story0 and the
        digest were chained through the teasers' pair, and dedup kept only the digest)."""
        sizes = {**self.SIZES, "brief0x": 150}
        matches = [
            contained("brief0", "story0", jaccard=0.5),
            contained("brief0x", "digest", jaccard=0.25),
            match("brief0", "brief0x", 0.75),
        ]
        clusters = build_clusters(matches, sizes, lambda x, y: None, sizes)
        got = [sorted(m.id for m in c.members) for c in clusters]
        assert got == [["brief0", "brief0x", "story0"]]

    def test_via_leads_every_member_to_the_representative(self):
        """A chain a-b-c-d of Jaccard pairs (each only with its neighbours): every member's
        via is one step nearer the representative (a and b named each other, a loop that
        never reached it)."""
        lengths = {"a": 10, "b": 11, "c": 12, "d": 13}
        chain = [match("a", "b", 0.83), match("b", "c", 0.79), match("c", "d", 0.79)]
        verified = {(m.a, m.b): m for m in chain}
        (cluster,) = build_clusters(
            chain, lengths, lambda x, y: verified.get((min(x, y), max(x, y)))
        )
        via = {m.id: m.via for m in cluster.members}
        assert cluster.representative == "d"
        assert via == {"a": "b", "b": "c", "c": "d", "d": None}
        assert {m.id: m.similarity for m in cluster.members} == {
            "a": 0.83,
            "b": 0.79,
            "c": 0.79,
            "d": 1.0,
        }

    @given(
        st.lists(
            st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh"), st.booleans()),
            max_size=12,
        ),
        st.randoms(),
    )
    def test_clusters_do_not_depend_on_match_order(self, edges, rng: random.Random):
        """Shuffling verified pairs of both kinds gives identical clusters, and via always
        leads to the representative."""
        pairs = {
            (min(a, b), max(a, b)): (contained if c else match)(a, b) for a, b, c in edges if a != b
        }
        matches = list(pairs.values())
        sizes = {k: ord(k) % 3 for k in "abcdefgh"}

        def similarity_to(x: str, y: str) -> Match | None:
            return pairs.get((min(x, y), max(x, y))) if (ord(x) + ord(y)) % 2 else None

        first = build_clusters(matches, sizes, similarity_to, sizes)
        shuffled = list(matches)
        rng.shuffle(shuffled)
        assert build_clusters(shuffled, sizes, similarity_to, sizes) == first
        for cluster in first:
            via = {m.id: m.via for m in cluster.members}
            for member in via:
                steps, at = 0, member
                while at != cluster.representative:
                    at = via[at]
                    steps += 1
                    assert steps <= len(via)
