"""The demo shows the council deliberating: last year's and this year's meeting with the vote on each
decided initiative (printed by the minutes), the council's discussion and approved conclusions."""
import io

from docx import Document
from sqlalchemy import select

from portal.auth.models import user_by_username
from portal.core.audit import verify
from portal.council.discussion_models import ConclusionStatus, CouncilConclusion, DiscussionPost
from portal.council.meeting_models import CouncilMeeting
from portal.demo.council import PLAN
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status
from portal.years.models import current_year

DECIDED = {"recognized", "rejected", "sector_proposed", "sector", "national"}


def test_the_demo_has_meetings_a_discussion_and_approved_conclusions(app, demo, client):
    this_year = current_year()
    meetings = db.session.execute(select(CouncilMeeting).order_by(CouncilMeeting.year)).scalars().all()
    assert [(m.year, m.number) for m in meetings] == [(this_year - 1, "1/BB-HĐSK"), (this_year, "1/BB-HĐSK")]
    for meeting in meetings:  # a vote on each initiative the council's demo decided that year
        decided = set(db.session.execute(select(Initiative.id).where(
            Initiative.year == meeting.year, Initiative.status.in_([Status.recognized, Status.rejected]))).scalars())
        by_council = sum(1 for offset, _index, fate in PLAN if this_year + offset == meeting.year and fate in DECIDED)
        assert {v.initiative_id for v in meeting.votes} <= decided and len(meeting.votes) == by_council
        present = len(meeting.present_ids)
        assert all(v.votes_for + v.votes_against + v.votes_abstain <= present for v in meeting.votes)
    assert len(meetings[0].present_ids) == len(meetings[0].attendance) - 1  # one member absent last year

    posts = db.session.execute(select(DiscussionPost)).scalars().all()
    approved = db.session.execute(select(CouncilConclusion).where(
        CouncilConclusion.status == ConclusionStatus.approved)).scalars().all()
    assert len(posts) >= 6 and len(approved) >= 4
    assert any("đề nghị tác giả" in p.body.lower() for p in posts)
    assert all("Hội đồng Sáng kiến" in c.text for c in approved)

    client.login(user_by_username("chutich"))
    response = client.get(f"/council/{this_year}/minutes.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Số: 1/BB-HĐSK" in text and "Phòng họp số 1" in text and "Thành viên có mặt: 7/7" in text
    initiative = db.session.get(Initiative, approved[-1].initiative_id)
    page = client.get(f"/council/initiatives/{initiative.id}/discussion").get_data(as_text=True)
    assert approved[-1].text[:60] in page
    client.login(user_by_username("thuky"))
    assert "1/BB-HĐSK" in client.get(f"/council/{this_year}/meetings").get_data(as_text=True)
    assert verify() == []
