"""Demo initiatives of the staff, made through the real operations (drafts, submissions,
returns by the secretary and resubmissions, withdrawals) over the three demo years.

The council's demo adds its own initiatives in the later states (in appraisal,
recognised, rejected); these stay in the states this area produces.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.core.timeutil import today as today_in_portal
from portal.core.timeutil import utcnow
from portal.council.operations import return_to_authors
from portal.demo.topics import TOPICS
from portal.extensions import db
from portal.initiatives import authorship, operations
from portal.initiatives.models import Field
from portal.initiatives.workflow import Status

# (topic key, years before this one, how far it went)
PLAN = [
    ("prisoners", 2, "withdrawn"),
    ("pivot-stats", 2, "returned"),
    ("diversion", 2, "withdrawn"),
    ("civil-checklist", 2, "submitted"),
    ("vulnerable-witnesses", 2, "returned-twice"),
    ("e-evidence", 1, "resubmitted"),
    ("asset-recovery", 1, "withdrawn"),
    ("credit-interest", 1, "returned"),
    ("mentoring", 1, "submitted"),
    ("suspension", 1, "submitted"),
    ("land-inheritance", 1, "draft"),
    ("mock-trial", 0, "resubmitted"),
    ("child-victims", 0, "submitted"),
    ("crime-reports", 0, "returned"),
    ("summary-trial", 0, "draft"),
    ("admin-register", 0, "draft"),
    ("labour-termination", 0, "submitted"),
    ("land-enforcement", 0, "resubmitted"),
    ("judgment-store", 0, "draft"),
    ("indictment-training", 0, "withdrawn"),
    ("complaints-register", 0, "submitted"),
    ("digital-scene-map", 0, "draft"),
]

RETURN_NOTES = [
    "Đề nghị bổ sung số liệu so sánh trước và sau khi áp dụng giải pháp, có xác nhận của lãnh đạo đơn vị.",
    "Đề nghị làm rõ điểm mới của giải pháp so với hướng dẫn nghiệp vụ hiện hành của VKSND tối cao.",
    "Hồ sơ thiếu phần điều kiện áp dụng; đề nghị nêu rõ nhân lực, phương tiện cần có để nhân rộng.",
]
WITHDRAW_REASONS = [
    "Tác giả đề nghị rút để tiếp tục áp dụng thử, hoàn thiện số liệu và nộp lại năm sau.",
    "Nội dung trùng với sáng kiến của đơn vị khác đã được công nhận; tác giả xin rút.",
    "Đơn vị thay đổi cách làm theo hướng dẫn mới của ngành, giải pháp không còn phù hợp.",
]


def _markdown(topic):
    problem = "\n\n".join(topic["problem"])
    limits = "\n".join(f"- {item}" for item in topic["limits"])
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(topic["steps"], start=1))
    conditions = "\n".join(f"- {item}" for item in topic["conditions"])
    benefits = "\n\n".join(topic["benefits"])
    return {
        "current_state": f"{problem}\n\nNhững hạn chế chủ yếu:\n\n{limits}",
        "solution": f"{topic['idea']}\n\n### Các bước thực hiện\n\n{steps}\n\n### Điểm mới\n\n{topic['novelty']}",
        "conditions": f"Để áp dụng giải pháp cần:\n\n{conditions}\n\nGiải pháp không đòi hỏi thay đổi tổ chức "
                      "bộ máy, có thể nhân rộng ở các đơn vị trong ngành Kiểm sát thành phố.",
        "benefits": (f"{benefits}\n\nKết quả được lãnh đạo đơn vị xác nhận qua báo cáo sơ kết." if benefits else ""),
    }


def _authors(topic):
    authors = []
    for entry in topic["authors"]:
        if len(entry) == 2:
            authors.append({"username": entry[0], "share": entry[1]})
        else:
            authors.append({"name": entry[0], "workplace": entry[1], "share": entry[2]})
    return authors


def _stamp(moment):
    return datetime.combine(moment, time(9, 0))


def seed(ctx):
    """≥20 initiatives over the demo years in the states this area produces; ids in ctx["initiatives"]."""
    users, units, this_year = ctx["users"], ctx["units"], ctx["this_year"]
    secretary = users["thuky"]
    fields = {f.code: f.id for f in db.session.execute(select(Field)).scalars()}
    today = today_in_portal()
    made, counts = [], {}
    topics = {t["key"]: t for t in TOPICS}
    for n, (key, back, outcome) in enumerate(PLAN):
        topic = topics[key]
        year = this_year - back
        if year not in ctx["years"]:
            continue
        first_author = users[topic["authors"][0][0]]
        applied = min(date(year, topic["month"], 10), today)
        sections = _markdown(topic)
        values = {
            "title": topic["title"], "field_id": fields.get(topic["field"]), "form": topic["form"], "year": year,
            "unit_id": units[topic["unit"]].id, "requested_level": "grassroots",
            "first_applied_on": applied if topic["benefits"] else None, "summary": topic["summary"], **sections,
        }
        initiative = operations.create_initiative(first_author, values, _authors(topic))
        if outcome != "draft":  # the co-authors confirmed before it went in; drafts keep their invitations open
            for row in list(initiative.authors):
                if row.pending:
                    authorship.answer_invitation(initiative, row.user, True)
        created = min(_stamp(applied) + timedelta(days=20), utcnow())
        initiative.created_at = initiative.updated_at = created
        if outcome != "draft":
            submitted = min(created + timedelta(days=30), utcnow())
            operations.submit(initiative, first_author)
            _backdate(initiative, submitted)
            if outcome in ("returned", "resubmitted", "returned-twice"):
                _return(initiative, secretary, RETURN_NOTES[n % len(RETURN_NOTES)])
            if outcome in ("resubmitted", "returned-twice"):
                field, extra = topic.get("revision") or ("benefits", "Bổ sung số liệu theo yêu cầu của Hội đồng.")
                operations.update_initiative(initiative, first_author,
                                             {field: (getattr(initiative, field) + "\n\n" + extra).strip()})
                operations.submit(initiative, first_author)
                _backdate(initiative, min(submitted + timedelta(days=25), utcnow()))
            if outcome == "returned-twice":
                _return(initiative, secretary, RETURN_NOTES[(n + 1) % len(RETURN_NOTES)])
            if outcome == "withdrawn":
                operations.withdraw(initiative, first_author, WITHDRAW_REASONS[n % len(WITHDRAW_REASONS)])
        db.session.flush()
        made.append(initiative.id)
        counts[initiative.status] = counts.get(initiative.status, 0) + 1
    ctx["initiatives"] = made
    return {"initiatives (submission)": len(made),
            **{f"  {state.value}": counts[state] for state in Status if state in counts}}


def _return(initiative, secretary, note):
    """The secretary's screening return, through the council area's operation."""

    return_to_authors(initiative, secretary, note)


def _backdate(initiative, moment):
    """Demo rows carry dates within their year (the audit log keeps the real time of recording)."""
    initiative.submitted_at = moment
    initiative.updated_at = moment
    initiative.versions[-1].submitted_at = moment
