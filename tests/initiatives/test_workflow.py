"""The state machine, transition by transition: every (state, action) pair for every actor.

Pure: no app, no database. The expected table is written out here from DESIGN.md
rather than read from workflow.TRANSITIONS, so a change to the table shows up.
"""
from itertools import product

import pytest

from portal.initiatives import workflow
from portal.initiatives.workflow import (
    AUTHOR,
    CHAIR,
    SECRETARY,
    Action,
    NotAllowed,
    Status,
    WrongState,
    can,
    check,
    check_edit,
)

STRANGER = "stranger"  # no role on this initiative (e.g. staff of another unit)
ACTORS = [AUTHOR, SECRETARY, CHAIR, STRANGER]

# (state, action) -> (new state, actors who may) — DESIGN.md, "The initiative and its life".
EXPECTED = {
    (Status.draft, Action.submit): (Status.submitted, {AUTHOR}),
    (Status.returned, Action.submit): (Status.submitted, {AUTHOR}),
    (Status.submitted, Action.withdraw): (Status.withdrawn, {AUTHOR}),
    (Status.submitted, Action.accept): (Status.in_review, {SECRETARY}),
    (Status.submitted, Action.return_): (Status.returned, {SECRETARY}),
    (Status.in_review, Action.return_): (Status.returned, {SECRETARY, CHAIR}),
    (Status.in_review, Action.recognize): (Status.recognized, {CHAIR}),
    (Status.in_review, Action.reject): (Status.rejected, {CHAIR}),
}

ALLOWED = [(s, a, who, EXPECTED[(s, a)][0]) for (s, a), (_, whos) in EXPECTED.items() for who in sorted(whos)]
WRONG_PERSON = [(s, a, who) for (s, a), (_, whos) in EXPECTED.items() for who in ACTORS if who not in whos]
WRONG_STATE = [(s, a, who) for s, a, who in product(Status, Action, ACTORS) if (s, a) not in EXPECTED]


def roles(who):
    return set() if who == STRANGER else {who}


@pytest.mark.parametrize("state, action, who, new_state", ALLOWED,
                         ids=[f"{s}-{a}-by-{w}" for s, a, w, _ in ALLOWED])
def test_allowed_transition_gives_new_state(state, action, who, new_state):
    assert check(state, action, roles(who)) == new_state
    assert can(state, action, roles(who))


@pytest.mark.parametrize("state, action, who", WRONG_PERSON, ids=[f"{s}-{a}-by-{w}" for s, a, w in WRONG_PERSON])
def test_wrong_person_is_refused_with_403(state, action, who):
    with pytest.raises(NotAllowed) as refused:
        check(state, action, roles(who))
    assert refused.value.status == 403
    assert "không có quyền" in refused.value.message
    assert not can(state, action, roles(who))


@pytest.mark.parametrize("state, action, who", WRONG_STATE, ids=[f"{s}-{a}-by-{w}" for s, a, w in WRONG_STATE])
def test_wrong_state_is_refused_with_409(state, action, who):
    with pytest.raises(WrongState) as refused:
        check(state, action, roles(who))
    assert refused.value.status == 409
    assert workflow.STATUS_LABELS[state] in refused.value.message
    assert not can(state, action, roles(who))


def test_the_table_is_exactly_the_design():
    assert workflow.TRANSITIONS == EXPECTED


def test_several_roles_count_if_any_of_them_may():
    assert check(Status.in_review, Action.return_, {SECRETARY, CHAIR}) == Status.returned
    assert check(Status.draft, Action.submit, {AUTHOR, CHAIR}) == Status.submitted


def test_values_are_accepted_as_plain_strings():
    assert check("draft", "submit", ["author"]) == Status.submitted


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("who", ACTORS)
def test_editing_is_for_authors_in_draft_or_returned(state, who):
    editable = who == AUTHOR and state in (Status.draft, Status.returned)
    assert workflow.can_edit(state, roles(who)) is editable
    if editable:
        check_edit(state, roles(who))
        return
    expected = NotAllowed if who != AUTHOR else WrongState
    with pytest.raises(expected):
        check_edit(state, roles(who))


@pytest.mark.parametrize("state", list(Status))
def test_every_state_says_what_it_waits_for(state):
    assert workflow.waiting_for(state)
    assert state in workflow.DASHBOARD_ORDER


def test_terminal_states_allow_nothing():
    for state in (Status.recognized, Status.rejected, Status.withdrawn):
        assert workflow.allowed_actions(state) == []
