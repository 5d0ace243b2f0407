"""The demo: at least 20 initiatives over three years, made through the real operations."""
from sqlalchemy import func, select

from portal.core.audit import verify
from portal.demo.initiatives import PLAN
from portal.demo.topics import TOPICS
from portal.extensions import db
from portal.initiatives.models import Initiative, InitiativeVersion


def test_demo_seed_makes_initiatives_in_every_state_of_submission(app, demo):
    ids = db.session.execute(select(Initiative.id).where(Initiative.title.in_([t["title"] for t in TOPICS]))).all()
    assert len(ids) == len(PLAN) >= 20
    mine = select(Initiative).where(Initiative.title.in_([t["title"] for t in TOPICS]))
    initiatives = db.session.execute(mine).scalars().all()
    assert {i.status.value for i in initiatives} == {"draft", "submitted", "returned", "withdrawn"}
    assert len({i.year for i in initiatives}) == 3
    assert any(len(i.authors) > 1 for i in initiatives)
    assert any(a.user_id is None for i in initiatives for a in i.authors)  # an outside co-author
    for initiative in initiatives:
        assert sum(a.share for a in initiative.authors) == 100
        assert initiative.solution.count("\n\n") >= 2  # multi-paragraph Markdown
        if initiative.status.value != "draft":
            assert initiative.versions and initiative.versions[0].snapshot["title"] == initiative.title
        if initiative.status.value == "returned":
            assert initiative.return_note
    assert db.session.execute(select(func.max(InitiativeVersion.number))).scalar_one() >= 2
    assert verify() == []
