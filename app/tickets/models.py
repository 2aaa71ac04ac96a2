"""Tickets, their append-only timeline, their photos and their numbers."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.categories.models import Category
from app.db import Base, BigId
from app.photos.models import Photo
from app.sla.models import TicketClock
from app.units.models import Department, Grid

# Open tickets, as the partial index of their reply deadlines holds them and the queue's
# queries name them: literally the same text, which is how SQLite recognises the index.
OPEN_TICKETS_SQL = "status IN ('dispatched', 'new', 'replied', 'returned', 'signed', 'suspended')"


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint(
            "assigned_grid_id IS NULL OR assigned_department_id IS NULL", name="one_assignee"
        ),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="wgs84_range"),
        Index("ix_ticket_created_at_id", "created_at", "id"),
        Index("ix_ticket_status_created_at", "status", "created_at"),
        Index("ix_ticket_reply_due_at_id", "reply_due_at", "id"),
        # The queue's deadline screens (open tickets by reply deadline, overdue ones): only
        # open tickets, so a walk in deadline order does not wade through a year of closed
        # tickets, whose deadlines come first.
        Index(
            "ix_ticket_open_reply_due_at",
            "reply_due_at",
            "id",
            sqlite_where=text(OPEN_TICKETS_SQL),
            postgresql_where=text(OPEN_TICKETS_SQL),
        ),
        # A unit's tickets in a status, newest first or (few: open ones) sorted by deadline.
        Index(
            "ix_ticket_assigned_department_id_status",
            "assigned_department_id",
            "status",
            "created_at",
        ),
        Index("ix_ticket_assigned_grid_id_status", "assigned_grid_id", "status", "created_at"),
        # A channel's tickets newest first (the unique (channel, external_id) is no order).
        Index("ix_ticket_channel_created_at", "channel", "created_at"),
        Index("ix_ticket_next_due_at_id", "next_due_at", "id"),
        # Duplicate search: the point's cell and its neighbours, or the same caller, lately.
        # The point and category ride along, so the box and the group are checked in the
        # index: only rows that could be the same problem are read from the table.
        Index(
            "ix_ticket_geo_cell_created_at", "geo_cell", "created_at", "lat", "lon", "category_id"
        ),
        Index("ix_ticket_reporter_phone_created_at", "reporter_phone", "created_at"),
        # A category's tickets, newest first (the queue's filter), and the uncategorised in
        # the duplicate search's window, which PostgreSQL may take from here when few.
        Index("ix_ticket_category_id_created_at", "category_id", "created_at"),
        # The supervised tickets (one in fifty) newest first, for the queue's `supervised`
        # filter: a walk of every ticket read fifty for each, a thousand for a unit's own.
        # Written as each database's query says it (`is_(True)`), for SQLite to take it.
        Index(
            "ix_ticket_supervised_created_at",
            "created_at",
            "id",
            sqlite_where=text("is_supervised IS 1"),
            postgresql_where=text("is_supervised IS true"),
        ),
        # A parent's merged tickets. Only merged ones are indexed: an index holding every
        # root drew SQLite's planner to it for the duplicate search's "parent_id IS NULL",
        # a scan of the whole table on every intake.
        Index(
            "ix_ticket_parent_id",
            "parent_id",
            sqlite_where=text("parent_id IS NOT NULL"),
            postgresql_where=text("parent_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Public number: local date + running sequence, e.g. 20261123-000042.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(20))  # indexed by (channel, external_id)
    external_id: Mapped[str | None] = mapped_column(String(100))
    request_type: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    priority: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # WGS-84 as located, and the point exactly as the client sent it.
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    source_lat: Mapped[float | None] = mapped_column(Float)
    source_lon: Mapped[float | None] = mapped_column(Float)
    source_crs: Mapped[str | None] = mapped_column(String(8))
    # The ~500 m cell the point lies in (app/dedup/cells.py), for the duplicate search.
    geo_cell: Mapped[int | None] = mapped_column(BigInteger)
    # The title and description as the duplicate search compares them
    # (app/dedup/similarity.py text_for_matching), worked out once at intake.
    match_text: Mapped[str] = mapped_column(Text)
    # The places and problem words the ticket names (app/dedup/similarity.py
    # keys_for_matching), worked out once at intake; None for tickets taken in before.
    match_keys: Mapped[str | None] = mapped_column(Text)
    # How far from the point the problem may lie: set when the point was found from the
    # address in the gazetteer (a compound, a road, a community), or came from a QR
    # poster's page (where the poster hangs). None for a point a device sent from the spot.
    location_radius_m: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    # What the call-centre agent wrote down about the call; searched with the text fields.
    agent_summary: Mapped[str | None] = mapped_column(Text)
    community_code: Mapped[str | None] = mapped_column(String(32))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # Indexed with the status, for the queue (and their foreign keys' lookups).
    assigned_grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    assigned_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    dispatch_due_at: Mapped[datetime | None]
    sign_due_at: Mapped[datetime | None]
    reply_due_at: Mapped[datetime | None]
    # The soonest deadline of any running clock: what "due soonest" sorts the queue by.
    next_due_at: Mapped[datetime | None]
    # Handling cycles: a reopened ticket starts a new one, with clocks of its own.
    cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_supervised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The unit's reply to the citizen (banjie), shown to them in the self-service view.
    reply_text: Mapped[str | None] = mapped_column(Text)
    # The knowledge-base article the reply was given from (an answer during the call), by
    # the id the agent's knowledge base gave it.
    reply_kb_article: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ticket.id"))
    # The grid map that located and routed the ticket, for explaining old decisions.
    grid_map_version_id: Mapped[int | None] = mapped_column(ForeignKey("grid_map_version.id"))
    # Given to the citizen at intake: with the number, it opens the self-service view.
    tracking_code: Mapped[str] = mapped_column(String(16))
    # What only this channel knows: call id, agent, recording, worker, 110 incident number.
    channel_data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # lazy="raise": every query says what it loads, so a list never turns into N+1 queries.
    category: Mapped[Category | None] = relationship(lazy="raise")
    grid: Mapped[Grid | None] = relationship(foreign_keys=[grid_id], lazy="raise")
    assigned_grid: Mapped[Grid | None] = relationship(foreign_keys=[assigned_grid_id], lazy="raise")
    assigned_department: Mapped[Department | None] = relationship(lazy="raise")
    parent: Mapped["Ticket | None"] = relationship(remote_side=[id], lazy="raise")
    attachments: Mapped[list["TicketAttachment"]] = relationship(
        order_by="TicketAttachment.position", lazy="raise"
    )
    assisting_units: Mapped[list["TicketAssistingUnit"]] = relationship(
        order_by="TicketAssistingUnit.id", lazy="raise"
    )
    clocks: Mapped[list[TicketClock]] = relationship(order_by=TicketClock.id, lazy="raise")

    # Every UPDATE checks the version it read: of two concurrent actions on one ticket,
    # exactly one writes; the other finds the row changed and gets a 409. The version is
    # bumped once per change (`service.mark_changed`), however many flushes it takes.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class TicketEvent(Base):
    """One line of a ticket's timeline. Rows are only ever inserted, in the transaction of
    the change they record, which makes the timeline the webhooks' outbox too: each row's
    place in the event feed (`feed_position`) is given once, after it committed
    (app/events/service.py)."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        Index("ix_ticket_event_ticket_id_id", "ticket_id", "id"),
        Index("ix_ticket_event_feed_position", "feed_position", unique=True),
        # The events still waiting for their place: a handful at any time.
        Index(
            "ix_ticket_event_unsequenced",
            "id",
            sqlite_where=text("feed_position IS NULL"),
            postgresql_where=text("feed_position IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_kind: Mapped[str] = mapped_column(String(16))  # system | client | user | citizen
    actor_ref: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    # The event's place in the feed, in commit order; None until the sequencer gives it.
    feed_position: Mapped[int | None] = mapped_column(BigInteger)


class TicketAttachment(Base):
    __tablename__ = "ticket_attachment"
    __table_args__ = (UniqueConstraint("ticket_id", "photo_id", "role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket.id", ondelete="CASCADE"))
    photo_id: Mapped[str] = mapped_column(ForeignKey("photo.id"), index=True)
    # The reporter's: evidence | before | after; staff's: reply | note | visit.
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    # Shown to the citizen (a reply's photos, a public note's): never the reporter's own.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]

    photo: Mapped[Photo] = relationship(lazy="joined")


class TicketAssistingUnit(Base):
    """A unit that assists the lead unit in joint handling (xieban)."""

    __tablename__ = "ticket_assisting_unit"
    __table_args__ = (
        UniqueConstraint("ticket_id", "department_id"),
        UniqueConstraint("ticket_id", "grid_id"),
        CheckConstraint("(department_id IS NULL) <> (grid_id IS NULL)", name="one_unit"),
        # The tickets a department assists in: its staff's queue lists them once a page.
        Index("ix_ticket_assisting_unit_department_id", "department_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    created_at: Mapped[datetime]
    # When the assisting unit said its part was done; None while it is not.
    done_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship(lazy="joined")
    grid: Mapped[Grid | None] = relationship(lazy="joined")


class TicketNumberCounter(Base):
    """The last number a sequence gave out (SQLite; PostgreSQL uses a SEQUENCE)."""

    __tablename__ = "ticket_number_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)
