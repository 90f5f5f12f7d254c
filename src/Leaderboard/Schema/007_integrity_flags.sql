-- Integrity checks (AlpacaFarm.Evaluation.Integrity): the flags a row raised, as a JSON array, and whether they list the
-- row apart from the ranked ones. Rows stored before are checked by this migration's code step, from their outputs and
-- aggregates; nothing else changes.
ALTER TABLE aggregates ADD COLUMN integrity_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE aggregates ADD COLUMN integrity_unranked INTEGER NOT NULL DEFAULT 0;
