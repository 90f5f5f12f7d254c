-- Pairs no annotator could judge (a judge server down): such a row is incomplete until a re-run judges them.
-- Imported annotations are final as published (their unparsed rows are the judge's), so they are never incomplete.
-- The LC standard error is dropped: without the instruction-difficulty term the minimal GLM predicts one
-- probability for every row, so its SEM is always 0 and measures nothing.
ALTER TABLE aggregates ADD COLUMN n_unjudged INTEGER NOT NULL DEFAULT 0;
UPDATE aggregates SET n_unjudged = (SELECT COUNT(*) FROM annotations a WHERE a.run_id = aggregates.run_id AND a.preference IS NULL)
WHERE (SELECT s.kind FROM evaluation_runs r JOIN submissions s ON s.id = r.submission_id WHERE r.id = aggregates.run_id) <> 'annotations';
UPDATE aggregates SET lc_standard_error = NULL;
