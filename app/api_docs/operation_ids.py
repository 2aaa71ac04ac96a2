"""Operation ids a generated client can use as method names: the route's name in camelCase
(createTicket, listTickets, dispatchTicket)."""

from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """FastAPI's `generate_unique_id_function`: the route's name (its endpoint's, unless
    the route names itself) in camelCase."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)
