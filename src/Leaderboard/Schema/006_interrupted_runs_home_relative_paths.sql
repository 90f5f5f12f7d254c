-- 1. Why a row has no LC win rate (too few judged pairs, or a GLM fit that did not converge); NULL where it has one,
--    and for rows stored before this version, whose reason was not recorded.
ALTER TABLE aggregates ADD COLUMN lc_absence TEXT;

-- 2. 'interrupted': a run whose process died without recording an outcome (killed, machine lost). A table's CHECK
--    cannot be altered in SQLite, so method_runs is rebuilt with every row and id kept; artifacts keep their run ids.
--    work_directory and method_run_artifacts.path become relative to the home in the code step of this migration.
CREATE TABLE method_runs_006 (
    id              INTEGER PRIMARY KEY,
    run_key         TEXT NOT NULL,
    method          TEXT NOT NULL,
    method_version  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'timed-out', 'interrupted')),
    reason          TEXT,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER,
    labels_used     INTEGER NOT NULL DEFAULT 0,
    work_directory  TEXT NOT NULL,
    board_id        TEXT,
    row_name        TEXT
) STRICT;

INSERT INTO method_runs_006 (id, run_key, method, method_version, status, reason, started_at_ms, finished_at_ms, labels_used,
                             work_directory, board_id, row_name)
SELECT id, run_key, method, method_version, status, reason, started_at_ms, finished_at_ms, labels_used,
       work_directory, board_id, row_name
FROM method_runs;

-- Foreign keys are off during migrations (see Migrations.cs), so dropping the parent keeps method_run_artifacts' rows.
DROP TABLE method_runs;
ALTER TABLE method_runs_006 RENAME TO method_runs;
CREATE INDEX method_runs_by_key ON method_runs (run_key);
