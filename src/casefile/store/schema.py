"""The case database schema and its migrations.

`PRAGMA user_version` holds the schema version. `MIGRATIONS[i]` upgrades a database at version i
to version i+1; opening a case applies whatever is missing, in one transaction per step, so a case
written by an older casefile is upgraded in place and keeps its data. Never edit a released step:
add a new one.
"""

MIGRATIONS: list[str] = [
    # 0 -> 1: the foundation
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        summary TEXT
    );
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        parent_id INTEGER REFERENCES sources(id),
        path TEXT,
        name TEXT,
        locator TEXT NOT NULL DEFAULT '',
        sha256 TEXT,
        size INTEGER,
        type TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'quarantined', 'ingesting')),
        reason TEXT,
        detail TEXT,
        byte_offset INTEGER,
        byte_length INTEGER,
        depth INTEGER NOT NULL DEFAULT 0,
        run_id INTEGER
    );
    CREATE INDEX sources_parent ON sources(parent_id);
    CREATE INDEX sources_status ON sources(status);
    CREATE INDEX sources_sha ON sources(sha256);
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        locator TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        message_id TEXT,
        in_reply_to TEXT,
        refs TEXT,
        subject TEXT,
        from_name TEXT,
        from_addr TEXT,
        to_json TEXT,
        cc_json TEXT,
        bcc_json TEXT,
        sent_at TEXT,
        sent_at_raw TEXT,
        date_flag TEXT,
        lang TEXT,
        title TEXT,
        text TEXT,
        body_from TEXT,
        notes TEXT,
        headers TEXT
    );
    CREATE INDEX documents_source ON documents(source_id);
    CREATE INDEX documents_message_id ON documents(message_id);
    CREATE INDEX documents_sent_at ON documents(sent_at);
    """,
    # 1 -> 2: input paths (every path the user gave, even when its content was already in the
    # case), resumable containers, and index bookkeeping
    """
    CREATE TABLE inputs (
        path TEXT PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        size INTEGER,
        mtime_ns INTEGER
    );
    INSERT OR IGNORE INTO inputs (path, source_id) SELECT path, id FROM sources WHERE parent_id IS NULL AND path IS NOT NULL;
    ALTER TABLE sources ADD COLUMN resume_offset INTEGER;
    ALTER TABLE sources ADD COLUMN resume_index INTEGER;
    ALTER TABLE documents ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX documents_unindexed ON documents(indexed) WHERE indexed = 0;
    """,
    # 2 -> 3: documents from exhibits, articles and chats: where they are cited (file, pages,
    # Bates), where each page is in the text, which document a recovered message came from,
    # and format-specific metadata (article URL and site, chat channel)
    """
    ALTER TABLE documents ADD COLUMN citation TEXT;
    ALTER TABLE documents ADD COLUMN pages TEXT;
    ALTER TABLE documents ADD COLUMN derived_from TEXT;
    ALTER TABLE documents ADD COLUMN meta TEXT;
    CREATE INDEX documents_kind ON documents(kind);
    CREATE INDEX documents_derived ON documents(derived_from) WHERE derived_from IS NOT NULL;
    """,
    # 3 -> 4: the analysis. Per-document comparison features (computed at ingest), then what the
    # case-wide analysis derives from them: duplicate groups, threads, people. The derived tables
    # are rewritten whole by each analysis run; the user's decisions about people are kept apart
    # and replayed on every run.
    """
    ALTER TABLE documents ADD COLUMN sketch BLOB;
    ALTER TABLE documents ADD COLUMN words INTEGER;
    ALTER TABLE documents ADD COLUMN greeting TEXT;
    ALTER TABLE documents ADD COLUMN closing TEXT;
    ALTER TABLE documents ADD COLUMN lang_spans TEXT;
    ALTER TABLE documents ADD COLUMN signature_org TEXT;
    CREATE TABLE duplicates (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id),
        group_id TEXT NOT NULL,
        canonical INTEGER NOT NULL,
        reason TEXT,
        score REAL
    );
    CREATE INDEX duplicates_group ON duplicates(group_id);
    CREATE TABLE threads (
        id TEXT PRIMARY KEY,
        root_id TEXT,
        subject TEXT,
        first_at TEXT,
        last_at TEXT,
        messages INTEGER NOT NULL,
        ghosts INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE thread_members (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id),
        thread_id TEXT NOT NULL,
        parent_id TEXT,
        parent_message_id TEXT,
        reason TEXT,
        confidence REAL
    );
    CREATE INDEX thread_members_thread ON thread_members(thread_id);
    CREATE TABLE people (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        org TEXT,
        anchor TEXT NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0,
        received INTEGER NOT NULL DEFAULT 0,
        renamed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE aliases (
        key TEXT NOT NULL,
        person_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        confidence REAL NOT NULL,
        origin TEXT NOT NULL,
        reason TEXT,
        seen INTEGER NOT NULL DEFAULT 0,
        first_doc TEXT,
        PRIMARY KEY (person_id, key)
    );
    CREATE INDEX aliases_key ON aliases(key);
    CREATE TABLE doc_people (
        doc_id TEXT NOT NULL,
        role TEXT NOT NULL,
        person_id TEXT NOT NULL,
        PRIMARY KEY (doc_id, role, person_id)
    );
    CREATE INDEX doc_people_person ON doc_people(person_id);
    CREATE TABLE organisations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        domains TEXT
    );
    CREATE TABLE entities (
        doc_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL,
        link TEXT,
        value TEXT
    );
    CREATE INDEX entities_doc ON entities(doc_id);
    CREATE INDEX entities_link ON entities(link) WHERE link IS NOT NULL;
    CREATE TABLE entity_docs (
        doc_id TEXT PRIMARY KEY,
        state TEXT NOT NULL
    );
    CREATE TABLE person_decisions (
        id INTEGER PRIMARY KEY,
        op TEXT NOT NULL CHECK (op IN ('merge', 'split', 'rename')),
        args TEXT NOT NULL,
        made_at TEXT NOT NULL
    );
    """,
    # 4 -> 5: search across languages. Every document is cut into citable passages (offsets into
    # its text, page and Bates); a passage that stands for its message in semantic search gets a
    # vector from the case's embedding model (float16; which model is in meta). `passaged`
    # marks the documents already cut, so that a killed run resumes where it stopped.
    """
    ALTER TABLE documents ADD COLUMN passaged INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX documents_unpassaged ON documents(passaged) WHERE passaged = 0;
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        page INTEGER,
        bates TEXT,
        lang TEXT,
        searchable INTEGER NOT NULL DEFAULT 1,
        vec BLOB,
        UNIQUE (doc_id, seq)
    );
    CREATE INDEX passages_unembedded ON passages(id) WHERE vec IS NULL AND searchable = 1;
    """,
    # small originals are appended to pack files under originals/packs/ instead of one file each
    # (see Store.keep_bytes); this table says where each one's bytes are. Older cases keep their
    # one-file originals, which are read as before.
    """
    CREATE TABLE packed (
        sha256 TEXT PRIMARY KEY,
        pack TEXT NOT NULL,
        "offset" INTEGER NOT NULL,
        length INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # 6 -> 7: the full-text index's progress is one number in meta (the highest document rowid
    # indexed; see fulltext.indexed_upto) instead of a flag per document, whose marking rewrote
    # the documents table. The old column stays (unused) so that no table has to be rebuilt.
    """
    INSERT OR REPLACE INTO meta (key, value) SELECT 'fulltext_upto', COALESCE(
        (SELECT MIN(rowid) - 1 FROM documents WHERE indexed = 0), (SELECT MAX(rowid) FROM documents), 0);
    DROP INDEX documents_unindexed;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

DEFERRABLE_INDEXES: dict[str, str] = {
    "documents_source": "CREATE INDEX IF NOT EXISTS documents_source ON documents(source_id)",
    "documents_message_id": "CREATE INDEX IF NOT EXISTS documents_message_id ON documents(message_id)",
    "documents_sent_at": "CREATE INDEX IF NOT EXISTS documents_sent_at ON documents(sent_at)",
    "documents_kind": "CREATE INDEX IF NOT EXISTS documents_kind ON documents(kind)",
    "sources_status": "CREATE INDEX IF NOT EXISTS sources_status ON sources(status)",
    "sources_sha": "CREATE INDEX IF NOT EXISTS sources_sha ON sources(sha256)",
}
"""Secondary indexes that no query of the ingest itself uses (readers, the analysis and the web UI
do): a large ingest drops them and builds them afresh at its end (`Store.bulk_writes`), and
opening a case builds any that a killed ingest left missing. Each is the same definition as in
MIGRATIONS; a later migration that touches one of them must say IF EXISTS."""
