"""The ticket's life, pinned: every action against every state and every party.

The table below is the rules written out again by hand, cell by cell, independently of
app/workflow/machine.py; a change to who may do what from where fails the test that names
the state and the party, with the actions gained or lost. (What each action then does is
tests/workflow/test_actions.py's job; who reaches which party, tests/auth's.)
"""

import pytest

from app.vocabulary import TicketStatus
from app.workflow.machine import RULES, Action, Party, allowed_actions

# Parties, by the letter the table uses.
PARTIES = {
    "C": Party("dispatch_centre"),
    "S": Party("supervisor"),
    "U": Party("lead_unit"),
    "G": Party("grid_above"),
    "K": Party("channel"),  # an integration's key
    "A": Party("assisting_unit"),  # a unit assisting the lead (xieban)
}
STATES = (
    "new",
    "returned",
    "dispatched",
    "signed",
    "suspended",
    "replied",
    "visited",
    "closed",
    "invalid",
    "merged",
)
STAYS = "-"  # the action leaves the status as it is (or decides it itself)

# Who may take each action from each state ("." nobody), and the state it leads to. The
# rows are in the order the API lists allowed actions; the columns are STATES, abridged.
# fmt: off
#                          new ret dis sig sus rep vis clo inv mer  leads to
TABLE = {
    "dispatch":           "C   C   .   .   .   .   .   .   .   .    dispatched",
    "sign":               ".   .   U   .   .   .   .   .   .   .    signed",
    "return":             ".   .   U   U   .   .   .   .   .   .    returned",
    "transfer":           ".   CG  CG  CG  .   .   .   .   .   .    dispatched",
    "escalate":           ".   .   U   U   .   .   .   .   .   .    dispatched",
    "joint-handling":     "CG  CG  CG  CG  .   .   .   .   .   .    -",
    "reply":              ".   .   .   U   .   .   .   .   .   .    replied",
    "return-visit":       ".   .   .   .   .   C   .   .   .   C    visited",
    "close":              ".   .   .   .   .   C   C   .   .   .    closed",
    "reopen":             ".   .   .   .   .   C   C   C   .   .    dispatched",
    "request-extension":  ".   .   .   U   U   .   .   .   .   .    -",
    "decide-extension":   ".   .   C   C   C   .   .   .   .   .    -",
    "suspend":            ".   .   .   CU  .   .   .   .   .   .    suspended",
    "resume":             ".   .   .   .   CU  .   .   .   .   .    signed",
    "urge":               "CS  CS  CS  CS  CS  .   .   .   .   .    -",
    "supervise":          "CS  CS  CS  CS  CS  CS  .   .   .   .    -",
    "invalidate":         "C   C   C   .   .   .   .   .   .   .    invalid",
    "answer-at-once":     "CK  .   CK  .   .   .   .   .   .   .    replied",
    "notes":              "CUGA CUGA CUGA CUGA CUGA CUGA CUGA .  .   .    -",
}
# fmt: on


def _cells(action: str) -> tuple[dict[str, str], str]:
    *cells, leads_to = TABLE[action].split()
    assert len(cells) == len(STATES), action
    return dict(zip(STATES, cells, strict=True)), leads_to


def _may(action: str, state: str, party: str) -> bool:
    return party in _cells(action)[0][state]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("party", PARTIES)
def test_what_each_party_may_do_in_each_state(state: str, party: str) -> None:
    expected = [action for action in TABLE if _may(action, state, party)]
    allowed = [str(action) for action in allowed_actions(state, frozenset({PARTIES[party]}))]
    gained = [action for action in allowed if action not in expected]
    lost = [action for action in expected if action not in allowed]
    who = f"{PARTIES[party]} on a {state} ticket"
    assert allowed == expected, f"{who}: gains {gained}, loses {lost}"


@pytest.mark.parametrize("state", STATES)
def test_parties_together_may_do_what_either_may(state: str) -> None:
    for one, other in [("C", "U"), ("S", "G"), ("U", "G"), ("C", "K")]:
        together = frozenset({PARTIES[one], PARTIES[other]})
        expected = [a for a in TABLE if _may(a, state, one) or _may(a, state, other)]
        assert [str(a) for a in allowed_actions(state, together)] == expected, (state, one, other)


@pytest.mark.parametrize("state", STATES)
def test_no_party_may_do_nothing(state: str) -> None:
    assert allowed_actions(state, frozenset()) == []


@pytest.mark.parametrize("action", TABLE)
def test_where_each_action_leads(action: str) -> None:
    _, leads_to = _cells(action)
    target = RULES[Action(action)].target
    assert (target or STAYS) == leads_to, action


def test_the_table_holds_every_action_state_and_party() -> None:
    assert list(TABLE) == [str(action) for action in Action]
    assert list(RULES) == list(Action)
    assert set(STATES) == {str(status) for status in TicketStatus}
    assert set(PARTIES.values()) == set(Party)
