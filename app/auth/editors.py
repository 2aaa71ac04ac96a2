"""Who edits, for the audit log: the checked caller (an administrator, or any staff) and the
caller's address, as the `Editor` every service records its changes with. Here in auth, as
only the credential check knows who calls; audit imports nothing of auth."""

from typing import Annotated

from fastapi import Depends, Request

from app.audit.service import Editor
from app.auth.dependencies import AdminDep, StaffDep


def request_address(request: Request) -> str | None:
    """The caller's IP address (behind a proxy, uvicorn's --proxy-headers puts the real one
    here); None when the transport gives none."""
    return request.client.host if request.client else None


AddressDep = Annotated[str | None, Depends(request_address)]


def _admin_editor(admin: AdminDep, address: AddressDep) -> Editor:
    return Editor(admin, address)


def _staff_editor(staff: StaffDep, address: AddressDep) -> Editor:
    return Editor(staff, address)


# An administrator about to change the set-up (403 for anyone else), and where from.
AdminEditorDep = Annotated[Editor, Depends(_admin_editor)]
# Any member of staff, for what staff do that the audit log keeps (a reporter revealed).
StaffEditorDep = Annotated[Editor, Depends(_staff_editor)]
