"""Union-find over string keys, shared by the people resolution and the threading."""
from __future__ import annotations


class UnionFind:
    """Disjoint sets of string keys. `find` adds a key it has not seen; the smaller key of two
    roots becomes the root, so results do not depend on the order of unions."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def add(self, k: str) -> None:
        self.parent.setdefault(k, k)

    def find(self, k: str) -> str:
        p = self.parent
        root = p.get(k)
        if root is None:
            p[k] = k
            return k
        if root == k:
            return k
        while p[root] != root:
            root = p[root]
        while p[k] != root:
            p[k], k = root, p[k]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class IndexUnionFind:
    """Disjoint sets of the integers 0..n-1, in a list: the threading of 1.1M messages held ~390 MB
    in string keys and their dict. The smaller index of two roots becomes the root."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, k: int) -> int:
        p = self.parent
        root = k
        while p[root] != root:
            root = p[root]
        while p[k] != root:
            p[k], k = root, p[k]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
