"""Ingest: find the month's files, read them (CSV, XLSX, SSB's record and StatBank files), parse, validate,
quarantine, refuse national ids, check files against each other. Writes only the quarantine record.
"""
