"""Prefect flows: thin wrappers that call the library, add retries, logging and artifacts."""
