"""Cuộc họp Hội đồng: the secretary records each meeting of the year's council — when and where,
who chaired and who took the minutes, which members sat and which did not, and the vote on each
initiative — and the minutes print it. One operation, used by the page."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.core.organisation import organisation
from portal.core.refusal import invalid
from portal.council.meeting_models import CouncilMeeting, MeetingAttendance, MeetingVote
from portal.extensions import db

PLACE_MAX = 300


def meetings_of(year):
    return db.session.execute(
        select(CouncilMeeting).where(CouncilMeeting.year == year)
        .options(selectinload(CouncilMeeting.attendance), selectinload(CouncilMeeting.votes),
                 selectinload(CouncilMeeting.chair), selectinload(CouncilMeeting.secretary))
        .order_by(CouncilMeeting.starts_at, CouncilMeeting.id)
    ).scalars().all()


def meeting_of(year, meeting_id):
    """The year's meeting `meeting_id`, or None (another year's meeting is none of this year's)."""
    return next((m for m in meetings_of(year) if m.id == meeting_id), None)


def next_number(year):
    """(sequence, "3/BB-HĐSK"): the next meeting's place among the year's, with today's suffix."""
    last = db.session.execute(select(func.max(CouncilMeeting.sequence))
                              .where(CouncilMeeting.year == year)).scalar_one()
    sequence = (last or 0) + 1
    return sequence, f"{sequence}/{organisation().minutes_suffix}"


def _numbered_meeting(year, **values):
    """A new meeting with the year's next number (two recorded at once retry on the constraint)."""
    for _attempt in range(5):
        sequence, number = next_number(year)
        meeting = CouncilMeeting(year=year, sequence=sequence, number=number, **values)
        try:
            with db.session.begin_nested():
                db.session.add(meeting)
                db.session.flush()
        except IntegrityError:
            continue
        return meeting
    raise RuntimeError("could not number the meeting")


def vote_errors(votes, present_count):
    """{initiative_id: message} where a vote counts more members than sat (for + against + abstain)."""
    return {initiative_id: _l("Tổng số phiếu (%(total)s) nhiều hơn số thành viên có mặt (%(present)s).",
                              total=sum(counts), present=present_count)
            for initiative_id, counts in votes.items() if sum(counts) > present_count}


def save_meeting(meeting, *, actor, year, members, starts_at, place, chair_id, secretary_id, present_ids, votes):
    """Create (`meeting` None) or change a meeting. `members` are the year's council members
    (CouncilMember rows), `present_ids` the users among them who sat, `votes` maps an initiative
    id of the year to (for, against, abstain). A 422 Refusal, changing nothing, when a value is wrong."""
    member_ids = {m.user_id for m in members}
    present_ids = set(present_ids) & member_ids
    place = " ".join((place or "").split())
    errors = {}
    if starts_at is None:
        errors["starts_at"] = [_l("Vui lòng nhập thời gian họp.")]
    if not place:
        errors["place"] = [_l("Vui lòng nhập địa điểm họp.")]
    elif len(place) > PLACE_MAX:
        errors["place"] = [_l("Địa điểm tối đa %(n)s ký tự.", n=PLACE_MAX)]
    if chair_id not in member_ids:
        errors["chair_id"] = [_l("Người chủ trì phải là thành viên Hội đồng năm %(year)s.", year=year)]
    elif chair_id not in present_ids:
        errors["chair_id"] = [_l("Người chủ trì phải có mặt tại cuộc họp.")]
    if secretary_id not in member_ids:
        errors["secretary_id"] = [_l("Thư ký phải là thành viên Hội đồng năm %(year)s.", year=year)]
    elif secretary_id not in present_ids:
        errors["secretary_id"] = [_l("Thư ký phải có mặt tại cuộc họp.")]
    if any(min(counts) < 0 for counts in votes.values()):
        errors["votes"] = [_l("Số phiếu không được âm.")]
    for initiative_id, message in vote_errors(votes, len(present_ids)).items():
        errors.setdefault(f"votes.{initiative_id}", []).append(message)
    if errors:
        raise invalid(fields=errors)
    created = meeting is None
    if created:
        meeting = _numbered_meeting(year, starts_at=starts_at, place=place, chair_id=chair_id,
                                    secretary_id=secretary_id)
    meeting.starts_at, meeting.place = starts_at, place
    meeting.chair_id, meeting.secretary_id = chair_id, secretary_id
    meeting.attendance = [MeetingAttendance(user_id=user_id, present=user_id in present_ids)
                          for user_id in sorted(member_ids)]
    meeting.votes = [MeetingVote(initiative_id=initiative_id, votes_for=f, votes_against=a, votes_abstain=n)
                     for initiative_id, (f, a, n) in sorted(votes.items())]
    db.session.flush()
    audit.record("council.meeting_recorded" if created else "council.meeting_updated", actor=actor, obj=meeting,
                 data={"year": year, "number": meeting.number, "starts_at": starts_at.isoformat(timespec="minutes"),
                       "place": place, "chair_id": chair_id, "secretary_id": secretary_id,
                       "present": sorted(present_ids),
                       "absent": sorted(member_ids - present_ids),
                       "votes": {str(k): list(v) for k, v in sorted(votes.items())}})
    return meeting
