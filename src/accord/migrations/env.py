"""Alembic environment: runs migrations on the engine handed over by accord.core.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from accord.core.db import Base, default_engine
from accord.models import load_all

load_all()
target_metadata = Base.metadata
engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = default_engine()

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
