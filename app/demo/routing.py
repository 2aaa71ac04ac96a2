"""The demo city's routing: keyword rules for its categories, and the rules a dispatch
centre typically starts from. Admins edit both afterwards."""

from collections import defaultdict

from sqlalchemy.orm import Session

from app.clock import utc_now
from app.demo.city import DemoCity
from app.routing.default_keywords import DEFAULT_KEYWORD_RULES
from app.routing.models import CategoryKeyword, RoutingRule
from app.units.models import Department
from app.vocabulary import Channel

DISTRICT_OFFICE = ("district_office", "区12345热线办公室（兜底）")
FIRST_GRID_LEVEL_RULES: tuple[tuple[str, list[str], list[Channel], int, list[str]], ...] = (
    # (name, category codes, channels, target grid level, assisting departments)
    ("邻里和家庭纠纷先由社区调解", ["1001", "1002"], [], 2, []),
    ("网格员巡查上报由本网格处置", [], [Channel.GRID_PATROL], 3, []),
)
JOINT_HANDLING = {
    # category -> departments that assist its usual department
    "0702": ["public_security"],  # gas leak: housing leads, police secure the scene
    "0703": ["urban_management"],  # dangerous building
}


def seed_demo_routing(session: Session, city: DemoCity) -> int:
    """Add the district office (the unit of last resort), keyword rules and routing rules.
    Returns the number of routing rules."""
    now = utc_now()
    session.add(Department(code=DISTRICT_OFFICE[0], name=DISTRICT_OFFICE[1], created_at=now))
    session.add_all(
        CategoryKeyword(
            category_code=rule.category_code,
            keywords=list(rule.keywords),
            excluded=list(rule.excluded),
            weight=rule.weight,
            updated_at=now,
        )
        for rule in DEFAULT_KEYWORD_RULES
    )
    rules: list[RoutingRule] = []
    for name, categories, channels, level, assisting in FIRST_GRID_LEVEL_RULES:
        rules.append(
            _rule(
                name, categories, [str(c) for c in channels], "grid_level", level, None, assisting
            )
        )
    by_department: dict[str, list[str]] = defaultdict(list)
    for category in city.categories:
        if category.department_code and category.code not in JOINT_HANDLING:
            by_department[category.department_code].append(category.code)
    for code, assisting in JOINT_HANDLING.items():
        lead = next(c.department_code for c in city.categories if c.code == code)
        rules.append(_rule(f"{code} 联合处置", [code], [], "department", None, lead, assisting))
    names = {department.code: department.name for department in city.departments}
    for department_code, categories in sorted(by_department.items()):
        rules.append(
            _rule(
                f"{names[department_code]}承办",
                categories,
                [],
                "department",
                None,
                department_code,
                [],
            )
        )
    fallback = _rule("职责不清由区热线办兜底", [], [], "department", None, DISTRICT_OFFICE[0], [])
    fallback.is_fallback = True
    rules.append(fallback)
    for position, rule in enumerate(rules, start=1):
        rule.position = position * 10
        rule.created_at = rule.updated_at = now
    session.add_all(rules)
    session.flush()
    return len(rules)


def _rule(
    name: str,
    categories: list[str],
    channels: list[str],
    target_kind: str,
    level: int | None,
    department: str | None,
    assisting: list[str],
) -> RoutingRule:
    return RoutingRule(
        name=name,
        enabled=True,
        is_fallback=False,
        category_codes=categories,
        request_types=[],
        channels=channels,
        grid_codes=[],
        keywords=[],
        target_kind=target_kind,
        target_grid_level=level,
        target_department_code=department,
        assist_department_codes=assisting,
    )
