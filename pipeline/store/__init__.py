"""State: the SQLite database of every page processed, near-duplicate signatures, the rows of
the output tables, and their export as CSV and Parquet."""
