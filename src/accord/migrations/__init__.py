"""Alembic migrations of Accord's schema."""
