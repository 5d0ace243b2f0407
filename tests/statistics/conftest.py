"""A year with initiatives in every stage: decided ones with their sheets, one still in
appraisal with a sheet in, submitted ones, a recognised one never published."""
from datetime import timedelta

import pytest

from portal.core.timeutil import today as portal_today
from portal.core.timeutil import utcnow
from portal.council import operations
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, WEAK, appraise, council  # noqa: F401
from tests.publishing.conftest import _request_context, editor, publish  # noqa: F401

YEAR = portal_today().year
# A sheet of an initiative still in appraisal: these exact scores must never be counted.
RUNNING = {"novelty": 7, "applicability": 3, "effectiveness": 1}


@pytest.fixture
def year_data(council, make_initiative, make_unit, make_field, appraise, publish):  # noqa: F811
    """year_data(copies=1): `copies` times the set below; returns the initiatives made."""
    it = make_field("it", "Công nghệ thông tin")
    criminal = make_field("criminal", "Hình sự")
    district = make_unit("VKSND huyện Hòa Vang")
    secret = make_unit("Phòng Chưa Công Bố Bí Mật")
    counter = iter(range(1, 10_000))

    def filed(author, days_ago, **fields):
        n = next(counter)
        return make_initiative([author], status="submitted", title=f"Sáng kiến số {n} về kiểm sát",
                               submitted_at=utcnow() - timedelta(days=days_ago),
                               first_submitted_at=utcnow() - timedelta(days=days_ago), **fields)

    def decide(initiative, outcome):
        operations.decide(initiative, council["chair"], outcome, decision_no=f"{initiative.id}/QĐ-VKS",
                          decision_date=portal_today(), reason="Theo kết quả chấm.")
        db.session.commit()

    def make(copies=1):
        made = {"recognized": [], "rejected": [], "in_review": [], "submitted": [], "unpublished": []}
        for _ in range(copies):
            good = filed(council["author"], 20, field_id=it.id)
            appraise(good, [("m1", GOOD, "pass"), ("m2", FAIR, "pass"), ("m3", GOOD, "pass")])
            decide(good, "recognized")
            publish(good)
            made["recognized"].append(good)
            weak = filed(council["coauthor"], 50, field_id=criminal.id, unit_id=district.id)
            appraise(weak, [("m1", WEAK, "fail"), ("m2", WEAK, "fail"), ("m4", FAIR, "pass")])
            decide(weak, "rejected")
            made["rejected"].append(weak)
            running = filed(council["staff"], 5, field_id=it.id)
            appraise(running, [("m1", RUNNING, "fail")])
            appraise(running, [("m2", RUNNING, "fail")], submit=False)
            made["in_review"].append(running)
            made["submitted"].append(filed(council["staff"], 2, field_id=criminal.id, unit_id=district.id))
            hidden = filed(council["staff"], 30, field_id=it.id, unit_id=secret.id)
            appraise(hidden, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
            decide(hidden, "recognized")
            made["unpublished"].append(hidden)
        return made
    return make
