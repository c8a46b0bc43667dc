"""The store: the Parquet datasets (docs/store.md), the run's transaction, formula-safe CSV text."""
