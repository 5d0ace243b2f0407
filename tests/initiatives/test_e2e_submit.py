"""End to end in Chromium: a draft with a co-author and an attachment, the live preview, submission, dashboard."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.initiatives.models import Initiative
from tests.conftest import browser_login
from tests.initiatives.helpers import pdf_bytes

TITLE = "Bảng kiểm chứng cứ điện tử trong vụ án lừa đảo qua mạng"


@pytest.mark.browser
def test_staff_member_drafts_attaches_previews_and_submits(page, browser, people, make_field):
    make_field()
    make_field("civil", "Dân sự")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    browser_login(page, "ksv.hung")

    page.goto(page.base + "/my")
    page.click("[data-testid=new-initiative]")
    page.fill("#title", TITLE)
    page.select_option("#field_id", label="Hình sự")
    page.fill("#first_applied_on", "2026-01-15")
    page.fill("#summary", "Bảng kiểm 14 tiêu chí cho việc thu giữ, sao lưu, giám định dữ liệu điện tử.")
    page.fill("#current_state", "Biên bản thu giữ thường thiếu **mã băm** của dữ liệu sao lưu.")
    page.fill("#solution", "")
    page.type("#solution", "## Các bước\n\n1. Lập danh mục dữ liệu\n2. Kiểm sát biên bản theo **bảng kiểm**")
    # The live preview renders through the server's Markdown + bleach.
    preview = page.locator("[data-preview-for=solution]")
    preview.locator("strong", has_text="bảng kiểm").wait_for()
    assert preview.locator("h2", has_text="Các bước").count() == 1
    assert preview.locator("ol li").count() == 2
    page.fill("#conditions", "Kiểm sát viên được tập huấn một buổi về dữ liệu điện tử.")
    page.fill("#benefits", "18 vụ án áp dụng, không vụ nào bị trả hồ sơ vì chứng cứ điện tử.")

    page.fill("#authors-0-share", "70")
    page.fill("#authors-1-username", "ksv.mai")
    page.fill("#authors-1-share", "30")
    assert page.locator("[data-share-total]").inner_text() == "100%"
    page.shot("initiatives-form")
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert "Đã lưu bản nháp" in page.content()

    page.set_input_files("input[name=file]", files=[{
        "name": "Thuyết minh sáng kiến.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.click(".upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Đã đính kèm tệp “Thuyết minh sáng kiến.pdf”" in page.content()

    page.click("text=Xem hồ sơ")
    # The co-author was invited: the initiative waits for her consent before it can be submitted.
    assert "Nguyễn Thị Mai" in page.locator("[data-testid=waiting-coauthors]").inner_text()
    assert page.locator("button:has-text('Nộp sáng kiến')").count() == 0
    page.shot("initiatives-waiting-for-coauthor")
    coauthor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    coauthor.base = page.base
    browser_login(coauthor, "ksv.mai")
    coauthor.goto(page.base + "/my")
    coauthor.click(f"[data-testid=invitations] >> text={TITLE}")
    coauthor.click("[data-testid=invitation] button:has-text('Xác nhận tham gia')")
    coauthor.wait_for_load_state("networkidle")
    assert "Bạn đã xác nhận là đồng tác giả" in coauthor.content()
    coauthor.context.close()
    page.reload()
    page.click("button:has-text('Nộp sáng kiến')")
    page.wait_for_load_state("networkidle")
    assert dialogs and "Nộp sáng kiến cho Hội đồng" in dialogs[-1]
    assert "Đã nộp sáng kiến (phiên bản 1)" in page.content()
    assert page.locator("[data-testid=attachment]").inner_text() == "Thuyết minh sáng kiến.pdf"
    assert page.locator("[data-testid=version]").count() == 1
    assert page.locator("#section-solution strong", has_text="bảng kiểm").count() == 1
    page.shot("initiatives-detail")

    page.goto(page.base + "/my")
    row = page.locator("[data-testid=initiative-row]", has_text=TITLE)
    assert "Chờ Thư ký Hội đồng sơ duyệt" in row.inner_text()
    assert "Nguyễn Thị Mai (30%)" in row.inner_text()
    page.shot("initiatives-dashboard")
    assert page.console_errors == []

    db.session.expire_all()
    initiative = db.session.execute(select(Initiative)).scalar_one()
    assert initiative.status.value == "submitted"
    assert [a.share for a in initiative.authors] == [70, 30]
    assert initiative.versions[0].snapshot["attachments"][0]["name"] == "Thuyết minh sáng kiến.pdf"


@pytest.mark.browser
def test_the_form_on_a_phone(page, people, make_initiative):
    initiative = make_initiative([(people.author, 60), (people.coauthor, 40)], status="returned",
                                 return_note="Đề nghị bổ sung số liệu so sánh.")
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "ksv.hung")
    page.goto(page.base + f"/my/initiatives/{initiative.id}/edit")
    assert page.locator(".return-note").is_visible()
    # Nothing wider than the screen except the scrollable authors table.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.shot("initiatives-form-phone")
    page.goto(page.base + f"/my/initiatives/{initiative.id}")
    page.shot("initiatives-detail-phone")
    assert page.console_errors == []
