"""Council fixtures: a year's council (chair, secretary, members) and initiatives to appraise."""

import pytest

from portal.core.timeutil import today as portal_today
from portal.core.timeutil import utcnow
from portal.council import operations, services
from portal.extensions import db

YEAR = portal_today().year


@pytest.fixture
def council(make_user, make_unit):
    """chair, vice, secretary, m1..m4 of this year's council, and two authors in their own units."""
    office = make_unit("Văn phòng VKSND thành phố")
    dept = make_unit("Phòng 1")
    district = make_unit("VKSND quận Hải Châu")
    people = {
        "chair": make_user("chutich", council="chair", year=YEAR, unit=office, full_name="Nguyễn Văn Thành",
                           email="chutich@example.vn"),
        "vice": make_user("phochutich", council="vice_chair", year=YEAR, unit=office,
                          full_name="Lê Thị Hồng Vân"),
        "secretary": make_user("thuky", council="secretary", year=YEAR, unit=office,
                               full_name="Trần Minh Khoa", email="thuky@example.vn"),
        "m1": make_user("hoidong1", council="member", year=YEAR, unit=dept, full_name="Phạm Quốc Bảo",
                        email="hoidong1@example.vn"),
        "m2": make_user("hoidong2", council="member", year=YEAR, unit=office, full_name="Võ Thị Thu Hà",
                        email="hoidong2@example.vn"),
        "m3": make_user("hoidong3", council="member", year=YEAR, unit=office, full_name="Đặng Công Lý",
                        email="hoidong3@example.vn"),
        "m4": make_user("hoidong4", council="member", year=YEAR, unit=district, full_name="Huỳnh Ngọc Ánh",
                        email="hoidong4@example.vn"),
        "author": make_user("ksv.hung", unit=dept, full_name="Lê Văn Hùng", email="hung@example.vn"),
        "coauthor": make_user("ksv.mai", unit=district, full_name="Nguyễn Thị Mai", email="mai@example.vn"),
        "staff": make_user("ksv.lan", unit=district, full_name="Hoàng Thị Lan"),
        "admin": make_user("admin", roles=("admin",), unit=office, full_name="Quản trị hệ thống"),
    }
    return people


@pytest.fixture
def submitted(council, make_initiative):
    """A submitted initiative of this year by ksv.hung (70%) and ksv.mai (30%)."""
    return make_initiative([(council["author"], 70), (council["coauthor"], 30)], status="submitted",
                           title="Ứng dụng sơ đồ tư duy trong kiểm sát điều tra vụ án ma túy",
                           submitted_at=utcnow())


@pytest.fixture
def appraise(council):
    """appraise(initiative, [(reviewer_key, {code: n}, 'pass'|'fail'), ...], submit=True):
    accept if needed, assign the reviewers and enter their sheets through the operations."""
    def run(initiative, sheets, submit=True):
        if initiative.status.value == "submitted":
            operations.accept(initiative, council["secretary"])
        for key, scores, recommendation in sheets:
            reviewer = council[key]
            if services.active_assignment(initiative, reviewer) is None:
                operations.assign(initiative, council["secretary"], reviewer)
            if submit:
                operations.submit_review(initiative, reviewer, scores=scores, recommendation=recommendation,
                                         overall_comment=f"Nhận xét của {reviewer.full_name}.")
            else:
                operations.save_review(initiative, reviewer, scores=scores, recommendation=recommendation)
        db.session.commit()
        return initiative
    return run


GOOD = {"novelty": 25, "applicability": 25, "effectiveness": 32}   # 82
FAIR = {"novelty": 18, "applicability": 20, "effectiveness": 22}   # 60
WEAK = {"novelty": 10, "applicability": 12, "effectiveness": 15}   # 37
