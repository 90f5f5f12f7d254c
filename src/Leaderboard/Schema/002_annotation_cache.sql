-- Annotator preferences reused across runs. The key is a SHA-256 of (annotator key, instruction, both outputs
-- in the order shown, seed); annotator_key and seed are kept in the clear only for inspection.

CREATE TABLE annotation_cache (
    key_sha256    TEXT PRIMARY KEY,
    annotator_key TEXT NOT NULL,
    seed          INTEGER,
    preference    REAL NOT NULL,
    price         REAL,
    time_seconds  REAL
) STRICT, WITHOUT ROWID;
