"""Linkage state: the saved model, runs, person clusters, scored links and judgements.

Every Person record is in exactly one `PersonCluster` (a singleton when nothing links it).
A cluster's `key` (`PC-000123`) survives re-runs: a new run's cluster takes the key of the old
cluster it shares most records with, so watches and bookmarks keep pointing at the person.
`PersonLink` keeps each scored pair above the review threshold with its match weight and the
weight of every field (the page's waterfall). `Judgement` is the analysts' append-only log.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, IdMixin, UTCDateTime


class LinkageModel(IdMixin, Base):
    """A trained Splink model (its settings with the m and u parameters), as Splink saves it."""

    __tablename__ = "linkage_models"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    engine: Mapped[str] = mapped_column(String(10))
    records: Mapped[int] = mapped_column(Integer)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LinkageRun(IdMixin, Base):
    __tablename__ = "linkage_runs"

    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mode: Mapped[str] = mapped_column(String(12))  # full | incremental
    engine: Mapped[str] = mapped_column(String(10))  # duckdb | spark
    model_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("linkage_models.id"))
    run_by: Mapped[str] = mapped_column(String(80))
    records: Mapped[int] = mapped_column(Integer, default=0)
    pairs: Mapped[int] = mapped_column(Integer, default=0)
    links: Mapped[int] = mapped_column(Integer, default=0)
    clusters: Mapped[int] = mapped_column(Integer, default=0)
    threshold: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class PersonCluster(IdMixin, Base):
    __tablename__ = "person_clusters"

    key: Mapped[str] = mapped_column(String(20), unique=True)
    size: Mapped[int] = mapped_column(Integer, default=1)
    agencies: Mapped[int] = mapped_column(Integer, default=1, index=True)
    label: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("linkage_runs.id"))


class ClusterMember(Base):
    __tablename__ = "person_cluster_members"

    record_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("person_clusters.id"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PersonLink(Base):
    """A scored pair (left id < right id as text) with its explanation."""

    __tablename__ = "person_links"
    __table_args__ = (Index("ix_person_links_right", "right_id"),)

    left_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id", ondelete="CASCADE"), primary_key=True
    )
    right_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id", ondelete="CASCADE"), primary_key=True
    )
    match_weight: Mapped[float] = mapped_column(Float)
    probability: Mapped[float] = mapped_column(Float)
    # [{"field", "level", "weight", "left", "right"}], the waterfall in field order.
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    prior_weight: Mapped[float] = mapped_column(Float, default=0.0)
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("linkage_runs.id"))


class Judgement(IdMixin, Base):
    """An analyst's verdict on a pair of Person records: same, not_same or unsure. Append-only;
    the latest verdict on a pair is the one in force."""

    __tablename__ = "linkage_judgements"
    __table_args__ = (Index("ix_linkage_judgements_pair", "left_id", "right_id"),)

    left_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("shared_records.id"))
    right_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("shared_records.id"))
    verdict: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    username: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    cluster_key: Mapped[str | None] = mapped_column(String(20))
    match_weight: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
