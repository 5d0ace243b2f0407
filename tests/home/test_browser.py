"""The home page in Chromium for the secretary and an author, wide and narrow (tests/screenshots/home-*.png)."""
import pytest

from tests.conftest import browser_login


@pytest.mark.browser
@pytest.mark.parametrize("username", ["thuky", "ksv.hung"])
def test_home_after_sign_in_in_chromium(page, app, demo, username):
    from portal.demo.seed import DEMO_PASSWORD

    browser_login(page, username, DEMO_PASSWORD)
    assert page.url.endswith("/home")
    assert page.get_by_role("heading", name="Việc của tôi").is_visible()
    assert page.locator("#author").is_visible()
    if username == "thuky":
        assert page.locator("#secretary").is_visible() and page.locator("#reviewer").is_visible()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        # Nothing wider than the window at either width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.shot(f"home-{username}-{width}")
    assert page.console_errors == []
