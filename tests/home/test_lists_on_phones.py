"""Issues 13 and 16 in Chromium on the demo, 1366 and 390 px wide (tests/screenshots/phone-*.png):
below 640 px the staff's and the emulation office's tables become cards instead of scrolling
sideways; the queue's select-all of the open sheets stays within reach; the admin forms fit the
card; the admin reaches the statistics."""
import pytest

from tests.conftest import browser_login

WIDTHS = (1366, 390)

# Every table scroller as wide as its content, the page no wider than the window.
NO_SIDEWAYS_SCROLL = """() => {
  const wide = [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1);
  return {page: document.documentElement.scrollWidth, wraps: wide.length};
}"""
CARDS = """() => [...document.querySelectorAll('main .table-wrap tbody td')]
  .filter(td => td.offsetParent !== null).every(td => getComputedStyle(td).display === 'block')"""
# Every input, select and textarea inside its card.
INSIDE_CARD = """() => [...document.querySelectorAll('main .card input, main .card select, main .card textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().right > el.closest('.card').getBoundingClientRect().right + 0.5)
  .map(el => el.name)"""


@pytest.fixture
def demo(demo):
    from portal.demo.seed import DEMO_PASSWORD

    return DEMO_PASSWORD


def look(page, path, name):
    """Open `path` at each width; the page never scrolls sideways, below 640 px the tables are cards."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(NO_SIDEWAYS_SCROLL)
        assert found["page"] <= width, (path, width, found)
        if width < 640:
            assert found["wraps"] == 0 and page.evaluate(CARDS), (path, width, found)
        page.shot(f"phone-{name}-{width}")


@pytest.mark.browser
def test_the_authors_and_the_emulation_offices_tables_become_cards(page, demo):
    from portal.years.models import current_year

    year = current_year()
    browser_login(page, "ksv.hung", demo)
    look(page, "/my", "dashboard")
    look(page, "/emulation/me", "emulation-mine")
    page.context.clear_cookies()
    browser_login(page, "thidua", demo)
    look(page, f"/emulation/year/{year}", "emulation-year")
    look(page, f"/emulation/year/{year}/records", "emulation-records")
    assert page.console_errors == []


@pytest.mark.browser
def test_the_open_sheets_select_all_is_within_reach_on_a_phone(page, demo):
    from portal.years.models import current_year

    browser_login(page, "thuky", demo)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base + f"/council/queue?year={current_year()}")
        page.wait_for_load_state("networkidle")
        beside_count = page.get_by_test_id("remind-select-all-phone")
        header = page.get_by_test_id("due-sheets").locator("thead")
        header_hidden = header.evaluate("h => getComputedStyle(h).position === 'absolute' && h.offsetHeight <= 1")
        # below 640 px the card layout hides the header (and its select-all); the one beside the count shows
        assert header_hidden == (width < 640) and beside_count.is_visible() == (width < 640)
        control = beside_count if width < 640 else header.locator("[data-select-all=remind]")
        control.locator("input").check()
        boxes = page.locator("input[data-select-group=remind]")
        assert boxes.count() > 0 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
        count = page.locator("[data-selected-count=remind]").first.inner_text()
        assert count == str(boxes.count())
        page.locator("#remind-form").scroll_into_view_if_needed()
        page.shot(f"phone-queue-open-sheets-{width}", full_page=False)
    assert page.console_errors == []


@pytest.mark.browser
def test_the_admin_forms_fit_and_the_admin_reaches_the_statistics(page, demo):
    from portal.years.models import current_year

    year = current_year()
    browser_login(page, "admin", demo)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path, name in (("/admin/organisation", "organisation"), ("/admin/organisation?lang=en", "organisation-en"),
                           (f"/admin/years/{year}", "year"), (f"/admin/councils/{year}", "council")):
            page.goto(page.base + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate(INSIDE_CARD) == [], (path, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            page.shot(f"phone-admin-{name}-{width}")
        page.goto(page.base + "/admin/")
        page.get_by_test_id("admin-statistics").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/council/{year}/statistics")
        assert page.get_by_role("heading", level=1).is_visible()
        page.shot(f"phone-admin-statistics-{width}")
    assert page.console_errors == []
