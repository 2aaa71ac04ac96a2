"""Who is calling. Integration keys plug in here; until then intake is open."""

from typing import Annotated

from fastapi import Depends

from app.auth.actors import PUBLIC_CLIENT, Actor


def _intake_client() -> Actor:
    return PUBLIC_CLIENT


IntakeClientDep = Annotated[Actor, Depends(_intake_client)]
