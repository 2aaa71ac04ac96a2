"""Admins' edits of routing rules and keyword rules, checked before they are kept."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import AuditKind, Editor, fields_of
from app.categories.models import Category
from app.clock import utc_now
from app.errors import NotFound, Problems, UnknownReference, UnprocessableContent
from app.routing.classifier import KeywordClassifier, KeywordRule
from app.routing.models import CategoryKeyword, RoutingRule
from app.routing.schemas import CategoryKeywordWrite, RoutingRuleWrite
from app.units.models import Department, Grid


def _check_codes(
    session: Session,
    problems: Problems,
    field: str,
    model: type[Category | Department | Grid],
    codes: list[str],
) -> None:
    """Unknown codes, and retired ones (a retired unit, category or grid takes no new
    tickets, so a rule may not send tickets to it or ask for it)."""
    if not codes:
        return
    query = select(model.code, model.retired_at).where(model.code.in_(codes))
    found = {row.code: row.retired_at for row in session.execute(query)}
    missing = [code for code in codes if code not in found]
    retired = [code for code in codes if found.get(code) is not None]
    if missing:
        problems.add(field, f"Unknown codes in {field}: {', '.join(missing)}.")
    if retired:
        problems.add(field, f"Retired codes in {field}: {', '.join(retired)}.")


def _check_rule(session: Session, body: RoutingRuleWrite) -> None:
    problems = Problems()
    _check_codes(session, problems, "category_codes", Category, list(body.category_codes))
    _check_codes(session, problems, "grid_codes", Grid, list(body.grid_codes))
    if body.target.department_code:
        _check_codes(
            session, problems, "target.department_code", Department, [body.target.department_code]
        )
    _check_codes(
        session, problems, "assist_department_codes", Department, list(body.assist_department_codes)
    )
    problems.raise_any()


def _apply(rule: RoutingRule, body: RoutingRuleWrite) -> None:
    rule.name = body.name
    rule.position = body.position
    rule.enabled = body.enabled
    rule.is_fallback = body.is_fallback
    rule.category_codes = list(body.category_codes)
    rule.request_types = [str(value) for value in body.request_types]
    rule.channels = [str(value) for value in body.channels]
    rule.grid_codes = list(body.grid_codes)
    rule.keywords = list(body.keywords)
    rule.target_kind = body.target.kind
    rule.target_grid_level = body.target.grid_level
    rule.target_department_code = body.target.department_code
    rule.assist_department_codes = list(body.assist_department_codes)
    rule.updated_at = utc_now()


def rules_naming_department(session: Session, code: str) -> list[tuple[RoutingRule, str]]:
    """The rules that send tickets to department `code`, each with its role in them
    (lead or assisting), in the order they are tried."""
    named = []
    for rule in list_rules(session):
        if rule.target_kind == "department" and rule.target_department_code == code:
            named.append((rule, "lead"))
        elif code in rule.assist_department_codes:
            named.append((rule, "assisting"))
    return named


def rules_naming_categories(session: Session, codes: list[str]) -> list[RoutingRule]:
    """The rules whose conditions name any of the category codes."""
    wanted = set(codes)
    return [rule for rule in list_rules(session) if wanted & set(rule.category_codes)]


def keyword_rules_for(session: Session, codes: list[str]) -> list[CategoryKeyword]:
    """The keyword rules that point text to any of the category codes."""
    query = select(CategoryKeyword).where(CategoryKeyword.category_code.in_(codes))
    return list(session.scalars(query.order_by(CategoryKeyword.id)))


def list_rules(session: Session) -> list[RoutingRule]:
    return list(session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)))


def create_rule(session: Session, body: RoutingRuleWrite, editor: Editor) -> RoutingRule:
    """A new rule, checked first, and recorded in the audit log."""
    _check_rule(session, body)
    rule = RoutingRule(created_at=utc_now())
    _apply(rule, body)
    session.add(rule)
    session.flush()
    editor.record(session, AuditKind.ROUTING_RULE, "create", str(rule.id), None, fields_of(rule))
    return rule


def update_rule(
    session: Session, rule_id: int, body: RoutingRuleWrite, editor: Editor
) -> RoutingRule:
    """The rule replaced by `body`, checked first, and recorded in the audit log."""
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"No routing rule has id {rule_id}.")
    _check_rule(session, body)
    before = fields_of(rule)
    _apply(rule, body)
    session.flush()
    editor.record(session, AuditKind.ROUTING_RULE, "update", str(rule.id), before, fields_of(rule))
    return rule


def delete_rule(session: Session, rule_id: int, editor: Editor) -> None:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"No routing rule has id {rule_id}.")
    before = fields_of(rule)
    session.delete(rule)
    session.flush()
    editor.record(session, AuditKind.ROUTING_RULE, "delete", str(rule_id), before, None)


def list_keywords(session: Session) -> list[CategoryKeyword]:
    return list(session.scalars(select(CategoryKeyword).order_by(CategoryKeyword.id)))


def _check_keywords(session: Session, body: CategoryKeywordWrite) -> None:
    if session.scalar(select(Category.id).where(Category.code == body.category_code)) is None:
        raise UnknownReference(
            f"No category has code {body.category_code!r}.", field="category_code"
        )
    try:  # the classifier must still build with this rule in it
        KeywordClassifier(
            [
                KeywordRule(
                    body.category_code, tuple(body.keywords), body.weight, tuple(body.excluded)
                )
            ]
        )
    except ValueError as error:
        raise UnprocessableContent(str(error), field="keywords") from None


def save_keywords(
    session: Session, body: CategoryKeywordWrite, editor: Editor, keyword_id: int | None = None
) -> CategoryKeyword:
    """A new keyword rule, or the one with `keyword_id` replaced; recorded in the audit log."""
    _check_keywords(session, body)
    row = CategoryKeyword() if keyword_id is None else session.get(CategoryKeyword, keyword_id)
    if row is None:
        raise NotFound(f"No keyword rule has id {keyword_id}.")
    before = None if keyword_id is None else fields_of(row)
    row.category_code = body.category_code
    row.keywords = list(body.keywords)
    row.excluded = list(body.excluded)
    row.weight = body.weight
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    action = "create" if before is None else "update"
    editor.record(session, AuditKind.KEYWORD_RULE, action, str(row.id), before, fields_of(row))
    return row


def delete_keywords(session: Session, keyword_id: int, editor: Editor) -> None:
    row = session.get(CategoryKeyword, keyword_id)
    if row is None:
        raise NotFound(f"No keyword rule has id {keyword_id}.")
    before = fields_of(row)
    session.delete(row)
    session.flush()
    editor.record(session, AuditKind.KEYWORD_RULE, "delete", str(keyword_id), before, None)
