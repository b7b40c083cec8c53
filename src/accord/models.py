"""Imports every domain's models so that the metadata is whole (for Alembic and the tests)."""

from __future__ import annotations


def load_all() -> None:
    """Import each module that declares tables; the import registers them on Base.metadata."""
    import accord.agencies.models
    import accord.alerts.followup_models
    import accord.alerts.models
    import accord.assistance.models
    import accord.attachments.models
    import accord.audit.models
    import accord.core.idempotency
    import accord.core.refs
    import accord.deadlines.models
    import accord.linkage.models
    import accord.meetings.models
    import accord.notify.models
    import accord.records.models
    import accord.security.models
    import accord.series.models
    import accord.zones.agreements.models
    import accord.zones.models  # noqa: F401
