"""Dashboard tests use ``sample_db`` / ``sample_db_url`` from ``tests/conftest.py``: the
sample inbox imported through the real ETL, on both backends."""
