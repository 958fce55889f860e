"""The vector index: the searchable passages' vectors, exact search for small cases and an HNSW
graph (faiss) above `HNSW_MIN_ROWS`.

The store holds every vector (passages.vec); this index is derived from it and lives in
`index/vectors/`: `rows.bin` (passage id, document rowid, date of each row), `vectors.f16`
(the vectors, float16) and, for large cases, `hnsw.faiss`. New passages are appended; a change of
model or of which passages are searchable rebuilds it. A crash between appending and writing
`meta.json` leaves bytes past the recorded count, which the next update overwrites.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

INDEX_VERSION = 1
HNSW_MIN_ROWS = 60_000
"""Below 60,000 passages exact search is used: its float32 matrix-vector product costs ~6 ms at
60k x 512 on this machine (bench/README.md), and it is always right. Above, the HNSW graph answers
in about a millisecond with recall@10 ~0.98 against exact search."""
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 160
EXACT_FILTERED_MAX = 30_000
"""A filter that leaves at most this many rows is searched exactly over just those rows; larger
allowed sets go through the graph with a selector (HNSW recall drops when few nodes qualify)."""
CHUNK_ROWS = 65_536
ROW = np.dtype([("pid", "<i8"), ("doc", "<i8"), ("sent", "<i8")])
NO_DATE = np.iinfo(np.int64).min


class VectorIndex:
    def __init__(self, root: Path):
        self.dir = Path(root) / "index" / "vectors"
        self._loaded = None         # (meta, rows, matrix float32 or None, hnsw or None)

    # ------------------------------------------------------------------ meta
    def meta(self) -> dict | None:
        try:
            m = json.loads((self.dir / "meta.json").read_text())
        except (OSError, ValueError):
            return None
        return m if m.get("version") == INDEX_VERSION else None

    def _write_meta(self, m: dict) -> None:
        tmp = self.dir / "meta.json.tmp"
        tmp.write_text(json.dumps(m))
        os.replace(tmp, self.dir / "meta.json")

    # ------------------------------------------------------------------ building
    def update(self, db, model: str, dim: int, generation: int, progress=None) -> int:
        """Bring the index in step with the store's vectors; return how many rows were added."""
        from .fulltext import _epoch
        m = self.meta()
        if m is None or m["model"] != model or m["dim"] != dim or m["generation"] != generation:
            if self.dir.exists():
                shutil.rmtree(self.dir)
            self.dir.mkdir(parents=True)
            m = {"version": INDEX_VERSION, "model": model, "dim": dim, "generation": generation,
                 "count": 0, "last_id": 0, "hnsw_count": 0}
            self._write_meta(m)
        added = 0
        with open(self.dir / "rows.bin", "r+b" if (self.dir / "rows.bin").exists() else "wb") as fr, \
                open(self.dir / "vectors.f16", "r+b" if (self.dir / "vectors.f16").exists() else "wb") as fv:
            fr.seek(m["count"] * ROW.itemsize)
            fv.seek(m["count"] * dim * 2)
            while True:
                rows = db.execute(
                    "SELECT p.id, d.rowid, d.sent_at, p.vec FROM passages p JOIN documents d ON d.id = p.doc_id"
                    " WHERE p.id > ? AND p.vec IS NOT NULL AND p.searchable = 1 ORDER BY p.id LIMIT 20000",
                    (m["last_id"],)).fetchall()
                if not rows:
                    break
                meta_rows = np.array([(r[0], r[1], _epoch(r[2]) if r[2] else NO_DATE) for r in rows], dtype=ROW)
                fr.write(meta_rows.tobytes())
                fv.write(b"".join(r[3] for r in rows))
                fr.flush()
                fv.flush()
                m["count"] += len(rows)
                m["last_id"] = rows[-1][0]
                added += len(rows)
                self._write_meta(m)
                if progress:
                    progress(added)
            fr.truncate(m["count"] * ROW.itemsize)
            fv.truncate(m["count"] * dim * 2)
        if m["count"] >= HNSW_MIN_ROWS and m["hnsw_count"] < m["count"]:
            self._update_hnsw(m)
        self._loaded = None
        return added

    def _update_hnsw(self, m: dict) -> None:
        import faiss
        path = self.dir / "hnsw.faiss"
        dim = m["dim"]
        if m["hnsw_count"] and path.exists():
            index = faiss.read_index(str(path))
            if index.ntotal != m["hnsw_count"]:
                index, m["hnsw_count"] = None, 0
        else:
            index = None
        if index is None:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        vecs = np.memmap(self.dir / "vectors.f16", dtype=np.float16, mode="r", shape=(m["count"], dim))
        for a in range(m["hnsw_count"], m["count"], CHUNK_ROWS):
            index.add(np.ascontiguousarray(vecs[a:a + CHUNK_ROWS], dtype=np.float32))
        tmp = self.dir / "hnsw.faiss.tmp"
        faiss.write_index(index, str(tmp))
        os.replace(tmp, path)
        m["hnsw_count"] = int(index.ntotal)
        self._write_meta(m)

    # ------------------------------------------------------------------ searching
    def _load(self):
        if self._loaded is not None:
            return self._loaded
        m = self.meta()
        if m is None or not m["count"]:
            self._loaded = (m, np.zeros(0, ROW), None, None)
            return self._loaded
        n, dim = m["count"], m["dim"]
        rows = np.fromfile(self.dir / "rows.bin", dtype=ROW, count=n)
        hnsw = None
        if m["hnsw_count"] == n and (self.dir / "hnsw.faiss").exists():
            import faiss
            hnsw = faiss.read_index(str(self.dir / "hnsw.faiss"))
            hnsw.hnsw.efSearch = HNSW_EF_SEARCH
            matrix = np.memmap(self.dir / "vectors.f16", dtype=np.float16, mode="r", shape=(n, dim))
        else:
            matrix = np.fromfile(self.dir / "vectors.f16", dtype=np.float16, count=n * dim).reshape(n, dim)
            matrix = matrix.astype(np.float32)
        self._loaded = (m, rows, matrix, hnsw)
        return self._loaded

    @property
    def rows(self) -> np.ndarray:
        return self._load()[1]

    def size(self) -> int:
        return len(self.rows)

    def search(self, q: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row positions, cosine scores), best first, at most k. `allowed`: a boolean mask over
        the rows (a filter), or None for all rows."""
        m, rows, matrix, hnsw = self._load()
        n = len(rows)
        if not n or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.asarray(q, dtype=np.float32).reshape(-1)
        if allowed is not None:
            idx = np.flatnonzero(allowed)
            if not len(idx):
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            if hnsw is None or len(idx) <= EXACT_FILTERED_MAX:
                return self._exact(matrix, q, k, idx)
            import faiss
            bitmap = np.packbits(allowed.astype(np.uint8), bitorder="little")
            sel = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(HNSW_EF_SEARCH, k))
            d, i = hnsw.search(q[None, :], k, params=params)
            keep = i[0] >= 0
            return i[0][keep].astype(np.int64), d[0][keep]
        if hnsw is None:
            return self._exact(matrix, q, k, None)
        hnsw.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
        d, i = hnsw.search(q[None, :], k)
        keep = i[0] >= 0
        return i[0][keep].astype(np.int64), d[0][keep]

    @staticmethod
    def _exact(matrix, q, k, idx):
        if idx is None:
            scores = matrix @ q if matrix.dtype == np.float32 else _chunked(matrix, q)
            pos = None
        else:
            sub = matrix[idx]
            scores = sub.astype(np.float32, copy=False) @ q
            pos = idx
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return (top if pos is None else pos[top]).astype(np.int64), scores[top].astype(np.float32)

    def vectors(self, positions) -> np.ndarray:
        """The stored vectors of these rows (float32)."""
        _, _, matrix, _ = self._load()
        return np.asarray(matrix[np.asarray(positions, dtype=np.int64)], dtype=np.float32)


def _chunked(matrix, q):
    out = np.empty(len(matrix), np.float32)
    for a in range(0, len(matrix), CHUNK_ROWS):
        out[a:a + CHUNK_ROWS] = np.asarray(matrix[a:a + CHUNK_ROWS], dtype=np.float32) @ q
    return out
