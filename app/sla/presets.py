"""Policy presets: a city's whole set of SLA policies as a local standard writes them,
loaded in one go (`hotline load-policies NAME`). The defaults (app/sla/defaults.py) stay
until a city chooses a preset.

Beijing's local standard (in force 2023-01-01, ../shared/DOMAIN.md) counts in hours and
days, not working days: dispatch within 1 h (emergency), 2 h (water, power, gas, heating)
or 24 h; reply within 2 h, 24 h or 7 days, 15 days for a complex matter. Its limits are
elapsed time and calendar days ("24eh", "7cd"); a complex matter is the general 7 days
with the centre's approved extension of up to 8 days more (15 in all)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import Editor
from app.categories.models import Category
from app.errors import UnprocessableContent
from app.sla import service
from app.sla.defaults import ROUND_THE_CLOCK, STANDARD
from app.sla.models import SlaPolicy
from app.sla.schemas import SlaPolicyWrite
from app.vocabulary import Priority

UTILITIES = "utilities"  # stands for the city's utilities category group
# Words in a utilities group's name (water, power, gas, heating supply).
UTILITY_WORDS = ("供水", "供电", "供气", "供暖", "供热")

PRESETS: dict[str, tuple[SlaPolicyWrite, ...]] = {
    "beijing": (
        SlaPolicyWrite(
            name="beijing-general",
            calendar_code=STANDARD,
            dispatch_target="24eh",
            sign_target="4h",
            reply_target="7cd",
            return_window_target="2wd",
            max_extension_days=8,
        ),
        SlaPolicyWrite(
            name="beijing-utilities",
            category_code=UTILITIES,
            calendar_code=STANDARD,
            dispatch_target="2eh",
            sign_target="1eh",
            reply_target="24eh",
            return_window_target="2eh",
            max_extension_days=0,
        ),
        SlaPolicyWrite(
            name="beijing-emergency",
            priority=Priority.EMERGENCY,
            calendar_code=ROUND_THE_CLOCK,
            dispatch_target="1eh",
            sign_target="30em",
            reply_target="2eh",
            return_window_target="30em",
            max_extension_days=0,
        ),
    )
}


@dataclass(frozen=True)
class Loaded:
    created: list[str]
    updated: list[str]
    disabled: list[str]  # the city's other policies, kept for the clocks they set


def utilities_group(session: Session, code: str | None) -> Category:
    """The category group `code`, else the one group whose name names utility supply."""
    groups = list(session.scalars(select(Category).where(Category.parent_id.is_(None))))
    if code is not None:
        found = [group for group in groups if group.code == code]
    else:
        found = [group for group in groups if any(word in group.name for word in UTILITY_WORDS)]
    if len(found) != 1:
        names = ", ".join(f"{group.code} {group.name}" for group in groups)
        raise UnprocessableContent(
            f"Name the utilities category group (water, power, gas, heating) with "
            f"--utilities-group; the groups are: {names}.",
            field="utilities_group",
        )
    return found[0]


def load_preset(
    session: Session, name: str, editor: Editor, utilities_group_code: str | None = None
) -> Loaded:
    """Create or update the preset's policies by name, enabled, and disable every other
    policy (clocks already running keep their deadlines; new clocks follow the preset)."""
    if name not in PRESETS:
        raise UnprocessableContent(
            f"No preset is named {name!r}; there are: {', '.join(PRESETS)}.", field="preset"
        )
    group = utilities_group(session, utilities_group_code)
    existing = {policy.name: policy for policy in service.list_policies(session)}
    loaded = Loaded([], [], [])
    for body in PRESETS[name]:
        if body.category_code == UTILITIES:
            body = body.model_copy(update={"category_code": group.code})
        policy = existing.get(body.name)
        if policy is None:
            service.create_policy(session, body, editor)
            loaded.created.append(body.name)
        else:
            service.update_policy(session, policy, body, editor)
            loaded.updated.append(body.name)
    keep = {body.name for body in PRESETS[name]}
    for policy in existing.values():
        if policy.name not in keep and policy.enabled:
            _disable(session, policy, editor)
            loaded.disabled.append(policy.name)
    return loaded


def _disable(session: Session, policy: SlaPolicy, editor: Editor) -> None:
    category = service.category_code(session, policy.category_id) if policy.category_id else None
    calendar = service.calendar_code(session, policy.calendar_id)
    body = SlaPolicyWrite(
        name=policy.name,
        request_type=policy.request_type,
        category_code=category,
        priority=policy.priority,
        calendar_code=calendar,
        dispatch_target=policy.dispatch_target,
        sign_target=policy.sign_target,
        reply_target=policy.reply_target,
        return_window_target=policy.return_window_target,
        warn_ratio=policy.warn_ratio,
        warn_before_minutes=policy.warn_before_minutes,
        max_extension_days=policy.max_extension_days,
        enabled=False,
    )
    service.update_policy(session, policy, body, editor)
