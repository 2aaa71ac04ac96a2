"""Accounts for the access tests.

Accounts made here get a cheap argon2 hash (the app's verifier reads the cost from the hash
itself), so the tests that fail a login again and again stay fast.
"""

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from app.auth.models import StaffUser
from app.clock import utc_now
from app.identity.roles import Role
from tests import factories

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct-horse-battery-staple"


@dataclass(frozen=True)
class Account:
    id: int
    username: str


@pytest.fixture
def account(session: Session) -> Account:
    """A dispatcher account of this test, with a cheap hash of PASSWORD."""
    user = StaffUser(
        username=factories.unique("login"),
        display_name="Login test",
        password_hash=CHEAP_HASHER.hash(PASSWORD),
        role=Role.DISPATCHER,
        created_at=utc_now(),
    )
    session.add(user)
    session.commit()
    return Account(user.id, user.username)
