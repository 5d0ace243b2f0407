"""The state machine and the policy built on it, transition by transition, for every kind of person.

Pure: no app, no database. The expected tables are written out here from DESIGN.md rather than
read from workflow.TRANSITIONS or policy.RULES, so a change to either shows up.
"""
from itertools import product
from types import SimpleNamespace

import pytest

from portal.initiatives import policy, workflow
from portal.initiatives.policy import Act, Who
from portal.initiatives.workflow import Action, SectorStatus, Status

# The state machine never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

# (state, action) -> (new state, who may) — DESIGN.md, "The initiative and its life".
EXPECTED = {
    (Status.draft, Action.submit): (Status.submitted, {Who.author}),
    (Status.returned, Action.submit): (Status.submitted, {Who.author}),
    (Status.submitted, Action.withdraw): (Status.withdrawn, {Who.author}),
    (Status.submitted, Action.accept): (Status.in_review, {Who.secretary}),
    (Status.submitted, Action.return_): (Status.returned, {Who.secretary}),
    (Status.in_review, Action.return_): (Status.returned, {Who.secretary, Who.chair}),
    (Status.in_review, Action.recognize): (Status.recognized, {Who.chair}),
    (Status.in_review, Action.reject): (Status.rejected, {Who.chair}),
}
# The higher levels of a recognised initiative: (axis, from, action) -> to, all by the secretary.
HIGHER = {
    ("sector", None, Action.propose_sector): SectorStatus.proposed,
    ("sector", SectorStatus.proposed, Action.sector_recognized): SectorStatus.recognized,
    ("sector", SectorStatus.proposed, Action.sector_not_recognized): SectorStatus.not_recognized,
    ("national", None, Action.propose_national): SectorStatus.proposed,
    ("national", SectorStatus.proposed, Action.national_recognized): SectorStatus.recognized,
    ("national", SectorStatus.proposed, Action.national_not_recognized): SectorStatus.not_recognized,
}
STATUS_ACTIONS = [a for a in Action if workflow.TRANSITIONS[a][0].axis == workflow.STATUS]
PEOPLE = [Who.author, Who.secretary, Who.chair, None]  # None: nobody in particular (staff elsewhere)


def initiative(status, *, sector=None, national=None, versions=(), authors=()):
    return SimpleNamespace(status=status, sector_status=sector, national_status=national, year=2026, round=1,
                           versions=list(versions), authors=list(authors), created_by_id=1, id=7)


def standing(person, status):
    """A person who sees the initiative: an author, or an officer of its year (as the policy names them)."""
    if person is None:
        return frozenset({Who.council})
    if person == Who.author:
        return frozenset({Who.author})
    return frozenset({person, Who.council, Who.officer})


def test_the_status_table_is_exactly_the_design():
    found = {(t.source, action): (t.target, set(t.who))
             for action in STATUS_ACTIONS for t in workflow.TRANSITIONS[action]}
    assert found == EXPECTED


def test_the_higher_levels_are_in_the_same_table():
    found = {(t.axis, t.source, action): t.target
             for action in Action for t in workflow.TRANSITIONS[action] if t.axis != workflow.STATUS}
    assert found == HIGHER
    assert all(t.who == {Who.secretary} for action in Action for t in workflow.TRANSITIONS[action]
               if t.axis != workflow.STATUS)


ALLOWED = [(s, a, w) for (s, a), (_new, whos) in EXPECTED.items() for w in sorted(whos)]
WRONG_PERSON = [(s, a, w) for (s, a), (_new, whos) in EXPECTED.items() for w in PEOPLE if w not in whos]
WRONG_STATE = [(s, a, w) for s, a, w in product(Status, STATUS_ACTIONS, PEOPLE)
               if (s, a) not in EXPECTED and w in workflow.who_may(a) and s != Status.draft]


@pytest.mark.parametrize("state, action, who", ALLOWED, ids=[f"{s}-{a}-by-{w}" for s, a, w in ALLOWED])
def test_allowed_transition_gives_new_state(state, action, who):
    item = initiative(state)
    assert policy.refusal_for(None, action, item, who=standing(who, state)) is None
    assert workflow.transition_for(action, state).target == EXPECTED[(state, action)][0]


@pytest.mark.parametrize("state, action, who", WRONG_PERSON, ids=[f"{s}-{a}-by-{w}" for s, a, w in WRONG_PERSON])
def test_wrong_person_is_refused_with_403(state, action, who):
    item = initiative(state)
    refused = policy.refusal_for(None, action, item, who=standing(who, state))
    if state == Status.draft and who != Who.author:
        assert refused.status == 404  # a draft is for its authors only: nobody else learns it exists
        return
    assert refused.status == 403
    assert "không có quyền" in refused.message


@pytest.mark.parametrize("state, action, who", WRONG_STATE, ids=[f"{s}-{a}-by-{w}" for s, a, w in WRONG_STATE])
def test_wrong_state_is_refused_with_409(state, action, who):
    refused = policy.refusal_for(None, action, initiative(state), who=standing(who, state))
    assert refused.status == 409
    assert workflow.STATUS_LABELS[state] in refused.message


@pytest.mark.parametrize("axis_action, source, target", [(a, s, t) for (_x, s, a), t in HIGHER.items()])
def test_higher_levels_move_only_from_their_own_state_once_recognised(axis_action, source, target):
    axis = workflow.TRANSITIONS[axis_action][0].axis
    who = standing(Who.secretary, Status.recognized)
    kwargs = {"sector" if axis == "sector" else "national": source}
    assert policy.refusal_for(None, axis_action, initiative(Status.recognized, **kwargs), who=who) is None
    for other in {None, *SectorStatus} - {source}:
        kwargs = {"sector" if axis == "sector" else "national": other}
        assert policy.refusal_for(None, axis_action, initiative(Status.recognized, **kwargs), who=who).status == 409
    assert policy.refusal_for(None, axis_action, initiative(Status.in_review), who=who).status == 409
    assert policy.refusal_for(None, axis_action, initiative(Status.recognized, **{
        "sector" if axis == "sector" else "national": source}), who=standing(Who.chair, Status.recognized)
    ).status == 403


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("who", PEOPLE)
def test_editing_is_for_authors_in_draft_or_returned(state, who):
    editable = who == Who.author and state in (Status.draft, Status.returned)
    refused = policy.refusal_for(None, Act.edit, initiative(state), who=standing(who, state))
    if editable:
        assert refused is None
    elif state == Status.draft:
        assert refused.status == 404
    else:
        assert refused.status == (409 if who == Who.author else 403)


def test_submitting_waits_for_every_invited_coauthor():
    waiting = SimpleNamespace(user_id=5, confirmed=False, pending=True, display_name="Nguyễn Thị Mai")
    refused = policy.refusal_for(None, Action.submit, initiative(Status.draft, authors=[waiting]),
                                 who=frozenset({Who.author}))
    assert refused.status == 409 and refused.code == "coauthors_unconfirmed"
    assert "Nguyễn Thị Mai" in refused.message and refused.fields == {"authors": ["Nguyễn Thị Mai"]}


@pytest.mark.parametrize("state", list(Status))
def test_every_state_says_what_it_waits_for(state):
    assert workflow.waiting_for(state)
    assert state in workflow.DASHBOARD_ORDER


def test_terminal_states_allow_no_status_change():
    for state in (Status.recognized, Status.rejected, Status.withdrawn):
        assert [a for a in workflow.allowed_actions(state) if a in STATUS_ACTIONS] == []
