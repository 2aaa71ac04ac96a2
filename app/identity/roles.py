"""Staff roles and what each may do; one table, so a reviewer sees every rule at once."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"  # the dispatch centre: sees and routes everything
    UNIT_HANDLER = "unit_handler"  # a department's or a grid's staff: that unit's tickets
    GRID_WORKER = "grid_worker"  # their grid; files patrol reports
    SUPERVISOR = "supervisor"  # reads everything, urges and supervises, sees statistics


# Roles that see every ticket; the others see only their unit's (and the grids below it).
CITYWIDE_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER, Role.SUPERVISOR})
# Roles that work for the dispatch centre, which may know who reported (PIPL: need to know).
DISPATCH_CENTRE_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER})
# Roles that may take a ticket in by hand, for any channel.
MANUAL_INTAKE_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER})
# Roles tied to one unit.
UNIT_ROLES = frozenset({Role.UNIT_HANDLER, Role.GRID_WORKER})
