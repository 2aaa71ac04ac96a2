"""Intake: every channel's tickets into the one queue (POST /api/v1/tickets).

The route (router.py) parses and answers; the flow (flow.py) is the steps a ticket goes
through, top to bottom; write.py and screening.py do its writing and its duplicate
screening. On SQLite the intakes share their commits (a commit group): that machinery is
the private `_commit_group`, `_commit_waits` and `_loop_path` modules, known to the rest of
the service only as the `SharedCommit` that `shared_commit` makes.
"""

from sqlalchemy import Connection, Engine

from app.intake._commit_group import CommitGroup
from app.intake.router import router
from app.unit_of_work import SharedCommit


def shared_commit(bind: Engine | Connection) -> SharedCommit:
    """The commit group intakes on SQLite share (see app.intake._commit_group.CommitGroup
    for `bind`)."""
    return CommitGroup(bind)


__all__ = ["router", "shared_commit"]
