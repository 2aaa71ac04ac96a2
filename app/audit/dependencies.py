"""What a request tells the audit log besides its actor: the caller's address."""

from typing import Annotated

from fastapi import Depends, Request


def request_address(request: Request) -> str | None:
    """The caller's IP address (behind a proxy, uvicorn's --proxy-headers puts the real one
    here); None when the transport gives none."""
    return request.client.host if request.client else None


AddressDep = Annotated[str | None, Depends(request_address)]
