"""In Chromium: a refused upload comes back on the same form, the message beside the file field
and what was typed kept; a file over the limit is stopped before it is sent; the submit
confirmation only comes once the checklist is complete."""
import pytest

from tests.conftest import browser_login
from tests.initiatives import helpers


@pytest.fixture
def app_config():
    return {"MAX_UPLOAD_MB": 1}


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_refused_upload_keeps_the_typing_and_says_why_beside_the_field(page, people, make_initiative, tmp_path,
                                                                         width):
    page.set_viewport_size({"width": width, "height": 900})
    initiative = make_initiative([people.author], summary="")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    browser_login(page, "ksv.hung")
    page.goto(f"{page.base}/my/initiatives/{initiative.id}/edit")
    checklist = page.locator("[data-testid=checklist]")
    assert "Chưa nhập tóm tắt sáng kiến." in checklist.inner_text()
    assert checklist.locator("button").count() == 0  # no submit, so no confirmation, while incomplete

    page.fill("#title", "Tên gõ trước khi tải tệp")
    page.fill("#summary", "Tóm tắt gõ trước khi tải tệp.")
    page.set_input_files("input[name=file]", files=[{
        "name": "thuyet-minh.pdf", "mimeType": "application/pdf", "buffer": helpers.exe_bytes()}])
    page.click("[data-testid=upload]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/my/initiatives/{initiative.id}/edit")
    field = page.locator(".field.has-error:has(input[name=file])")
    assert "không phải là tệp" in field.locator(".error:not([hidden])").inner_text()
    assert page.input_value("#title") == "Tên gõ trước khi tải tệp"
    assert page.input_value("#summary") == "Tóm tắt gõ trước khi tải tệp."
    page.screenshot(path=str(tmp_path / f"upload-refused-{width}.png"), full_page=True)

    # Over the limit: said beside the field, nothing sent.
    page.set_input_files("input[name=file]", files=[{
        "name": "lon.pdf", "mimeType": "application/pdf", "buffer": helpers.pdf_bytes() + b"0" * (1024 * 1024 + 10)}])
    assert "Tệp quá lớn" in page.locator(".upload-form [data-file-check]").inner_text()
    page.click("[data-testid=upload]")
    assert page.input_value("#title") == "Tên gõ trước khi tải tệp"

    # A good file is attached, and what was typed is saved with it.
    page.set_input_files("input[name=file]", files=[{
        "name": "thuyet-minh.pdf", "mimeType": "application/pdf", "buffer": helpers.pdf_page_bytes()}])
    page.click("[data-testid=upload]")
    page.wait_for_load_state("networkidle")
    assert "Đã đính kèm tệp “thuyet-minh.pdf”" in page.content()
    assert page.input_value("#title") == "Tên gõ trước khi tải tệp"
    # Complete now: the submit button is there, and its confirmation comes only when pressed.
    assert dialogs == []
    page.locator("[data-testid=checklist] button", has_text="Nộp sáng kiến").click()
    page.wait_for_load_state("networkidle")
    assert dialogs and "bạn không sửa được nữa" in dialogs[-1]
    assert "Đã nộp sáng kiến (phiên bản 1)" in page.content()
    page.screenshot(path=str(tmp_path / f"upload-submitted-{width}.png"), full_page=True)
    assert page.console_errors == []
