"""Cuộc họp Hội đồng: the secretary's record of each meeting of the year (for the minutes).

The year's officers (chair, vice-chair, secretary: `YearAct.oversee`) keep it; to anyone else
the pages do not exist (404), another year's officers included."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import not_found
from portal.core.timeutil import now
from portal.council import bp, meetings, queries
from portal.council.meeting_forms import MeetingForm
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import YearAct


def _officer_of(year):
    if not policy.can_year(current_user, YearAct.oversee, year):
        raise not_found()


@bp.route("/<int:year>/meetings")
@login_required
def meetings_list(year):
    _officer_of(year)
    return render_template("council/meetings.html", year=year, meetings=meetings.meetings_of(year))


@bp.route("/<int:year>/meetings/new", methods=["GET", "POST"], defaults={"meeting_id": None})
@bp.route("/<int:year>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@login_required
def meeting_edit(year, meeting_id):
    _officer_of(year)
    meeting = None
    if meeting_id is not None:
        meeting = meetings.meeting_of(year, meeting_id)
        if meeting is None:
            raise not_found()
    council = queries.council_of(year, with_members=True)
    members = list(council.members) if council else []
    initiatives = queries.for_minutes(year)
    form = MeetingForm()
    form.fill(members)
    if not form.is_submitted() and not form.restored:
        _prefill(form, meeting, members, initiatives)
    if form.validate_on_submit():
        known = {i.id for i in initiatives}
        saved = meetings.save_meeting(
            meeting, actor=current_user, year=year, members=members, starts_at=form.starts_at.data,
            place=form.place.data, chair_id=form.chair_id.data, secretary_id=form.secretary_id.data,
            present_ids=form.present.data or [],
            votes={k: v for k, v in form.vote_values().items() if k in known})
        db.session.commit()
        flash(_("Đã lưu thông tin cuộc họp."), "success")
        return redirect(url_for("council.meeting_edit", year=year, meeting_id=saved.id))
    titles = {i.id: i.title for i in initiatives}
    refused = form.errors or any(row.form.errors or row.form.votes_for.errors for row in form.votes)
    return render_template("council/meeting_form.html", year=year, meeting=meeting, form=form, titles=titles,
                           has_council=bool(members)), 422 if refused else 200


def _prefill(form, meeting, members, initiatives):
    role_of = {m.role.value: m.user_id for m in members}
    if meeting is not None:
        form.starts_at.data, form.place.data = meeting.starts_at, meeting.place
        form.chair_id.data, form.secretary_id.data = meeting.chair_id, meeting.secretary_id
        form.present.data = sorted(meeting.present_ids)
    else:
        form.starts_at.data = now().replace(second=0, microsecond=0, tzinfo=None)
        form.chair_id.data, form.secretary_id.data = role_of.get("chair"), role_of.get("secretary")
        form.present.data = [m.user_id for m in members]
    for initiative in initiatives:
        vote = meeting.vote_of(initiative.id) if meeting else None
        form.votes.append_entry({"initiative_id": str(initiative.id),
                                 "votes_for": vote.votes_for if vote else None,
                                 "votes_against": vote.votes_against if vote else None,
                                 "votes_abstain": vote.votes_abstain if vote else None})
