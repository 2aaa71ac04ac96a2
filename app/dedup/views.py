"""A ticket's suspected duplicates as the API answers them."""

from sqlalchemy.orm import Session

from app.dedup.service import candidates_of
from app.tickets.models import Ticket
from app.tickets.schemas import DuplicateRead


def duplicates(session: Session, ticket: Ticket) -> list[DuplicateRead]:
    return [
        DuplicateRead(
            number=link.number,
            direction=link.direction,
            score=link.score,
            reasons=link.reasons,
            status=link.status,
        )
        for link in candidates_of(session, ticket)
    ]
