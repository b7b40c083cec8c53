"""The migrations are the only source of the schema: they must build exactly what the models say."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from accord.core import migrate
from accord.core.db import Base
from accord.models import load_all


def test_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_migrations_match_the_models(engine: Engine) -> None:
    load_all()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
