"""The OpenAPI document, completed from what the routes are made of, in one place rather
than by hand on each route: every problem an operation may answer, each as
`application/problem+json` with the one `Problem` schema.

An operation answers
- the problems its dependencies declare (`errors.answers_problems`: a secured operation
  gets 401 and 403 from its credentials and role checks);
- 404 when its path names something (a ticket, a unit, a subscription) that may not be
  there, or not for this caller;
- 422 when it takes parameters or a body; 400 for a body that does not parse or a cursor
  it did not give out, 415 for a body that is not JSON where JSON is read, 413 for any
  body over the size limit;
- what the route itself declares (409, 412, ...), whose descriptions win.
"""

from collections.abc import Callable, Iterator
from typing import Any, cast

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts

from app.errors import (
    PROBLEM_JSON,
    Problem,
    declared_problems,
    expects_json_body,
    problem_responses,
)

PROBLEM_REF = "#/components/schemas/Problem"
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")

_NOT_FOUND = (404, "Nothing of that name, or nothing this caller may see")
_INVALID = (422, "Invalid parameters or body: `errors` lists every problem found")
_TOO_LARGE = (413, "The body is over the size limit")
_MALFORMED = (400, "The body is not valid JSON (the detail says where and why)")
_NOT_JSON = (415, "The body is not application/json")
_MALFORMED_FORM = (400, "The form or multipart body does not parse")
_BAD_CURSOR = (400, "The cursor is not one this API gave out")


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependency_calls(sub)


def problems_of(route: APIRoute) -> dict[int | str, dict[str, Any]]:
    """Every problem `route` may answer, with why (see the module's docstring)."""
    names_something = "{" in route.path_format
    found: dict[int | str, dict[str, Any]] = {}
    for call in _dependency_calls(route.dependant):
        found.update(declared_problems(call))
    generic: list[tuple[int, str]] = []
    if names_something:
        generic.append(_NOT_FOUND)
    parameters = get_flat_params(route.dependant)
    if parameters or route.body_field is not None:
        generic.append(_INVALID)
    if any(parameter.alias == "cursor" for parameter in parameters):
        generic.append(_BAD_CURSOR)
    if route.body_field is not None:
        generic.append(_TOO_LARGE)
    if expects_json_body(route):
        generic += [_MALFORMED, _NOT_JSON]
    elif route.body_field is not None:
        generic.append(_MALFORMED_FORM)
    found.update(problem_responses(*generic))
    return found


def _own_schema(response: dict[str, Any]) -> dict[str, Any] | None:
    """The schema a route gave an error answer itself (the grid import's 422, a Problem
    with its list of map problems), if any."""
    for content in response.get("content", {}).values():
        schema: dict[str, Any] = content.get("schema", {})
        if schema and not schema.get("$ref", "").endswith(_FASTAPI_VALIDATION_SCHEMAS):
            return schema
    return None


def _complete_operation(operation: dict[str, Any], route: APIRoute) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, answer in problems_of(route).items():
        declared = route.responses.get(status) or route.responses.get(str(status))
        if declared is None:
            responses[str(status)] = answer
        elif "description" in declared:  # FastAPI's own 422 text gives way to the route's
            responses[str(status)]["description"] = declared["description"]
    for status, response in responses.items():
        own = _own_schema(response)
        if int(status) < 400 or (own is not None and PROBLEM_JSON not in response["content"]):
            continue  # readiness's 503 answers a body of its own
        response["content"] = {PROBLEM_JSON: {"schema": own or {"$ref": PROBLEM_REF}}}


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {**definitions, "Problem": schema}


def api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every API route of `app`, with the prefix and settings of the routers that include it."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            # As FastAPI's own OpenAPI does: the context answers as the included route.
            yield cast(APIRoute, context)


def complete(document: dict[str, Any], routes: Iterator[APIRoute]) -> dict[str, Any]:
    """`document` (FastAPI's) with every operation's problems, in place."""
    for route in routes:
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = document["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _complete_operation(operation, route)
    # The webhooks' receivers are the integrations' servers: FastAPI's 422 is not theirs.
    for webhook in document.get("webhooks", {}).values():
        for operation in webhook.values():
            operation["responses"].pop("422", None)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(_problem_schemas())
    return document


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` answer the completed document (built once)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build(), api_routes(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
