"""The SQLAlchemy internals an action's write of its ticket reads (app/tickets/saving.py).

pyproject.toml pins SQLAlchemy's minor version; when it is raised, a failure here says
which internal changed, before an action writes a ticket wrongly or twice.
"""

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.tickets.models import Ticket

BY = "app/tickets/saving.py (save)"


def test_a_changed_attribute_is_kept_in_committed_state_with_its_old_value() -> None:
    ticket = Ticket(urge_count=1, version=3)
    state = inspect(ticket)
    state._commit_all(state.dict)
    ticket.urge_count = 2
    assert dict(state.committed_state) == {"urge_count": 1}, BY


def test_commit_all_marks_an_object_clean_in_its_session() -> None:
    session = Session()
    ticket = Ticket(urge_count=1, version=3)
    state = inspect(ticket)
    state._commit_all(state.dict)
    ticket.urge_count = 2
    assert state.modified, BY
    state._commit_all(state.dict, session.identity_map)
    assert not state.modified, BY
    assert not state.committed_state, BY
