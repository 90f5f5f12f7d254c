-- Boards, submissions and everything evaluated under them. Doubles are REAL (NaN is stored as NULL),
-- timestamps INTEGER unix milliseconds UTC. Deleting a submission cascades to its rows (--replace).

CREATE TABLE boards (
    id                    TEXT PRIMARY KEY,
    evaluation_set_id     TEXT NOT NULL,
    evaluation_set_sha256 TEXT NOT NULL,
    reference_sha256      TEXT NOT NULL,
    pool_hash             TEXT NOT NULL,
    evaluation_set_name   TEXT NOT NULL,
    reference_name        TEXT NOT NULL,
    pool_name             TEXT NOT NULL
) STRICT;

CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    board_id        TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    seed            INTEGER NOT NULL,
    mode            TEXT NOT NULL,
    provenance_json TEXT NOT NULL,
    UNIQUE (board_id, name)
) STRICT;

CREATE TABLE outputs (
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    row_index     INTEGER NOT NULL,
    instruction   TEXT NOT NULL,
    output        TEXT NOT NULL,
    generator     TEXT NOT NULL,
    dataset       TEXT NOT NULL,
    PRIMARY KEY (submission_id, row_index)
) STRICT, WITHOUT ROWID;

CREATE TABLE evaluation_runs (
    id                      INTEGER PRIMARY KEY,
    submission_id           INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    started_at_ms           INTEGER NOT NULL,
    finished_at_ms          INTEGER NOT NULL,
    total_price             REAL,
    total_annotator_seconds REAL,
    annotator_calls         INTEGER NOT NULL
) STRICT;

CREATE INDEX evaluation_runs_by_submission ON evaluation_runs (submission_id);

CREATE TABLE annotations (
    run_id       INTEGER NOT NULL REFERENCES evaluation_runs (id) ON DELETE CASCADE,
    row_index    INTEGER NOT NULL,
    instruction  TEXT NOT NULL,
    preference   REAL,
    annotator    TEXT NOT NULL,
    price        REAL,
    time_seconds REAL,
    PRIMARY KEY (run_id, row_index)
) STRICT, WITHOUT ROWID;

CREATE TABLE aggregates (
    run_id                     INTEGER PRIMARY KEY REFERENCES evaluation_runs (id) ON DELETE CASCADE,
    win_rate                   REAL,
    standard_error             REAL,
    n_wins                     INTEGER NOT NULL,
    n_wins_base                INTEGER NOT NULL,
    n_draws                    INTEGER NOT NULL,
    n_total                    INTEGER NOT NULL,
    discrete_win_rate          REAL,
    mode                       TEXT NOT NULL,
    avg_length                 REAL,
    length_controlled_win_rate REAL,
    lc_standard_error          REAL
) STRICT;
