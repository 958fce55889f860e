"""Union-find over string keys (the people resolution) or over the integers 0..n-1 (the
threading). In both the smaller of two roots becomes the root, so results do not depend on the
order of unions."""
from __future__ import annotations

from array import array


def _root(parent, k):
    """The root of `k`, compressing the path to it (`parent`: a dict or a list)."""
    root = k
    while parent[root] != root:
        root = parent[root]
    while parent[k] != root:
        parent[k], k = root, parent[k]
    return root


class UnionFind:
    """Disjoint sets of string keys. `find` adds a key it has not seen."""

    def __init__(self):
        self.parent: dict = {}

    def add(self, k: str) -> None:
        self.parent.setdefault(k, k)

    def find(self, k):
        if k not in self.parent:
            self.parent[k] = k
            return k
        return _root(self.parent, k)

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class IndexUnionFind(UnionFind):
    """Disjoint sets of the integers 0..n-1, in an array of machine ints: the threading of 1.1M
    messages held ~390 MB in string keys and their dict, 88 MB in a list of ints, 18 MB so."""

    def __init__(self, n: int, typecode: str = "q"):
        self.parent = array(typecode, range(n))

    def find(self, k: int) -> int:
        return _root(self.parent, k)
