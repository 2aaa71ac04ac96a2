"""text search index keeps no positions

SQLite: the queue's FTS5 trigram table (app/tickets/search.py) is made again keeping only
which tickets hold each trigram (`detail=none`, `columnsize=0`), and rebuilt for the tickets
already there, a quarter of its former size. Intake writes each ticket's terms as a
segment of their own, which every merge writes again: they are smaller, and merged when 64
of a size are there (`crisismerge`, `automerge`) rather than 16, so written again fewer
times. A search checks the text on the candidate tickets' rows instead of matching a
phrase. PostgreSQL's index does not change.

Revision ID: 03dbf933bd01
Revises: a3c5e7f9b1d2
Create Date: 2026-12-07 12:30:00.000000
"""

from collections.abc import Mapping, Sequence

from alembic import op

from app.tickets import search

revision: str = "03dbf933bd01"
down_revision: str | None = "a3c5e7f9b1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _make_again(sqlite_options: str, sqlite_merges: Mapping[str, int]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    search.drop_index(bind)
    search.create_index(bind, sqlite_options, sqlite_merges)


def upgrade() -> None:
    # Written out, not read from app/tickets/search.py: this revision's table stays this
    # one whatever a later revision makes.
    _make_again("detail=none, columnsize=0", {"automerge": 16, "crisismerge": 64})


def downgrade() -> None:
    _make_again("", {})  # FTS5's defaults: positions, field lengths, its merges
