"""Synthetic minutes generator and the benchmark of Referent against rank-bm25, bm25s and plain FTS5."""
