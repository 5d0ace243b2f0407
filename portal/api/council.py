"""API of the Hội đồng Sáng kiến: screening, assignments, reviews, decisions, sector level.

The same operations as the pages (portal.council.operations); a refusal keeps
its status: 403 wrong person, 409 wrong state or conflict, 422 bad input.
"""
from flask import jsonify
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.common import current_api_user, json_body, token_required, wrong_field
from portal.api.schema import ERROR_REF, json_media
from portal.auth.models import user_by_username
from portal.core.i18n import translate
from portal.core.refusal import forbidden, invalid, not_found
from portal.council import operations, queries, suggestion
from portal.council.services import (
    active_assignment,
    assignments_of,
    reviewer_candidates,
    reviewers_per_initiative,
    visible_appraisal,
)
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.access import get_initiative_or_404
from portal.initiatives.policy import Act


def _load(initiative_id, act=Act.view):
    return get_initiative_or_404(initiative_id, current_api_user(), act)


def _text(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise wrong_field(key, _l("%(key)s phải là chuỗi.", key=key))
    return value


def _state(initiative):
    return {"id": initiative.id, "status": initiative.status.value, "round": initiative.round,
            "level": initiative.level.value if initiative.level else None}


def assignment_json(a):
    return {
        "id": a.id,
        "reviewer": a.reviewer.username,
        "reviewer_name": a.reviewer.full_name,
        "round": a.round,
        "version": a.version.number if a.version else None,
        "due_on": a.due_on.isoformat() if a.due_on else None,
        "status": a.status.value,
        "same_unit": a.same_unit,
        "recusal_reason": a.recusal_reason or None,
        "review_status": a.review.status.value if a.review else None,
    }


def review_json(review):
    return {
        "id": review.id,
        "status": review.status.value,
        "round": review.round,
        "version": review.version.number if review.version else None,
        "scores": review.score_map(),
        "comments": {k: v for k, v in review.comment_map().items() if v},
        "comment": review.overall_comment,
        "recommendation": review.recommendation,
        "total": review.total,
        "submitted_at": review.submitted_at.isoformat() + "Z" if review.submitted_at else None,
    }


def appraisal_json(appraisal):
    """An appraisal already cleared for its reader (services.visible_appraisal)."""
    ag = appraisal.aggregate
    sheets = []
    for a in appraisal.active:
        if not a.submitted:
            continue
        sheets.append({
            "reviewer": a.reviewer.username if appraisal.named else str(_l("Thành viên %(n)s", n=appraisal.number_of(a))),
            "scores": a.review.score_map(),
            "total": a.review.total,
            "recommendation": a.review.recommendation,
            "outlier": a.id in ag.outliers,
        })
    return {
        "round": appraisal.initiative.round,
        "assigned": len(appraisal.active),
        "required": reviewers_per_initiative(),
        "complete": appraisal.complete,
        "count": ag.count,
        "criteria": [{"code": c.code, "name": c.name, "max_score": c.max_score, "mean": c.mean,
                      "min": c.min, "max": c.max} for c in ag.criteria],
        "mean_total": ag.mean_total,
        "min_total": ag.min_total,
        "max_total": ag.max_total,
        "std_dev": ag.std_dev,
        "pass_count": ag.pass_count,
        "suggested": appraisal.suggested,
        "reasons": [translate(r) for r in ag.reasons],
        "sheets": sheets,
    }


@bp.post("/initiatives/<int:initiative_id>/accept")
@token_required
def api_accept(initiative_id):
    initiative = _load(initiative_id)
    operations.accept(initiative, current_api_user())
    db.session.commit()
    return jsonify(_state(initiative))


@bp.post("/initiatives/<int:initiative_id>/return")
@token_required
def api_return(initiative_id):
    initiative = _load(initiative_id)
    data = json_body()
    operations.return_to_authors(initiative, current_api_user(), _text(data, "note"))
    db.session.commit()
    return jsonify({**_state(initiative), "note": initiative.return_note})


@bp.get("/initiatives/<int:initiative_id>/assignments")
@token_required
def api_assignments(initiative_id):
    initiative = _load(initiative_id, Act.follow)
    rows = assignments_of(initiative)
    members = queries.members_of(initiative.year)
    candidates = reviewer_candidates(initiative, members, rows, queries.open_sheets(initiative.year))
    needed = max(0, reviewers_per_initiative() - sum(1 for a in rows if a.is_active))
    usernames = {m.user_id: m.user.username for m in members}
    return jsonify({"round": initiative.round, "items": [assignment_json(a) for a in rows],
                    "suggested": [usernames[i] for i in suggestion.suggest(candidates, needed)]})


def _reviewers(data):
    """The users named by `reviewer` (one username) or `reviewers` (a list); None for an unknown name."""
    if data.get("reviewers") is not None:
        names = data["reviewers"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise wrong_field("reviewers", _l("reviewers phải là danh sách tên đăng nhập."))
        return [user_by_username(n) for n in names]
    if data.get("reviewer") in (None, ""):
        raise invalid(_l("Thiếu trường bắt buộc: %(names)s.", names="reviewer / reviewers"), code="missing_fields",
                      fields={"reviewer": [_l("Trường này là bắt buộc.")]})
    return [user_by_username(_text(data, "reviewer"))]


@bp.post("/initiatives/<int:initiative_id>/assignments")
@token_required
def api_assign(initiative_id):
    initiative = _load(initiative_id)
    data = json_body()
    several = data.get("reviewers") is not None
    reviewers = _reviewers(data)
    if several:
        done = operations.assign_many(initiative, current_api_user(), reviewers, _text(data, "due_on"))
    else:
        done = [operations.assign(initiative, current_api_user(), reviewers[0], _text(data, "due_on"))]
    db.session.commit()
    bodies = [_with_warning(a) for a in done]
    return jsonify({"items": bodies} if several else bodies[0]), 201


def _with_warning(assignment):
    body = assignment_json(assignment)
    if assignment.same_unit:
        body["warning"] = str(_l("%(name)s cùng đơn vị với tác giả hoặc đơn vị có sáng kiến.",
                                 name=assignment.reviewer.full_name))
    return body


@bp.post("/initiatives/<int:initiative_id>/assignments/<int:assignment_id>/withdraw")
@token_required
def api_withdraw(initiative_id, assignment_id):
    initiative = _load(initiative_id)
    assignment = queries.assignment(assignment_id)
    if assignment is None or assignment.initiative_id != initiative.id:
        raise not_found()
    data = json_body(required=("reason",))
    actor = current_api_user()
    replacement = _text(data, "replacement")
    if replacement:
        new = operations.replace_assignment(assignment, actor, user_by_username(replacement),
                                            _text(data, "reason"), _text(data, "due_on"))
    else:
        operations.withdraw_assignment(assignment, actor, _text(data, "reason"))
        new = None
    db.session.commit()
    return jsonify({"withdrawn": assignment_json(assignment),
                    "assignment": _with_warning(new) if new is not None else None})


def _review_fields(data):
    scores = data.get("scores")
    if scores is not None and not isinstance(scores, dict):
        raise wrong_field("scores", _l("scores phải là đối tượng {tiêu chí: điểm}."))
    comments = data.get("comments")
    if comments is not None and not isinstance(comments, dict):
        raise wrong_field("comments", _l("comments phải là đối tượng {tiêu chí: nhận xét}."))
    return {"scores": scores, "comments": comments, "overall_comment": _text(data, "comment"),
            "recommendation": _text(data, "recommendation")}


def _own_review_body(initiative, user):
    assignment = active_assignment(initiative, user)
    appraisal = visible_appraisal(initiative, user)
    body = {"assignment": assignment_json(assignment),
            "review": review_json(assignment.review) if assignment.review else None,
            "others_visible": appraisal is not None}
    if appraisal is not None:
        body["appraisal"] = appraisal_json(appraisal)
    return body


@bp.get("/initiatives/<int:initiative_id>/review")
@token_required
def api_review(initiative_id):
    initiative = _load(initiative_id)
    user = current_api_user()
    if active_assignment(initiative, user) is None:
        raise forbidden(_l("Bạn không được phân công chấm sáng kiến này."))
    return jsonify(_own_review_body(initiative, user))


@bp.put("/initiatives/<int:initiative_id>/review")
@token_required
def api_save_review(initiative_id):
    initiative = _load(initiative_id)
    fields = _review_fields(json_body())
    operations.save_review(initiative, current_api_user(), **fields)
    db.session.commit()
    return jsonify(_own_review_body(initiative, current_api_user()))


@bp.post("/initiatives/<int:initiative_id>/review/submit")
@token_required
def api_submit_review(initiative_id):
    initiative = _load(initiative_id)
    # The body is optional: the sheet may have been saved with PUT before.
    fields = _review_fields(json_body(optional=True))
    operations.submit_review(initiative, current_api_user(), **fields)
    db.session.commit()
    return jsonify(_own_review_body(initiative, current_api_user()))


@bp.post("/initiatives/<int:initiative_id>/review/recuse")
@token_required
def api_recuse(initiative_id):
    initiative = _load(initiative_id)
    data = json_body()
    assignment = operations.recuse(initiative, current_api_user(), _text(data, "reason"))
    db.session.commit()
    return jsonify(assignment_json(assignment))


@bp.get("/initiatives/<int:initiative_id>/appraisal")
@token_required
def api_appraisal(initiative_id):
    initiative = _load(initiative_id)
    user = current_api_user()
    if not policy.can(user, Act.see_scores, initiative):
        raise forbidden(_l("Bạn chưa được xem điểm: người chấm chỉ xem sau khi nộp phiếu của mình; "
                           "tác giả xem kết quả sau quyết định."))
    return jsonify(appraisal_json(visible_appraisal(initiative, user)))


@bp.post("/initiatives/<int:initiative_id>/decision")
@token_required
def api_decision(initiative_id):
    initiative = _load(initiative_id)
    data = json_body(required=("outcome",))
    row = operations.decide(initiative, current_api_user(), _text(data, "outcome"),
                            decision_no=_text(data, "decision_no") or "",
                            decision_date=_text(data, "decision_date"), reason=_text(data, "reason") or "")
    db.session.commit()
    return jsonify({**_state(initiative), "outcome": row.outcome, "suggested": row.suggested,
                    "overruled": row.overruled, "decision_no": row.decision_no or None,
                    "decision_date": row.decision_date.isoformat() if row.decision_date else None})


def _higher(initiative_id, record, prefix):
    initiative = _load(initiative_id)
    data = json_body(required=("status",))
    record(initiative, current_api_user(), _text(data, "status"), _text(data, "decision_no") or "",
           _text(data, "decision_date"))
    db.session.commit()
    date_value = getattr(initiative, f"{prefix}_decision_date")
    return jsonify({**_state(initiative),
                    f"{prefix}_status": getattr(initiative, f"{prefix}_status").value,
                    f"{prefix}_decision_no": getattr(initiative, f"{prefix}_decision_no") or None,
                    f"{prefix}_decision_date": date_value.isoformat() if date_value else None})


@bp.post("/initiatives/<int:initiative_id>/sector")
@token_required
def api_sector(initiative_id):
    return _higher(initiative_id, operations.record_sector, "sector")


@bp.post("/initiatives/<int:initiative_id>/national")
@token_required
def api_national(initiative_id):
    return _higher(initiative_id, operations.record_national, "national")


ID_PARAM = [{"name": "initiative_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
STATE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string"}, "round": {"type": "integer"},
    "level": {"type": ["string", "null"]}}}
ASSIGNMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "reviewer": {"type": "string"}, "reviewer_name": {"type": "string"},
    "round": {"type": "integer"}, "version": {"type": ["integer", "null"]},
    "due_on": {"type": ["string", "null"], "format": "date"},
    "status": {"type": "string", "enum": ["active", "recused", "withdrawn"]}, "same_unit": {"type": "boolean"},
    "recusal_reason": {"type": ["string", "null"]}, "review_status": {"type": ["string", "null"]},
    "warning": {"type": "string"}}}
