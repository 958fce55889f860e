"""The vector index: the searchable passages' vectors, exact search for small cases and an HNSW
graph (faiss) above `HNSW_MIN_ROWS`.

The store holds every vector (passages.vec); this index is derived from it and lives in
`index/vectors/`: `rows.bin` (passage id, document rowid, date and vector number of each row),
`vectors.f16` (each distinct vector once, float16), `hashes.bin` (a hash of each) and, for large
cases, `hnsw.faiss`. Identical passages (a disclaimer, "Thanks!", a template sentence) share one
vector: on the generated 10k-message eval case a few template sentences repeated in hundreds of
messages otherwise filled every one of the first 240 results. A search finds vectors, then lists
the rows that have them. New passages are appended; a change of model or of which passages are
searchable rebuilds it. A crash between appending and writing `meta.json` leaves bytes past the
recorded counts, which the next update overwrites.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

INDEX_VERSION = 2
HNSW_MIN_ROWS = 60_000
"""Below 60,000 distinct vectors exact search is used: its float32 matrix-vector product takes
2.9 ms median, 6.3 ms p99 at 60k x 512 on this 2-core machine (19 ms at 230k), and it is always
right. Above, the HNSW graph answers in 0.8 ms with recall@10 0.997 against exact search
(230,950 vectors of the 100k-message benchmark case, bench/README.md); building it took ~2 min."""
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 160
EXACT_FILTERED_MAX = 30_000
"""A filter that leaves at most this many rows is searched exactly over just those rows; larger
allowed sets go through the graph with a selector (HNSW recall drops when few nodes qualify)."""
CHUNK_ROWS = 65_536
ROW = np.dtype([("pid", "<i8"), ("doc", "<i8"), ("sent", "<i8"), ("vec", "<i8")])
MAX_ROWS_PER_VECTOR = 50
"""A search lists at most 50 rows for one vector (the first 50 passages with that exact text)."""
NO_DATE = np.iinfo(np.int64).min


class VectorIndex:
    def __init__(self, root: Path):
        self.dir = Path(root) / "index" / "vectors"
        self._loaded = None         # (meta, rows, matrix float32 or None, hnsw or None)
        self._by_vec = None         # (rows ordered by vector, start of each vector's run)

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
                 "count": 0, "vectors": 0, "last_id": 0, "hnsw_count": 0}
            self._write_meta(m)
        fresh = db.execute("SELECT 1 FROM passages WHERE id > ? AND vec IS NOT NULL AND searchable = 1 LIMIT 1",
                           (m["last_id"],)).fetchone()
        if fresh is None and (m["vectors"] < HNSW_MIN_ROWS or m["hnsw_count"] == m["vectors"]):
            return 0                    # up to date: keep what is loaded
        added = 0
        hashes = np.fromfile(self.dir / "hashes.bin", dtype="<u8", count=m["vectors"]) \
            if (self.dir / "hashes.bin").exists() else np.zeros(0, "<u8")
        known = {int(h): i for i, h in enumerate(hashes)}
        files = [self.dir / n for n in ("rows.bin", "vectors.f16", "hashes.bin")]
        fr, fv, fh = (open(f, "r+b" if f.exists() else "wb") for f in files)
        with fr, fv, fh:
            fr.seek(m["count"] * ROW.itemsize)
            fv.seek(m["vectors"] * dim * 2)
            fh.seek(m["vectors"] * 8)
            while True:
                rows = db.execute(
                    "SELECT p.id, d.rowid, d.sent_at, p.vec FROM passages p JOIN documents d ON d.id = p.doc_id"
                    " WHERE p.id > ? AND p.vec IS NOT NULL AND p.searchable = 1 ORDER BY p.id LIMIT 20000",
                    (m["last_id"],)).fetchall()
                if not rows:
                    break
                out_rows, new_vecs, new_hashes = [], [], []
                for r in rows:
                    h = _hash(r[3])
                    v = known.get(h)
                    if v is None:
                        v = known[h] = m["vectors"] + len(new_vecs)
                        new_vecs.append(r[3])
                        new_hashes.append(h)
                    out_rows.append((r[0], r[1], _epoch(r[2]) if r[2] else NO_DATE, v))
                fr.write(np.array(out_rows, dtype=ROW).tobytes())
                fv.write(b"".join(new_vecs))
                fh.write(np.array(new_hashes, dtype="<u8").tobytes())
                for f in (fr, fv, fh):
                    f.flush()
                m["vectors"] += len(new_vecs)
                m["count"] += len(rows)
                m["last_id"] = rows[-1][0]
                added += len(rows)
                self._write_meta(m)
                if progress:
                    progress(added)
            fr.truncate(m["count"] * ROW.itemsize)
            fv.truncate(m["vectors"] * dim * 2)
            fh.truncate(m["vectors"] * 8)
        if m["vectors"] >= HNSW_MIN_ROWS and m["hnsw_count"] < m["vectors"]:
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
        vecs = np.memmap(self.dir / "vectors.f16", dtype=np.float16, mode="r", shape=(m["vectors"], dim))
        for a in range(m["hnsw_count"], m["vectors"], CHUNK_ROWS):
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
            self._by_vec = None
            return self._loaded
        dim = m["dim"]
        n = m["vectors"]
        rows = np.fromfile(self.dir / "rows.bin", dtype=ROW, count=m["count"])
        order = np.argsort(rows["vec"], kind="stable")
        self._by_vec = (order, np.searchsorted(rows["vec"][order], np.arange(n + 1)))
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

    def search(self, q: np.ndarray, k: int, allowed: np.ndarray | None = None,
               per_vector: int = MAX_ROWS_PER_VECTOR) -> tuple[np.ndarray, np.ndarray]:
        """(row positions, cosine scores), best first: the rows of the k best distinct vectors
        (identical passages share a vector and a score). `allowed`: a boolean mask over the rows
        (a filter), or None for all rows; at most `per_vector` rows are listed per vector."""
        m, rows, matrix, hnsw = self._load()
        if not len(rows) or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        vmask = None
        if allowed is not None:
            vmask = np.zeros(m["vectors"], bool)
            vmask[rows["vec"][allowed]] = True
        vpos, scores = self._search_vectors(np.asarray(q, dtype=np.float32).reshape(-1), k, vmask)
        order, starts = self._by_vec
        out_pos, out_scores = [], []
        for v, s in zip(vpos, scores):
            members = order[starts[v]:starts[v + 1]]
            if allowed is not None:
                members = members[allowed[members]]
            members = np.sort(members)[:per_vector]
            out_pos.append(members)
            out_scores.append(np.full(len(members), s, np.float32))
        if not out_pos:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(out_pos).astype(np.int64), np.concatenate(out_scores)

    def _search_vectors(self, q, k, allowed):
        m, rows, matrix, hnsw = self._load()
        n = m["vectors"]
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

    def same_vector(self, position: int, limit: int = MAX_ROWS_PER_VECTOR) -> np.ndarray:
        """The rows (positions) whose passage has exactly the vector of row `position`."""
        _, rows, _, _ = self._load()
        order, starts = self._by_vec
        v = rows["vec"][position]
        return np.sort(order[starts[v]:starts[v + 1]])[:limit]

    def vectors(self, positions) -> np.ndarray:
        """The stored vectors of these rows (float32)."""
        _, rows, matrix, _ = self._load()
        return np.asarray(matrix[rows["vec"][np.asarray(positions, dtype=np.int64)]], dtype=np.float32)


def _hash(blob: bytes) -> int:
    import hashlib
    return int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "little")


def _chunked(matrix, q):
    out = np.empty(len(matrix), np.float32)
    for a in range(0, len(matrix), CHUNK_ROWS):
        out[a:a + CHUNK_ROWS] = np.asarray(matrix[a:a + CHUNK_ROWS], dtype=np.float32) @ q
    return out
