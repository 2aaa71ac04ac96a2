"""HTTP for routing: the rules and keyword rules admins edit. (The dry run, which answers
what intake would decide, is intake's: app.intake.router.)"""

from fastapi import APIRouter

from app.auth.dependencies import ReaderDep
from app.auth.editors import AdminEditorDep
from app.dependencies import ResourcesDep, SessionDep
from app.resources import Resources
from app.routing import editing
from app.routing.models import CategoryKeyword, RoutingRule
from app.routing.schemas import (
    CategoryKeywordRead,
    CategoryKeywordWrite,
    RoutingRuleRead,
    RoutingRuleWrite,
)
from app.routing.service import ROUTING

router = APIRouter(prefix="/routing", tags=["routing"])


def _read(rule: RoutingRule) -> RoutingRuleRead:
    target = (
        {"kind": "grid_level", "grid_level": rule.target_grid_level}
        if rule.target_kind == "grid_level"
        else {"kind": "department", "department_code": rule.target_department_code}
    )
    return RoutingRuleRead(
        id=rule.id,
        name=rule.name,
        position=rule.position,
        enabled=rule.enabled,
        is_fallback=rule.is_fallback,
        category_codes=rule.category_codes,
        request_types=rule.request_types,
        channels=rule.channels,
        grid_codes=rule.grid_codes,
        keywords=rule.keywords,
        target=target,
        assist_department_codes=rule.assist_department_codes,
        updated_at=rule.updated_at,
    )


def _changed(resources: Resources) -> None:
    # This process at once; the others within their check interval (a version stamp).
    resources[ROUTING].forget()


@router.get("/rules", summary="Routing rules, in the order they are tried")
def list_rules(session: SessionDep, _staff: ReaderDep) -> list[RoutingRuleRead]:
    return [_read(rule) for rule in editing.list_rules(session)]


@router.post("/rules", status_code=201, summary="Add a routing rule")
def create_rule(
    body: RoutingRuleWrite, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> RoutingRuleRead:
    rule = editing.create_rule(session, body, editor)
    _changed(resources)
    return _read(rule)


@router.put("/rules/{rule_id}", summary="Change a routing rule")
def update_rule(
    rule_id: int,
    body: RoutingRuleWrite,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> RoutingRuleRead:
    rule = editing.update_rule(session, rule_id, body, editor)
    _changed(resources)
    return _read(rule)


@router.delete("/rules/{rule_id}", status_code=204, summary="Remove a routing rule")
def delete_rule(
    rule_id: int, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> None:
    editing.delete_rule(session, rule_id, editor)
    _changed(resources)


@router.get("/keywords", summary="Keyword rules that classify a ticket's text")
def list_keywords(session: SessionDep, _staff: ReaderDep) -> list[CategoryKeywordRead]:
    return [CategoryKeywordRead.model_validate(row) for row in editing.list_keywords(session)]


@router.post("/keywords", status_code=201, summary="Add a keyword rule")
def create_keywords(
    body: CategoryKeywordWrite, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> CategoryKeywordRead:
    row: CategoryKeyword = editing.save_keywords(session, body, editor)
    _changed(resources)
    return CategoryKeywordRead.model_validate(row)


@router.put("/keywords/{keyword_id}", summary="Change a keyword rule")
def update_keywords(
    keyword_id: int,
    body: CategoryKeywordWrite,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> CategoryKeywordRead:
    row = editing.save_keywords(session, body, editor, keyword_id)
    _changed(resources)
    return CategoryKeywordRead.model_validate(row)


@router.delete("/keywords/{keyword_id}", status_code=204, summary="Remove a keyword rule")
def delete_keywords(
    keyword_id: int, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> None:
    editing.delete_keywords(session, keyword_id, editor)
    _changed(resources)