REVIEW_INPUT = {"type": "object", "properties": {
    "scores": {"type": "object", "additionalProperties": {"type": "integer"},
               "description": "Điểm theo mã tiêu chí, số nguyên trong khoảng của tiêu chí."},
    "comments": {"type": "object", "additionalProperties": {"type": "string"}},
    "comment": {"type": "string", "description": "Nhận xét chung."},
    "recommendation": {"type": "string", "enum": ["pass", "fail"]}}}
APPRAISAL = {"type": "object", "properties": {
    "round": {"type": "integer"}, "assigned": {"type": "integer"}, "required": {"type": "integer"},
    "complete": {"type": "boolean"}, "count": {"type": "integer"},
    "criteria": {"type": "array", "items": {"type": "object"}},
    "mean_total": {"type": ["number", "null"]}, "min_total": {"type": ["integer", "null"]},
    "max_total": {"type": ["integer", "null"]}, "std_dev": {"type": ["number", "null"]},
    "pass_count": {"type": "integer"},
    "suggested": {"type": ["string", "null"], "enum": ["recognized", "rejected", None]},
    "reasons": {"type": "array", "items": {"type": "string"}},
    "sheets": {"type": "array", "items": {"type": "object"}}}}
OWN_REVIEW = {"type": "object", "properties": {
    "assignment": ASSIGNMENT, "review": {"type": ["object", "null"]},
    "others_visible": {"type": "boolean"}, "appraisal": APPRAISAL}}



