"""English is complete: each main page, for each role, in English shows no Vietnamese of the code.

The data is ASCII (names, units, titles), so any Vietnamese letter left on a page comes from a
message of the code or a template that escaped the catalogue.
"""
import re
from datetime import timedelta

import pytest

from portal.core.timeutil import today as portal_today
from portal.core.timeutil import utcnow
from portal.extensions import db

YEAR = portal_today().year
# Letters only Vietnamese uses (not French or German): đ, ă, ơ, ư and the dot-below and hook tones.
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ]")
# The language switch names the other language in itself; legal document numbers are proper names.
ALLOWED = re.compile(r"Tiếng Việt|\S*(?:NĐ|QĐ|TĐKT|TTLT|BNV)\S*")


def vietnamese_left(html):
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", body)
    text = ALLOWED.sub("", text)
    return sorted({line.strip() for line in text.splitlines() if VIETNAMESE.search(line)})


@pytest.fixture
def app_config():
    # The organisation's name is data (the admin's organisation page), like every name here: ASCII.
    return {"ORG_NAME": "People's Procuracy of Example City", "ORG_SHORT_NAME": "Example Procuracy",
            "ORG_PLACE": "Example City"}


@pytest.fixture
def world(make_user, make_unit, make_field, make_initiative):
    """An ASCII world: a council, authors, an editor, the emulation office, an admin; work for each."""
    from portal.council.models import Council, Criterion, Review, ReviewAssignment, ReviewStatus, Rubric
    from portal.years.services import ensure_year

    ensure_year(YEAR, registration_deadline=portal_today() + timedelta(days=20),
                commendation_deadline=portal_today() + timedelta(days=60))
    office = make_unit("City Office")
    make_field("criminal", "Criminal")
    people = {
        "secretary": make_user("secretary", council="secretary", unit=office, full_name="Tran Khoa"),
        "chair": make_user("chair", council="chair", unit=office, full_name="Nguyen Thanh"),
        "member": make_user("member", council="member", unit=office, full_name="Pham Bao"),
        "member2": make_user("member2", council="member", unit=office, full_name="Vo Ha"),
        "author": make_user("author", unit=office, full_name="Le Hung", email="hung@example.vn"),
        "editor": make_user("editor", roles=("editor",), unit=office, full_name="Truong Anh"),
        "officer": make_user("officer", roles=("emulation_officer",), unit=office, full_name="Ngo Lien"),
        "admin": make_user("admin", roles=("admin",), unit=office, full_name="System Admin"),
    }
    council = Council.query.filter_by(year=YEAR).one()
    council.name = "Initiative Council"  # data, as an admin would name it
    db.session.add(Rubric(year=YEAR, criteria=[
        Criterion(code="novelty", name="Novelty", guidance="New here.", max_score=30, position=0),
        Criterion(code="applicability", name="Applicability", guidance="Can be applied.", max_score=30, position=1),
        Criterion(code="effectiveness", name="Effectiveness", guidance="Works.", max_score=40, position=2)]))
    author = people["author"]
    ascii_fields = {"summary": "A summary.", "current_state": "The state.", "solution": "The **solution**.",
                    "conditions": "Conditions.", "benefits": "Benefits."}
    make_initiative([author], status="draft", title="Draft checklist", **ascii_fields)
    make_initiative([author], status="returned", title="Returned tracker", **ascii_fields)
    make_initiative([author], status="submitted", title="Submitted register", submitted_at=utcnow(), **ascii_fields)
    review = make_initiative([author], status="in_review", title="Reviewed map", submitted_at=utcnow(),
                             accepted_at=utcnow(), **ascii_fields)
    for reviewer in (people["member"], people["member2"]):
        assignment = ReviewAssignment(initiative_id=review.id, reviewer_id=reviewer.id, round=review.round,
                                      due_on=portal_today() + timedelta(days=5))
        db.session.add(assignment)
        db.session.flush()
        if reviewer is people["member2"]:
            db.session.add(Review(assignment_id=assignment.id, initiative_id=review.id, reviewer_id=reviewer.id,
                                  round=review.round, status=ReviewStatus.submitted, submitted_at=utcnow(),
                                  recommendation="pass"))
    make_initiative([author], status="recognized", title="Recognised guide", decision_no="12/QD",
                    decision_date=portal_today(), decided_at=utcnow(), **ascii_fields)
    db.session.commit()
    people["review"] = review
    return people


def pages(world):
    review = world["review"].id
    return {
        "author": ["/home", "/my", "/my/initiatives/new", "/emulation/me", "/account"],
        "member": ["/home", "/council/", f"/council/initiatives/{review}/review"],
        "secretary": ["/home", "/council/", "/council/queue", f"/council/initiatives/{review}/results",
                      f"/council/initiatives/{review}/assignments"],
        "chair": ["/home", "/council/queue", f"/council/initiatives/{review}/results"],
        "editor": ["/home", "/editor"],
        "officer": ["/home", f"/emulation/year/{YEAR}", f"/emulation/year/{YEAR}/records",
                    f"/emulation/year/{YEAR}/settings"],
        "admin": ["/home", "/admin/", "/admin/users", "/admin/units", "/admin/years", "/admin/councils"],
    }


@pytest.mark.parametrize("role", ["author", "member", "secretary", "chair", "editor", "officer", "admin"])
def test_main_pages_in_english_show_no_vietnamese(client, world, role):
    client.login(world[role])
    left = {}
    for url in pages(world)[role]:
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 200, url
        found = vietnamese_left(response.get_data(as_text=True))
        if found:
            left[url] = found
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())


def _real_notifications(world):
    """What the council's work tells people: a return to the authors, a recusal, a reopened sheet."""
    from portal.council import operations as council
    from portal.council.models import Review
    from portal.initiatives.models import Initiative

    submitted = Initiative.query.filter_by(title="Submitted register").one()
    council.return_to_authors(submitted, world["secretary"], "Add the figures for 2025.")
    council.recuse(world["review"], world["member"], "I advised the authors.")
    sheet = Review.query.filter_by(reviewer_id=world["member2"].id).one()
    council.reopen_review(sheet, world["secretary"], "Check the novelty score.")
    db.session.commit()


@pytest.mark.parametrize("role", ["author", "secretary", "member2"])
def test_the_notifications_page_in_english_shows_no_vietnamese(client, world, role):
    _real_notifications(world)
    client.login(world[role])
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert 'data-testid="group-count"' in page  # there are notifications to read
    assert vietnamese_left(page) == []
    assert vietnamese_left(client.get("/home?lang=en").get_data(as_text=True)) == []


def test_the_mail_to_a_person_who_reads_english_is_in_english(app, world):
    from email import message_from_bytes, policy
    from pathlib import Path

    from portal.core import mail

    world["author"].locale = "en"
    db.session.commit()
    _real_notifications(world)
    assert mail.deliver_due()["sent"] == 1
    [eml] = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "hung@example.vn"
    assert message["Subject"] == "The initiative “Submitted register” was returned for completion"
    for kind in ("plain", "html"):
        content = message.get_body((kind,)).get_content()
        assert "Add the figures for 2025." in content and "Le Hung" in content
        assert vietnamese_left("<body>" + content) == [], kind
