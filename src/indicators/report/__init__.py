"""The tertial report (HTML, PDF, XLSX), its tables, highlights, comments and drill-down, and the Prefect
artifacts' rows; it reads the store and never writes it (the charts are :mod:`indicators.charts`).
"""
