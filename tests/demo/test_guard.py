"""The demo seed's check of what a database holds, on both databases."""

from sqlalchemy.orm import Session

from app.auth.models import StaffUser
from app.clock import utc_now
from app.demo.guard import check_for_demo
from app.identity.roles import Role
from app.units.models import Department
from tests import factories


def test_the_test_database_holds_the_demo_city_and_nothing_else(session: Session) -> None:
    check = check_for_demo(session, factories.CITY)

    assert check.demo_loaded
    assert check.foreign == ()
    assert not check.empty


def test_a_real_unit_and_a_real_account_are_named(session: Session) -> None:
    now = utc_now()
    session.add(Department(code="fire_rescue", name="消防救援大队", created_at=now))
    session.add(
        StaffUser(
            username="wang.li",
            display_name="王丽",
            password_hash="not-a-demo-password",
            role=Role.ADMIN,
            created_at=now,
        )
    )
    session.flush()

    check = check_for_demo(session, factories.CITY)

    assert check.foreign == ("1 staff accounts: wang.li (admin)", "1 departments: fire_rescue")
