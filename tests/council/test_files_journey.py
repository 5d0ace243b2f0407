"""In Chromium: the secretary screens an initiative with its files (a PDF annex opens in the
browser), the reviewer opens the annex beside the scoring sheet and scores. Screenshots at 1366
and 390 px under the test's tmp dir."""
import pytest

from portal.council import operations
from portal.extensions import db
from tests.conftest import browser_login
from tests.initiatives import helpers

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.browser
def test_secretary_and_reviewer_open_the_pdf_annex_in_the_browser(browser, live_server, council, submitted,
                                                                  tmp_path):
    helpers.attach_file(submitted, helpers.pdf_page_bytes(), "phu-luc-so-lieu.pdf", "application/pdf", ".pdf",
                        freeze=True)
    helpers.attach_file(submitted, helpers.docx_bytes(), "phu-luc-quy-trinh.docx", DOCX, ".docx", freeze=True)
    shots = []

    def shot(page, name):
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    for width in (1366, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.base = live_server
        browser_login(page, "thuky")
        page.goto(f"{live_server}/council/initiatives/{submitted.id}/screening")
        files = page.locator("[data-testid=files]")
        assert files.locator("[data-testid=attachment]").all_inner_texts() == [
            "phu-luc-so-lieu.pdf", "phu-luc-quy-trinh.docx"]
        assert "PDF ·" in files.inner_text() and "Word (DOCX) ·" in files.inner_text()
        shot(page, f"screening-{width}")
        # The PDF opens in the browser, same origin, served inline (no download).
        requests = []
        page.context.on("response", lambda r, seen=requests: seen.append(r) if "/attachments/" in r.url else None)
        with page.context.expect_page() as opened:
            files.get_by_role("link", name="phu-luc-so-lieu.pdf", exact=True).click()
        viewer = opened.value
        viewer.wait_for_load_state()
        answer = next(r for r in requests if r.url.endswith("/view"))
        assert answer.url.startswith(live_server)
        headers = answer.all_headers()  # .headers leaves out part of the security headers
        assert headers["content-type"] == "application/pdf"
        assert headers["content-disposition"] == 'inline; filename="phu-luc-so-lieu.pdf"'
        assert headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in headers["content-security-policy"]
        viewer.wait_for_timeout(1500)  # the viewer draws the page
        shot(viewer, f"screening-pdf-{width}")
        viewer.close()
        # The download stays the other choice.
        with page.expect_download() as download:
            files.locator("[data-testid=file-download]").first.click()
        assert download.value.suggested_filename == "phu-luc-so-lieu.pdf"
        context.close()

    operations.accept(submitted, council["secretary"])
    operations.assign(submitted, council["secretary"], council["m1"])
    db.session.commit()

    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.base = live_server
        dialogs = []
        page.on("dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.accept()))
        browser_login(page, "hoidong1")
        page.goto(f"{live_server}/council/initiatives/{submitted.id}/review")
        files = page.locator("[data-testid=files]")
        assert files.locator("[data-testid=attachment]").count() == 2
        with page.context.expect_page() as opened:
            files.locator("[data-testid=file-view]").first.click()
        viewer = opened.value
        viewer.wait_for_load_state()
        assert viewer.url.endswith("/view") and viewer.url.startswith(live_server)
        viewer.close()
        page.fill("input[name=score_novelty]", "24")
        page.fill("input[name=score_applicability]", "25")
        page.fill("input[name=score_effectiveness]", "33")
        page.check("input[name=recommendation][value=pass]")
        shot(page, f"review-{width}")
        if width == 1366:
            page.get_by_role("button", name="Nộp phiếu chấm").click()
            page.wait_for_load_state("networkidle")
            assert page.get_by_text("Đã nộp phiếu chấm").first.is_visible()
            assert dialogs and "Nộp phiếu" in dialogs[-1]
            shot(page, f"review-submitted-{width}")
        context.close()
    print("\n".join(str(p) for p in shots))
