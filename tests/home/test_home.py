"""The signed-in home (/home): each person lands on what waits for them, one block per role."""
from datetime import timedelta

import pytest

from portal.core.timeutil import today as portal_today
from portal.core.timeutil import utcnow
from portal.extensions import db

YEAR = portal_today().year


@pytest.fixture
def demo(demo):
    from portal.auth.models import user_by_username
    return user_by_username


def _sign_in(client, username, next_url=None):
    from portal.demo.seed import DEMO_PASSWORD

    url = "/login" + (f"?next={next_url}" if next_url else "")
    client.get("/login")
    return client.post(url, data={"username": username, "password": DEMO_PASSWORD})


@pytest.mark.parametrize("username", ["ksv.hung", "thuky", "chutich", "bientap", "thidua", "admin"])
def test_every_role_lands_on_its_home_after_sign_in(demo, client, username):
    response = _sign_in(client, username)
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")


def test_a_safe_next_is_still_followed_and_an_unsafe_one_is_not(demo, client):
    assert _sign_in(client, "thuky", "/council/queue").headers["Location"].endswith("/council/queue")
    client.post("/logout", data={})
    assert _sign_in(client, "thuky", "https://evil.example/").headers["Location"].endswith("/home")


def test_home_needs_sign_in(client):
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


BLOCKS = {  # who sees which block on the demo data
    "ksv.hung": {"author"},
    "hoidong1": {"author", "reviewer"},
    "thuky": {"author", "reviewer", "secretary"},
    "chutich": {"author", "reviewer", "chair"},
    "bientap": {"author", "editor"},
    "thidua": {"author", "emulation"},
    "admin": {"author", "admin"},
}
ALL = {"author", "reviewer", "secretary", "chair", "editor", "emulation", "admin"}


@pytest.mark.parametrize("username", sorted(BLOCKS))
def test_each_person_sees_the_blocks_of_their_roles(demo, client, username):
    client.login(demo(username))
    page = client.get("/home").get_data(as_text=True)
    for block in ALL:
        assert (f'id="{block}"' in page) == (block in BLOCKS[username]), block
    assert 'href="/notifications"' in page


def test_a_person_with_several_roles_sees_each_block(demo, client):
    from portal.auth.models import Role

    chair = demo("chutich")
    chair.set_roles([Role.editor, Role.admin])
    db.session.commit()
    client.login(chair)
    page = client.get("/home").get_data(as_text=True)
    assert all(f'id="{block}"' in page for block in ("author", "reviewer", "chair", "editor", "admin"))


def test_author_sees_their_initiatives_with_the_next_step(client, make_user, make_initiative):
    author = make_user("ksv.hung")
    make_initiative([author], status="returned", title="Bảng theo dõi thời hạn tạm giam")
    make_initiative([author], status="draft", title="Sổ tay kiểm sát bản án")
    client.login(author)
    page = client.get("/home").get_data(as_text=True)
    assert "Bảng theo dõi thời hạn tạm giam" in page and "Sửa theo ghi chú và nộp lại" in page
    assert "Sổ tay kiểm sát bản án" in page and "Hoàn thiện đơn và nộp" in page
    assert "/my/initiatives/" in page


def _appraisal(make_user, make_initiative, n, reviewers, *, due_in=3, submitted=False):
    """`n` initiatives in review, each assigned to `reviewers` (sheets submitted or not)."""
    from portal.council.models import Review, ReviewAssignment, ReviewStatus

    author = make_user()
    made = []
    for k in range(n):
        initiative = make_initiative([author], status="in_review", title=f"Initiative {k}",
                                     submitted_at=utcnow(), accepted_at=utcnow())
        for reviewer in reviewers:
            assignment = ReviewAssignment(initiative_id=initiative.id, reviewer_id=reviewer.id, round=initiative.round,
                                          due_on=portal_today() + timedelta(days=due_in))
            db.session.add(assignment)
            db.session.flush()
            if submitted:
                db.session.add(Review(assignment_id=assignment.id, initiative_id=initiative.id,
                                      reviewer_id=reviewer.id, round=initiative.round,
                                      status=ReviewStatus.submitted, submitted_at=utcnow()))
        made.append(initiative)
    db.session.commit()
    return made


