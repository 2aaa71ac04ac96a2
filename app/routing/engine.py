"""Routing rules, evaluated in order: the first rule whose conditions all hold names the
lead unit (and any assisting units). Pure: facts and rules in, a decision with its
reasons out, so the dry run and intake give the same answer."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

LEVEL_NAMES = {1: "street", 2: "community", 3: "unit grid"}


class TargetKind(StrEnum):
    GRID = "grid"
    DEPARTMENT = "department"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    code: str


@dataclass(frozen=True)
class TicketFacts:
    """What routing may look at."""

    category_code: str | None
    category_group_code: str | None
    request_type: str
    channel: str
    grid_codes: dict[int, str]  # level -> code: the ticket's grid and its ancestors
    text: str
    # The category's default department (else its group's): where a ticket that no
    # ordinary rule matched goes, before any fallback rule.
    category_department_code: str | None = None


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    category_codes: frozenset[str] = frozenset()
    request_types: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    grid_codes: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    target_grid_level: int | None = None
    target_department_code: str | None = None
    assist_department_codes: tuple[str, ...] = ()
    is_fallback: bool = False


@dataclass(frozen=True)
class Decision:
    lead: Target | None
    assisting: tuple[Target, ...] = ()
    rule_id: int | None = None
    rule_name: str | None = None
    fallback: bool = False
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _conditions(rule: Rule, facts: TicketFacts) -> list[str] | None:
    """Why the rule holds for the facts (one line per condition), or None if it does not."""
    why: list[str] = []
    if rule.category_codes:
        matched = {facts.category_code, facts.category_group_code} & rule.category_codes
        if not matched:
            return None
        why.append(f"category {facts.category_code} is in {sorted(rule.category_codes)}")
    if rule.request_types:
        if facts.request_type not in rule.request_types:
            return None
        why.append(f"request type {facts.request_type}")
    if rule.channels:
        if facts.channel not in rule.channels:
            return None
        why.append(f"channel {facts.channel}")
    if rule.grid_codes:
        inside = sorted(set(facts.grid_codes.values()) & rule.grid_codes)
        if not inside:
            return None
        why.append(f"grid {_deepest(facts)} is within {inside[0]}")
    if rule.keywords:
        hits = [keyword for keyword in rule.keywords if keyword in facts.text]
        if not hits:
            return None
        why.append(f"text mentions {', '.join(hits)}")
    return why


def _deepest(facts: TicketFacts) -> str | None:
    return facts.grid_codes[max(facts.grid_codes)] if facts.grid_codes else None


def _lead(rule: Rule, facts: TicketFacts) -> tuple[Target | None, str]:
    if rule.target_department_code is not None:
        return Target(TargetKind.DEPARTMENT, rule.target_department_code), (
            f"lead: department {rule.target_department_code}"
        )
    level = rule.target_grid_level or 3
    code = facts.grid_codes.get(level)
    if code is None:
        return None, f"it targets the ticket's {LEVEL_NAMES[level]}, which is not known"
    return Target(TargetKind.GRID, code), f"lead: the ticket's {LEVEL_NAMES[level]} {code}"


def _try(rule: Rule, facts: TicketFacts, retired: frozenset[str]) -> Decision | str | None:
    why = _conditions(rule, facts)
    if why is None:
        return None
    lead, lead_reason = _lead(rule, facts)
    if lead is None:
        return f"rule {rule.name!r} matched but {lead_reason}"
    if lead.kind is TargetKind.DEPARTMENT and lead.code in retired:
        return f"rule {rule.name!r} matched but its department {lead.code} is retired: skipped"
    reasons = [f"rule {rule.name!r} matched: " + ("; ".join(why) or "it applies to any ticket")]
    reasons.append(lead_reason)
    assisting_codes = [
        code
        for code in rule.assist_department_codes
        if not (lead.kind is TargetKind.DEPARTMENT and lead.code == code)
    ]
    left_out = [code for code in assisting_codes if code in retired]
    assisting = tuple(
        Target(TargetKind.DEPARTMENT, code) for code in assisting_codes if code not in retired
    )
    if assisting:
        reasons.append("assisting: " + ", ".join(target.code for target in assisting))
    if left_out:
        reasons.append("retired, left out of assisting: " + ", ".join(left_out))
    return Decision(lead, assisting, rule.id, rule.name, rule.is_fallback, tuple(reasons))


def _category_default(
    facts: TicketFacts, retired: frozenset[str], notes: list[str]
) -> Decision | None:
    code = facts.category_department_code
    if code is None:
        return None
    if code in retired:
        notes.append(f"the category's default department {code} is retired: skipped")
        return None
    reason = f"lead: department {code}, the default of category {facts.category_code}"
    return Decision(Target(TargetKind.DEPARTMENT, code), reasons=(*notes, reason))


def decide(
    rules: Sequence[Rule],
    facts: TicketFacts,
    given: Sequence[str] = (),
    retired: frozenset[str] = frozenset(),
) -> Decision:
    """The first matching rule's decision; when no ordinary rule matched, the category's
    default department, then the fallback rules. A rule (or default) whose department is
    in `retired` is skipped, with a reason that says so. `given` are reasons gathered
    before (how the ticket was located and classified); they lead the decision's reasons."""
    notes = list(given)
    ordinary = [rule for rule in rules if not rule.is_fallback]
    fallbacks = [rule for rule in rules if rule.is_fallback]
    for rule in ordinary:
        outcome = _try(rule, facts, retired)
        if isinstance(outcome, Decision):
            return replace(outcome, reasons=(*notes, *outcome.reasons))
        if isinstance(outcome, str):
            notes.append(outcome)
    if facts.category_code is None:
        notes.append("no category: left for the dispatch centre")
        return Decision(None, reasons=tuple(notes))
    notes.append(f"no rule matched category {facts.category_code}")
    by_default = _category_default(facts, retired, notes)
    if by_default is not None:
        return by_default
    for rule in fallbacks:
        outcome = _try(rule, facts, retired)
        if isinstance(outcome, Decision):
            return replace(outcome, reasons=(*notes, *outcome.reasons))
        if isinstance(outcome, str):
            notes.append(outcome)
    notes.append("no fallback unit: left for the dispatch centre")
    return Decision(None, reasons=tuple(notes))
