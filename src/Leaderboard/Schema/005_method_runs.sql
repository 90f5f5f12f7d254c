-- Every method run the runner starts, whatever its outcome: a failed, cancelled or timed-out run adds no leaderboard
-- row but leaves this record. run_key hashes everything that shapes the run (method, plugin, hyperparameters, seed,
-- recipe, upstream artifacts); a succeeded run names the row it stored.
CREATE TABLE method_runs (
    id              INTEGER PRIMARY KEY,
    run_key         TEXT NOT NULL,
    method          TEXT NOT NULL,
    method_version  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'timed-out')),
    reason          TEXT,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER,
    labels_used     INTEGER NOT NULL DEFAULT 0,
    work_directory  TEXT NOT NULL,
    board_id        TEXT,
    row_name        TEXT
) STRICT;

CREATE INDEX method_runs_by_key ON method_runs (run_key);

-- Artifacts a method reported along the way (checkpoints and their steps), for experiments to evaluate later.
CREATE TABLE method_run_artifacts (
    run_id         INTEGER NOT NULL REFERENCES method_runs (id) ON DELETE CASCADE,
    step           INTEGER NOT NULL,
    label          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    path           TEXT NOT NULL,
    content_sha256 TEXT NOT NULL
) STRICT;