def test_reviewer_sees_sheets_due_with_days_left(client, make_user, make_initiative):
    reviewer = make_user("hoidong1", council="member", year=YEAR)
    _appraisal(make_user, make_initiative, 1, [reviewer], due_in=4)
    late = _appraisal(make_user, make_initiative, 1, [reviewer], due_in=-2)[0]
    late.title = "Late one"
    db.session.commit()
    client.login(reviewer)
    page = client.get("/home").get_data(as_text=True)
    assert "còn 4 ngày" in page and "quá hạn 2 ngày" in page
    assert page.index("Late one") < page.index("Initiative 0")  # soonest due first
    assert "/council/initiatives/" in page and "/review" in page


def test_secretary_and_chair_see_what_waits_for_them(client, make_user, make_initiative, app):
    app.config["REVIEWERS_PER_INITIATIVE"] = 2
    secretary = make_user("thuky", council="secretary", year=YEAR)
    chair = make_user("chutich", council="chair", year=YEAR)
    m1 = make_user(council="member", year=YEAR)
    m2 = make_user(council="member", year=YEAR)
    author = make_user()
    make_initiative([author], status="submitted", title="To screen", submitted_at=utcnow())
    _appraisal(make_user, make_initiative, 1, [m1])                         # to assign
    _appraisal(make_user, make_initiative, 1, [m1, m2], due_in=-1)          # incomplete and late
    ready = _appraisal(make_user, make_initiative, 1, [m1, m2], submitted=True)[0]
    ready.title = "Ready to decide"
    db.session.commit()
    client.login(secretary)
    page = client.get("/home").get_data(as_text=True)
    assert "To screen" in page and "/screening" in page and "/assignments" in page
    counts = [part.split("</span>")[0] for part in page.split('class="council-stat-number">')[1:5]]
    assert counts == ["1", "1", "1", "1"]  # to screen, to assign, incomplete, late
    client.login(chair)
    page = client.get("/home").get_data(as_text=True)
    assert "Ready to decide" in page and f"/council/initiatives/{ready.id}/results" in page


def test_editor_sees_what_to_publish_and_what_is_overdue(demo, client):
    client.login(demo("bientap"))
    page = client.get("/home").get_data(as_text=True)
    assert "/editor/" in page and "/publish" in page and "flag-late" in page


def test_emulation_officer_sees_the_deadlines_and_open_registrations(demo, client):
    client.login(demo("thidua"))
    page = client.get("/home").get_data(as_text=True)
    assert "Hạn nộp hồ sơ khen thưởng" in page and "đăng ký chưa ghi nhận danh hiệu" in page
    assert f"/emulation/year/{YEAR}" in page


def test_admin_sees_accounts_and_settings_needing_attention(client, make_user):
    admin = make_user("quantri", roles=("admin",))
    client.login(admin)
    page = client.get("/home").get_data(as_text=True)
    assert "tài khoản chưa có thư điện tử" in page
    assert f"Chưa lập Hội đồng Sáng kiến năm {YEAR}" in page and "/admin/councils" in page


def test_home_reads_a_fixed_number_of_queries_whatever_the_data(client, make_user, make_initiative, count_queries,
                                                               app):
    from portal.auth.models import Role

    secretary = make_user("thuky", council="secretary", year=YEAR)
    secretary.set_roles([Role.editor, Role.admin, Role.emulation_officer])
    db.session.commit()
    m1 = make_user(council="member", year=YEAR)

    def measure():
        client.login(secretary)
        with count_queries() as counter:
            assert client.get("/home").status_code == 200
        return counter.count

    _appraisal(make_user, make_initiative, 1, [m1, secretary])
    make_initiative([secretary], status="draft")
    few = measure()
    _appraisal(make_user, make_initiative, 6, [m1, secretary])
    for _ in range(4):
        make_initiative([secretary], status="returned")
    assert measure() == few
