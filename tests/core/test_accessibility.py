"""Accessibility in Chromium: axe-core (vendored in tests/assets/axe) finds no serious or
critical violation on the main pages of each role, on the demo data, at 1366 and 390 px.

The portal's CSP forbids inline script, so axe is not added as a <script> tag (Playwright's
add_script_tag inlines it and the CSP blocks it): its text is evaluated through the DevTools
protocol (page.evaluate), which the page's CSP does not govern; the page itself is unchanged.
"""
import uuid
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from portal.council.models import AssignmentStatus, ReviewAssignment
from portal.demo.seed import DEMO_PASSWORD
from portal.extensions import db
from portal.initiatives.models import Attachment, Initiative, InitiativeAuthor
from portal.initiatives.workflow import Status
from portal.publishing.models import Publication
from portal.years.models import current_year
from tests.conftest import browser_login
from tests.initiatives import helpers

AXE = Path(__file__).resolve().parents[1] / "assets" / "axe" / "axe.min.js"
SERIOUS = """() => axe.run(document, {resultTypes: ['violations']}).then(result => result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + n.failureSummary)})))"""


def serious_violations(page):
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(SERIOUS)


def attach_pdf(initiative):
    stored = uuid.uuid4().hex + ".pdf"
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    data = helpers.pdf_bytes()
    (folder / stored).write_bytes(data)
    initiative.attachments.append(Attachment(original_name="phu-luc.pdf", stored_name=stored,
                                             content_type="application/pdf", size=len(data)))


def main_pages():
    """{username or None: [path]} — the main pages of each role on the demo data."""
    first = db.session.execute(select(Initiative).where(Initiative.status == Status.submitted)
                               .order_by(Initiative.id)).scalars().first()
    attach_pdf(first)
    assignment = db.session.execute(
        select(ReviewAssignment).join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(Initiative.status == Status.in_review, ReviewAssignment.status == AssignmentStatus.active)
        .order_by(ReviewAssignment.id)).scalars().first()
    attach_pdf(assignment.initiative)
    publication = db.session.execute(select(Publication).where(Publication.is_published.is_(True))
                                     .order_by(Publication.id)).scalars().first()
    mine = db.session.execute(select(InitiativeAuthor).where(InitiativeAuthor.user_id.is_not(None))
                              .join(Initiative).where(Initiative.status.in_([Status.draft, Status.returned]))
                              .order_by(InitiativeAuthor.id)).scalars().first()
    db.session.commit()
    year = current_year()
    return {
        None: ["/", "/initiatives", f"/initiatives/{publication.initiative_id}-{publication.slug}",
               "/search?q=kiem+sat", "/login"],
        mine.user.username: ["/my", f"/my/initiatives/{mine.initiative_id}",
                             f"/my/initiatives/{mine.initiative_id}/edit"],
        "thuky": ["/council/queue", f"/council/initiatives/{first.id}/screening"],
        assignment.reviewer.username: [f"/council/initiatives/{assignment.initiative_id}/review"],
        "thidua": [f"/emulation/year/{year}", f"/emulation/year/{year}/records"],
        "bientap": ["/editor"],
        "admin": ["/admin/", "/admin/users"],
    }


@pytest.mark.browser
def test_the_check_finds_a_serious_violation_when_there_is_one(app, page):
    page.goto(page.base + "/")
    assert serious_violations(page) == []
    page.evaluate("""() => { const img = document.createElement('img'); img.src = '/static/img/emblem.svg';
                            document.querySelector('main').appendChild(img); }""")
    assert [v["id"] for v in serious_violations(page)] == ["image-alt"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_main_pages_of_each_role_have_no_serious_accessibility_violation(app, demo, browser, live_server, tmp_path,
                                                                         width):
    pages = main_pages()
    found = {}
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.base = live_server
        if username:
            browser_login(page, username, DEMO_PASSWORD)
        for path in paths:
            response = page.goto(live_server + path)
            assert response.status == 200, (username, path, response.status)
            assert page.url == live_server + path, (username, path, page.url)  # not sent to sign in
            violations = serious_violations(page)
            if violations:
                found[f"{username or 'public'} {path}"] = violations
            page.screenshot(path=str(tmp_path / f"a11y-{width}-{(username or 'public')}-{len(found)}-"
                                                 f"{path.strip('/').replace('/', '_')[:40] or 'home'}.png"))
        context.close()
    assert found == {}, "\n".join(f"{where}: {v}" for where, v in found.items())