def _op(summary, *, body=None, ok=("200", STATE), errors=("401", "403", "404", "409", "422"),
        description=None):
    op = {"summary": summary, "tags": ["council"], "parameters": ID_PARAM,
          "responses": {ok[0]: {"description": "OK", **json_media(ok[1])}, **{code: ERROR_REF for code in errors}}}
    if description:
        op["description"] = description
    if body is not None:
        op["requestBody"] = {"required": True, **json_media(body)}
    return op


def _obj(required=(), **props):
    return {"type": "object", "required": list(required), "properties": props}


DATE = {"type": "string", "format": "date"}
STRING = {"type": "string"}

PATHS = {
    "/initiatives/{initiative_id}/accept": {"post": _op(
        "Accept a submitted initiative into appraisal (secretary)")},
    "/initiatives/{initiative_id}/return": {"post": _op(
        "Return to the authors with a note (secretary; from in_review it opens a new round)",
        body=_obj(["note"], note=STRING))},
    "/initiatives/{initiative_id}/assignments": {
        "get": _op("Assignments of the current round, and the suggested reviewers (chair, vice-chair, secretary)",
                   ok=("200", _obj(round={"type": "integer"}, items={"type": "array", "items": ASSIGNMENT},
                                   suggested={"type": "array", "items": STRING,
                                              "description": "usernames of the best-placed members for the "
                                                             "places still open (docs/rules.md)"})),
                   errors=("401", "403", "404")),
        "post": _op("Assign one council member (`reviewer`) or several at once (`reviewers`) (secretary)",
                    body=_obj(reviewer={"type": "string", "description": "username"},
                              reviewers={"type": "array", "items": STRING, "description": "usernames"},
                              due_on=DATE),
                    ok=("201", {"oneOf": [ASSIGNMENT, _obj(items={"type": "array", "items": ASSIGNMENT})]}),
                    description="With `reviewers` the answer is `{\"items\": [...]}` and either all are assigned "
                                "or none (the first refusal names the person). 409 `conflict_of_interest` when "
                                "a reviewer is an author or co-author, `already_assigned`, `recused`; a reviewer "
                                "from the same unit is accepted with a `warning`."),
    },
    "/initiatives/{initiative_id}/assignments/{assignment_id}/withdraw": {"post": {
        **_op("Withdraw an assignment, or replace its reviewer (secretary); the reviewer is told the reason",
              body=_obj(["reason"], reason=STRING,
                        replacement={"type": "string", "description": "username of the new reviewer"},
                        due_on=DATE),
              ok=("200", _obj(withdrawn=ASSIGNMENT, assignment={"oneOf": [ASSIGNMENT, {"type": "null"}]})),
              description="409 `already_submitted` when the sheet is submitted (reopen it instead), "
                          "`wrong_state` when the assignment is no longer active; 422 without a reason."),
        "parameters": ID_PARAM + [{"name": "assignment_id", "in": "path", "required": True,
                                   "schema": {"type": "integer"}}]}},
    "/initiatives/{initiative_id}/review": {
        "get": _op("The caller's own review; the others' scores only after submitting",
                   ok=("200", OWN_REVIEW), errors=("401", "403", "404")),
        "put": _op("Save the caller's review as a draft (assigned reviewer)", body=REVIEW_INPUT,
                   ok=("200", OWN_REVIEW),
                   description="Scores are integers within each criterion's range (422 otherwise); "
                               "409 once submitted."),
    },
    "/initiatives/{initiative_id}/review/submit": {"post": _op(
        "Submit the caller's review (assigned reviewer); no edits afterwards", body=REVIEW_INPUT,
        ok=("200", OWN_REVIEW))},
    "/initiatives/{initiative_id}/review/recuse": {"post": _op(
        "Recuse from reviewing, with a reason (assigned reviewer)", body=_obj(["reason"], reason=STRING),
        ok=("200", ASSIGNMENT))},
    "/initiatives/{initiative_id}/appraisal": {"get": _op(
        "Aggregated scores and the suggested outcome (council officers; reviewers after submitting)",
        ok=("200", APPRAISAL), errors=("401", "403", "404"))},
    "/initiatives/{initiative_id}/decision": {"post": _op(
        "Record the council's decision (chair)",
        body=_obj(["outcome"], outcome={"type": "string", "enum": ["recognized", "rejected", "returned"]},
                  decision_no=STRING, decision_date=DATE, reason=STRING),
        description="decision_no and decision_date are required for recognized/rejected; an outcome other "
                    "than the suggested one needs a reason (422 otherwise); 409 when not in_review or "
                    "scoring is incomplete.")},
    "/initiatives/{initiative_id}/sector": {"post": _op(
        "Record the sector-level proposal or the Supreme People's Procuracy's decision (secretary)",
        body=_obj(["status"], status={"type": "string", "enum": ["proposed", "recognized", "not_recognized"]},
                  decision_no=STRING, decision_date=DATE))},
    "/initiatives/{initiative_id}/national": {"post": _op(
        "Record the national-level proposal or decision (secretary)",
        body=_obj(["status"], status={"type": "string", "enum": ["proposed", "recognized", "not_recognized"]},
                  decision_no=STRING, decision_date=DATE))},
}
