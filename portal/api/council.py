"""API of the Hội đồng Sáng kiến: screening, assignments, reviews, decisions, sector level.

The same operations as the pages (portal.council.operations); a refusal keeps
its status: 403 wrong person, 409 wrong state or conflict, 422 bad input.
"""
from flask import jsonify
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.common import current_api_user, json_body, token_required, wrong_field
from portal.auth.models import user_by_username
from portal.core.i18n import translate
from portal.core.refusal import forbidden
from portal.council import operations
from portal.council.services import (
    active_assignment,
    assignments_of,
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
    return jsonify({"round": initiative.round,
                    "items": [assignment_json(a) for a in assignments_of(initiative)]})


@bp.post("/initiatives/<int:initiative_id>/assignments")
@token_required
def api_assign(initiative_id):
    initiative = _load(initiative_id)
    data = json_body(required=("reviewer",))
    reviewer = user_by_username(_text(data, "reviewer"))
    assignment = operations.assign(initiative, current_api_user(), reviewer, _text(data, "due_on"))
    db.session.commit()
    body = assignment_json(assignment)
    if assignment.same_unit:
        body["warning"] = str(_l("%(name)s cùng đơn vị với tác giả hoặc đơn vị có sáng kiến.", name=reviewer.full_name))
    return jsonify(body), 201


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


ERR = {"$ref": "#/components/responses/Error"}
ID_PARAM = [{"name": "initiative_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
STATE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string"}, "round": {"type": "integer"},
    "level": {"type": ["string", "null"]}}}
ASSIGNMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "reviewer": {"type": "string"}, "reviewer_name": {"type": "string"},
    "round": {"type": "integer"}, "version": {"type": ["integer", "null"]},
    "due_on": {"type": ["string", "null"], "format": "date"},
    "status": {"type": "string", "enum": ["active", "recused"]}, "same_unit": {"type": "boolean"},
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


def _json(schema):
    return {"content": {"application/json": {"schema": schema}}}


def _op(summary, *, body=None, ok=("200", STATE), errors=("401", "403", "404", "409", "422"),
        description=None):
    op = {"summary": summary, "tags": ["council"], "parameters": ID_PARAM,
          "responses": {ok[0]: {"description": "OK", **_json(ok[1])}, **{code: ERR for code in errors}}}
    if description:
        op["description"] = description
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
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
        "get": _op("Assignments of the current round (chair, vice-chair, secretary)",
                   ok=("200", _obj(round={"type": "integer"}, items={"type": "array", "items": ASSIGNMENT})),
                   errors=("401", "403", "404")),
        "post": _op("Assign a council member as reviewer (secretary)",
                    body=_obj(["reviewer"], reviewer={"type": "string", "description": "username"},
                              due_on=DATE),
                    ok=("201", ASSIGNMENT),
                    description="409 `conflict_of_interest` when the reviewer is an author or co-author; "
                                "a reviewer from the same unit is accepted with a `warning`."),
    },
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
