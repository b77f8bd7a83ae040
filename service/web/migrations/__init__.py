"""Alembic migrations of the service database, shipped in the package and applied at startup."""
