"""What each viewer may see of the person who reported a ticket.

- Anonymous reports keep no identity, so there is nothing to show anyone.
- Confidential reports never show the reporter to the handling unit, masked or not; only
  the dispatch centre sees them (masked).
- Everyone else sees masked name and phone; the full values take an explicit, audited
  reveal (see tickets.service.reveal_reporter).
"""

from dataclasses import dataclass
from enum import StrEnum

from app.identity.principal import ClientPrincipal, Principal, StaffPrincipal
from app.identity.roles import Role


class ReporterView(StrEnum):
    MASKED = "masked"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class Disclosure:
    reporter: ReporterView
    tracking_code: bool  # the citizen's code, for whoever talks to the citizen
    admin_events: bool  # audit lines such as reporter reveals
    internal_evidence: bool = True  # staff's photos and files not made public


def disclosure_for(viewer: Principal, *, confidential: bool) -> Disclosure:
    if isinstance(viewer, ClientPrincipal):
        # The integration that filed the ticket already knows the reporter and the code.
        # It reads back what the citizen may: of staff's evidence, what they made public.
        return Disclosure(
            ReporterView.MASKED, tracking_code=True, admin_events=False, internal_evidence=False
        )
    return _staff_disclosure(viewer, confidential)


def _staff_disclosure(viewer: StaffPrincipal, confidential: bool) -> Disclosure:
    if viewer.is_dispatch_centre:
        return Disclosure(
            ReporterView.MASKED, tracking_code=True, admin_events=viewer.role is Role.ADMIN
        )
    return Disclosure(
        ReporterView.HIDDEN if confidential else ReporterView.MASKED,
        tracking_code=False,
        admin_events=False,
    )


def may_reveal_reporter(
    viewer: StaffPrincipal, *, confidential: bool, viewer_handles_it: bool
) -> bool:
    """The dispatch centre may; the unit handling the ticket may for a non-confidential
    report (to call the citizen back), not a grid worker who merely sees it because it
    happened in their grid; supervisors read everything but need no phone numbers."""
    if viewer.is_dispatch_centre:
        return True
    return viewer.role in {Role.UNIT_HANDLER, Role.GRID_WORKER} and (
        viewer_handles_it and not confidential
    )
