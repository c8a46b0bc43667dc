"""Readers for raw exports, the Parquet store and the run manifest."""
