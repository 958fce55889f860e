"""Read queries that several layers ask of a case, written once here: the start of the
data-access layer of issue 28 (every SQL statement of the product is to live under `store/`;
docs/architecture.md says how far that has come)."""
from __future__ import annotations


def copies(db) -> set[str]:
    """The documents that are copies of another (analyze.dedupe: not the canonical one of their
    group): kept and searchable as text, but never counted, embedded or cited twice."""
    return {r[0] for r in db.execute("SELECT doc_id FROM duplicates WHERE canonical = 0")}


def person_names(db) -> dict[str, str | None]:
    """Each resolved person's display name by id (None for a person known only by an address)."""
    return {r[0]: r[1] for r in db.execute("SELECT id, name FROM people")}
