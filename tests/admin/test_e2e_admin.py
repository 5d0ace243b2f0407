"""End to end in Chromium: the admin creates a user, who signs in and changes the password."""
import pytest

from tests.conftest import PASSWORD, browser_login


@pytest.mark.browser
def test_admin_creates_a_user_who_signs_in_and_changes_the_password(page, make_user, make_unit):
    make_unit("VKSND quận Thanh Khê")
    make_user("quantri", roles=("admin",), full_name="Quản Trị Hệ Thống")
    for i in range(6):
        make_user(f"ksv.{i}", full_name=f"Kiểm Sát Viên Số {i}", roles=("editor",) if i % 2 else ())

    page.goto(page.base + "/login")
    page.shot("admin-login")
    browser_login(page, "quantri")
    page.click("nav.site-nav >> text=Quản trị")
    page.click(".admin-tabs >> text=Tài khoản")
    assert page.is_visible("[data-testid=user-table]")
    page.shot("admin-users-list")

    page.click("text=Thêm tài khoản")
    page.fill("input[name=username]", "ksv.thanh")
    page.fill("input[name=full_name]", "Lê Thị Thanh")
    page.select_option("select[name=unit]", label="VKSND quận Thanh Khê")
    page.fill("input[name=position]", "Kiểm sát viên sơ cấp")
    page.fill("input[name=email]", "thanh@vks.danang.local")
    page.fill("input[name=password]", "mat-khau-ban-dau-1")
    page.shot("admin-user-form")
    page.click("form button[type=submit]:has-text('Lưu')")
    page.wait_for_load_state("networkidle")
    assert "Đã tạo tài khoản ksv.thanh" in page.content()

    page.click("button:has-text('Đăng xuất')")
    page.wait_for_load_state("networkidle")
    browser_login(page, "ksv.thanh", "mat-khau-ban-dau-1")
    page.click("a.user-name")
    page.fill("input[name=pw-current]", "mat-khau-ban-dau-1")
    page.fill("input[name=pw-new]", "mat-khau-moi-cua-thanh")
    page.fill("input[name=pw-confirm]", "mat-khau-moi-cua-thanh")
    page.click("form button[type=submit]:has-text('Đổi mật khẩu')")
    page.wait_for_load_state("networkidle")
    assert "Đã đổi mật khẩu." in page.content()
    page.shot("account-page")

    page.click("button:has-text('Đăng xuất')")
    browser_login(page, "ksv.thanh", "mat-khau-ban-dau-1")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page.content()
    browser_login(page, "ksv.thanh", "mat-khau-moi-cua-thanh")
    assert "Lê Thị Thanh" in page.inner_text("a.user-name")
    assert page.console_errors == []
    assert PASSWORD  # the fixtures' password is not the user's


@pytest.mark.browser
def test_phone_width_home_and_login(page):
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/", "phone-home"), ("/login", "phone-login")):
        page.goto(page.base + path)
        page.shot(name)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-toggle-nav]")
    assert page.is_visible("#site-nav")
    page.shot("phone-menu-open")
