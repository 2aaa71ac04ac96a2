"""Demo accounts for each role and demo integration keys. Demo only: the passwords and
keys are printed and in the README, so they must never reach a real deployment."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit.service import SYSTEM_EDITOR
from app.auth import service as auth
from app.demo.city import DemoCity
from app.identity.roles import Role
from app.vocabulary import Channel


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    password: str
    department_code: str | None = None
    grid_code: str | None = None


@dataclass(frozen=True)
class DemoClient:
    name: str
    channels: tuple[Channel, ...]
    key: str


DEMO_CLIENTS = (
    DemoClient(
        "12345 and Minsheng 110 call centre (demo)",
        (Channel.HOTLINE_12345, Channel.MINSHENG_110),
        "hlk_dem0call_demo-call-centre-key-not-for-production",
    ),
    DemoClient(
        "Citizen app (demo)",
        (Channel.PHOTO_REPORT, Channel.QR_CODE, Channel.WEB),
        "hlk_dem0apps_demo-citizen-app-key-not-for-production",
    ),
    DemoClient(
        "Grid workers' app (demo)",
        (Channel.GRID_PATROL,),
        "hlk_dem0grid_demo-grid-app-key-not-for-production",
    ),
)


def demo_users(city: DemoCity) -> tuple[DemoUser, ...]:
    street = next(grid for grid in city.grids if grid.level == 1)
    community = next(grid for grid in city.grids if grid.parent_code == street.code)
    unit_grid = next(grid for grid in city.grids if grid.parent_code == community.code)
    return (
        DemoUser("admin", "系统管理员", Role.ADMIN, "demo-admin-password"),
        DemoUser("dispatcher", "调度中心值班员", Role.DISPATCHER, "demo-dispatcher-password"),
        DemoUser("supervisor", "督办科", Role.SUPERVISOR, "demo-supervisor-password"),
        DemoUser(
            "urban",
            "城市管理局承办人",
            Role.UNIT_HANDLER,
            "demo-urban-password",
            department_code="urban_management",
        ),
        DemoUser(
            "street",
            f"{street.name}承办人",
            Role.UNIT_HANDLER,
            "demo-street-password",
            grid_code=street.code,
        ),
        DemoUser(
            "community",
            f"{community.name}承办人",
            Role.UNIT_HANDLER,
            "demo-community-password",
            grid_code=community.code,
        ),
        DemoUser(
            "gridworker",
            f"{unit_grid.name}网格员",
            Role.GRID_WORKER,
            "demo-gridworker-password",
            grid_code=unit_grid.code,
        ),
    )


def seed_demo_people(
    session: Session, city: DemoCity
) -> tuple[tuple[DemoUser, ...], tuple[DemoClient, ...]]:
    """Create the demo accounts and keys (in a database that has the demo city)."""
    users = demo_users(city)
    for user in users:
        auth.create_user(
            session,
            editor=SYSTEM_EDITOR,
            username=user.username,
            display_name=user.display_name,
            password=user.password,
            role=user.role,
            department_code=user.department_code,
            grid_code=user.grid_code,
        )
    for client in DEMO_CLIENTS:
        auth.create_client(
            session, client.name, list(client.channels), editor=SYSTEM_EDITOR, key=client.key
        )
    return users, DEMO_CLIENTS
