"""HTTP for Open311 GeoReport v2: every resource as .json or .xml, errors in Open311's own
format (a list of code and description), never problem+json."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from app.auth.dependencies import Credentials
from app.clock import utc_now
from app.dependencies import SessionDep
from app.errors import Forbidden, HotlineError, Unauthorized
from app.identity.principal import ClientPrincipal
from app.intake import flow
from app.open311 import formats
from app.open311 import service as open311
from app.resources import resources_of
from app.unit_of_work import request_unit

PREFIX = "/open311/v2"
router = APIRouter(prefix=PREFIX, tags=["open311"])
# Checked by hand, so an unknown one is answered in Open311's way (in XML, its required one).
Format = Annotated[str, Path(description="json or xml")]
# Open311's error document, in JSON (in XML: <errors><error><code/><description/>...).
_ERRORS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}


def open311_errors(description: str) -> dict[str, Any]:
    return {
        "description": f"Open311 errors: {description}",
        "content": {"application/json": {"schema": _ERRORS_SCHEMA}, "text/xml": {}},
    }


SPEC_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/xml": {}}, "description": "As asked"},
    400: open311_errors("a request it cannot take"),
    404: open311_errors("no such resource, or a format other than json and xml"),
}


def _status(error: HotlineError) -> int:
    # Open311 says 400 for a request it cannot take, and 403 for a key it does not accept.
    if error.status == 422:
        return 400
    return 403 if error.status == 401 else error.status


def _unknown_format(fmt: str) -> Response:
    return formats.errors("xml", 404, [f"There is no format {fmt!r}: use .json or .xml."])


def _answering(fmt: str, answer: Callable[[], Response]) -> Response:
    if fmt not in formats.FORMATS:
        return _unknown_format(fmt)
    try:
        return answer()
    except HotlineError as error:
        return formats.errors(fmt, _status(error), [error.detail])


async def _answering_async(fmt: str, answer: Callable[[], Awaitable[Response]]) -> Response:
    if fmt not in formats.FORMATS:
        return _unknown_format(fmt)
    try:
        return await answer()
    except HotlineError as error:
        return formats.errors(fmt, _status(error), [error.detail])


def _root_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _photo_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/api/v1/photos/"


@router.get("/discovery.{fmt}", summary="Open311 service discovery", responses=SPEC_RESPONSES)
def discovery(request: Request, fmt: Format) -> Response:
    document = open311.discovery(_root_url(request))
    return _answering(fmt, lambda: formats.render(fmt, "discovery", None, document))


@router.get("/services.{fmt}", summary="Open311 services: the categories", responses=SPEC_RESPONSES)
def services(fmt: Format, session: SessionDep) -> Response:
    return _answering(
        fmt, lambda: formats.render(fmt, "services", "service", open311.services(session))
    )


@router.get(
    "/services/{service_code}.{fmt}",
    summary="Open311 service definition: the attributes a category asks for",
    responses=SPEC_RESPONSES,
)
def service_definition(service_code: str, fmt: Format, session: SessionDep) -> Response:
    return _answering(
        fmt,
        lambda: formats.render(
            fmt, "service_definition", None, open311.service_definition(session, service_code)
        ),
    )


async def _client(request: Request, api_key: str | None) -> ClientPrincipal:
    if not api_key:
        raise Forbidden("api_key is required to create a service request.")
    resources = resources_of(request)
    async with request_unit(resources.database) as unit:
        try:
            principal = await Credentials(api_key, None).principal(
                resources.principal_cache, resources.jwt_secret, unit.session
            )
        except Unauthorized:
            raise Forbidden("The api_key is unknown or revoked.") from None
    if not isinstance(principal, ClientPrincipal):
        raise Forbidden("api_key must be an integration key.")
    return principal


@router.post(
    "/requests.{fmt}",
    summary="Open311: create a service request (an integration key as api_key)",
    status_code=201,
    responses={**SPEC_RESPONSES, 403: open311_errors("an api_key it does not accept")},
)
async def create_request(request: Request, fmt: Format) -> Response:
    """Form-encoded as the specification says; taken in through intake like any ticket,
    on the channel the key is bound to."""

    async def answer() -> Response:
        form = {
            name: value for name, value in (await request.form()).items() if isinstance(value, str)
        }
        api_key = form.get("api_key") or request.headers.get("x-api-key")
        principal = await _client(request, api_key)
        body = open311.intake_body(principal, form)
        taken = await flow.take_in(
            resources_of(request),
            flow.IntakeRequest(body, request.scope["path"], None, Credentials(api_key, None)),
        )
        assert isinstance(taken, flow.TakenIn)  # no Idempotency-Key: never a replay
        row = {
            "service_request_id": taken.number,
            "token": taken.number,
            "service_notice": f"Taken in as ticket {taken.number}.",
            "account_id": None,
        }
        return formats.render(fmt, "service_requests", "request", [row], status=201)

    return await _answering_async(fmt, answer)


@router.get(
    "/requests.{fmt}",
    summary="Open311: service requests, with the standard filters",
    responses=SPEC_RESPONSES,
)
def find_requests(request: Request, fmt: Format, session: SessionDep) -> Response:
    """service_request_id (comma-separated; overrides the rest), service_code, start_date
    and end_date (at most 90 days; the last 90 by default), status (open, closed);
    extensions=true adds Hotline's own fields as extended_attributes."""

    def answer() -> Response:
        query = open311.parse_query(request.query_params, utc_now())
        rows = open311.find_requests(session, query, _photo_url(request))
        return formats.render(fmt, "service_requests", "request", rows)

    return _answering(fmt, answer)


@router.get(
    "/requests/{service_request_id}.{fmt}",
    summary="Open311: one service request",
    responses=SPEC_RESPONSES,
)
def one_request(
    request: Request, service_request_id: str, fmt: Format, session: SessionDep
) -> Response:
    extensions = request.query_params.get("extensions", "").lower() == "true"
    return _answering(
        fmt,
        lambda: formats.render(
            fmt,
            "service_requests",
            "request",
            open311.one_request(
                session, service_request_id, _photo_url(request), extensions=extensions
            ),
        ),
    )


@router.get(
    "/tokens/{token}.{fmt}",
    summary="Open311: the service request a token became",
    responses=SPEC_RESPONSES,
)
def token(token: str, fmt: Format, session: SessionDep) -> Response:
    return _answering(
        fmt,
        lambda: formats.render(fmt, "service_requests", "request", open311.token(session, token)),
    )
