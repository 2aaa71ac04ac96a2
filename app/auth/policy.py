"""Who may file tickets and upload photos and files."""

from app.errors import Forbidden
from app.identity.principal import ClientPrincipal, Principal
from app.identity.roles import MANUAL_INTAKE_ROLES, Role
from app.vocabulary import Channel

# Staff upload the evidence of their handling too (replies, notes, return visits).
PHOTO_UPLOAD_ROLES = MANUAL_INTAKE_ROLES | {Role.GRID_WORKER, Role.UNIT_HANDLER}


def ensure_may_file(principal: Principal, channel: str, grid_path: str | None) -> None:
    """Integrations post only for their channels; grid workers only patrol reports in their
    own grid; the dispatch centre may file for any channel by hand."""
    if isinstance(principal, ClientPrincipal):
        if channel not in principal.channels:
            allowed = ", ".join(sorted(principal.channels)) or "none"
            raise Forbidden(
                f"This key may post for the channels {allowed}, not {channel}.", field="channel"
            )
        return
    if principal.role in MANUAL_INTAKE_ROLES:
        return
    if principal.role is Role.GRID_WORKER:
        if channel != Channel.GRID_PATROL:
            raise Forbidden("Grid workers file patrol reports only.", field="channel")
        if grid_path is None or not grid_path.startswith(principal.grid_path or "\x00"):
            raise Forbidden("Grid workers file reports for their own grid only.", field="grid_code")
        return
    raise Forbidden(f"A {principal.role} does not file tickets.")


def ensure_may_upload_photos(principal: Principal) -> None:
    if isinstance(principal, ClientPrincipal) or principal.role in PHOTO_UPLOAD_ROLES:
        return
    raise Forbidden(f"A {principal.role} does not upload photos.")


def ensure_may_upload_files(principal: Principal) -> None:
    """Files are staff's evidence of their handling: integrations send photos only."""
    if not isinstance(principal, ClientPrincipal) and principal.role in PHOTO_UPLOAD_ROLES:
        return
    who = "An integration" if isinstance(principal, ClientPrincipal) else f"A {principal.role}"
    raise Forbidden(f"{who} does not upload files.")
