"""The notifications page and the delivery choice in Chromium, at desktop and phone widths."""
from portal.core.notifications import notify
from portal.extensions import db
from tests.conftest import browser_login


def test_grouped_notifications_mark_a_group_read_and_choose_the_digest(page, make_user, make_initiative, tmp_path):
    reader = make_user("nguoidoc", full_name="Trần Thị Người Đọc", email="doc@vks.local")
    author = make_user("tacgia")
    first = make_initiative([author], title="Ứng dụng sơ đồ tư duy trong kiểm sát điều tra vụ án ma túy")
    second = make_initiative([author], title="Số hóa hồ sơ thi hành án dân sự")
    for n in range(7):
        notify([reader], f"Phiếu chấm thứ {n + 1} đã nộp cho “{first.title}”", "Thành viên đã nộp phiếu chấm.",
               first.path, initiative=first)
    notify([reader], "Bạn được phân công chấm sáng kiến", "Hạn nộp phiếu: 15/12.", second.path, initiative=second)
    notify([reader], "Hội đồng năm nay đã được thành lập", "", "/council/")
    db.session.commit()
    browser_login(page, "nguoidoc")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base + "/notifications")
        page.screenshot(path=str(tmp_path / f"notifications-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    group = page.locator(f'[data-group="{first.id}"]')
    assert group.locator("li").count() == 5
    group.get_by_role("button", name="Đánh dấu đã đọc").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f'[data-group="{first.id}"] li.unread').count() == 0
    page.select_option("#show", "unread")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-group]").count() == 2
    page.screenshot(path=str(tmp_path / "notifications-unread.png"), full_page=True)
    page.goto(page.base + "/account")
    page.check('input[value="digest"]')
    page.locator('[data-testid="delivery-form"] button').click()
    page.wait_for_load_state("networkidle")
    assert page.is_checked('input[value="digest"]')
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"account-{width}.png"), full_page=True)
    assert page.console_errors == []
    print(tmp_path)
