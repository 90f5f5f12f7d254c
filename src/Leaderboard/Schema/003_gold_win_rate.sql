-- The farm world's ground truth: the gold ("human") win-rate beside the simulated one. NULL for real-text boards.
ALTER TABLE aggregates ADD COLUMN gold_win_rate REAL;
ALTER TABLE aggregates ADD COLUMN gold_standard_error REAL;
