"""Keeping the demo city out of real databases.

The demo's accounts and keys are published (README, the seed's output), so they must never
land beside a real city's data. Before anything is written, the database is read for what
it holds that is not the demo city: staff accounts other than the demo's (a demo username
whose password is not the published one is a real account), keys other than the demo's,
units and categories the demo does not have, and tickets in a database that does not hold
the demo already.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import secrets as credentials
from app.auth.models import IntegrationClient, StaffUser
from app.categories.models import Category
from app.demo.city import DemoCity
from app.demo.people import DEMO_CLIENTS, demo_users
from app.demo.routing import DISTRICT_OFFICE
from app.tickets.models import Ticket
from app.units.models import Department, Grid

SHOWN_PER_KIND = 5  # the first few of each kind are named; the rest are counted


@dataclass(frozen=True)
class DemoCheck:
    """What a database holds, seen from the demo seed."""

    foreign: tuple[str, ...]  # what is not the demo city, one line per kind
    demo_loaded: bool  # every demo account and key is there already
    empty: bool  # no unit, category, account, key or ticket at all


def _named(kind: str, names: list[str]) -> str | None:
    if not names:
        return None
    shown = ", ".join(names[:SHOWN_PER_KIND])
    more = f" and {len(names) - SHOWN_PER_KIND} more" if len(names) > SHOWN_PER_KIND else ""
    return f"{len(names)} {kind}: {shown}{more}"


def _codes_outside(
    session: Session, model: type[Grid | Department | Category], known: Iterable[str]
) -> list[str]:
    return list(
        session.scalars(
            select(model.code).where(model.code.not_in(set(known))).order_by(model.code)
        )
    )


def check_for_demo(session: Session, city: DemoCity) -> DemoCheck:
    """What the database holds besides the demo city. Reads only."""
    passwords = {user.username: user.password for user in demo_users(city)}
    foreign_users: list[str] = []
    demo_accounts = 0
    for username, role, password_hash in session.execute(
        select(StaffUser.username, StaffUser.role, StaffUser.password_hash).order_by(
            StaffUser.username
        )
    ):
        demo_password = passwords.get(username)
        if demo_password is not None and credentials.verify_password(demo_password, password_hash):
            demo_accounts += 1
        else:
            foreign_users.append(f"{username} ({role})")
    demo_key_hashes = {credentials.sha256_hex(client.key) for client in DEMO_CLIENTS}
    foreign_clients: list[str] = []
    demo_keys = 0
    for name, key_hash in session.execute(
        select(IntegrationClient.name, IntegrationClient.key_hash).order_by(IntegrationClient.name)
    ):
        if key_hash in demo_key_hashes:
            demo_keys += 1
        else:
            foreign_clients.append(name)
    demo_loaded = demo_accounts == len(passwords) and demo_keys == len(DEMO_CLIENTS)
    tickets = 0 if demo_loaded else session.scalar(select(func.count(Ticket.id))) or 0
    departments = [department.code for department in city.departments] + [DISTRICT_OFFICE[0]]
    lines = (
        _named("staff accounts", foreign_users),
        _named("integration keys", foreign_clients),
        _named("departments", _codes_outside(session, Department, departments)),
        _named("grids", _codes_outside(session, Grid, (grid.code for grid in city.grids))),
        _named(
            "categories",
            _codes_outside(session, Category, (category.code for category in city.categories)),
        ),
        f"{tickets} tickets" if tickets else None,
    )
    anything = any(
        session.scalars(select(model.id).limit(1)).first() is not None
        for model in (Grid, Department, Category, StaffUser, IntegrationClient, Ticket)
    )
    return DemoCheck(tuple(line for line in lines if line), demo_loaded, not anything)


def refusal(check: DemoCheck, command: str) -> str:
    """The message that refuses to put the demo city beside `check.foreign`."""
    held = "; ".join(check.foreign)
    return (
        f"{command}: this database holds data that is not the demo city ({held}). The demo's "
        "accounts and keys are published, so it is only loaded into an empty database: point "
        "HOTLINE_DATABASE_URL at a new one for the demo. Nothing was written."
    )
