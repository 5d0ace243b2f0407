"""In Chromium: search as you type, with the keyboard only, from the home page to an article."""
import pytest

pytestmark = pytest.mark.browser


def test_pick_a_suggestion_with_the_keyboard_and_land_on_the_article(page, published):
    wanted, _ = published("Sổ tay kiểm sát điều tra vụ án ma túy trên địa bàn quận")
    published("Kiểm sát điều tra án tham nhũng")
    published("Phần mềm nhắc thời hạn tố tụng")
    page.goto(page.base + "/")
    box = page.locator("#search-q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.click()
    page.keyboard.type("kiem sat dieu", delay=30)  # no diacritics typed
    listbox = page.locator("[role=listbox]")
    listbox.locator("[role=option]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert "gợi ý" in page.locator("[role=status]").inner_text()
    labels = listbox.locator("[role=option] .suggest-label").all_inner_texts()
    assert "kiểm sát điều tra" in labels and wanted.title in labels
    page.shot("search-suggestions")
    for _ in range(len(labels)):
        page.keyboard.press("ArrowDown")
        active = page.locator("#" + box.get_attribute("aria-activedescendant"))
        assert active.get_attribute("aria-selected") == "true"
        if active.locator(".suggest-label").inner_text() == wanted.title:
            break
    else:
        pytest.fail("the article's title was not among the options")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=article]")
    assert wanted.title in page.inner_text("h1")
    assert page.console_errors == []


def test_escape_closes_and_enter_without_a_choice_searches(page, published):
    published("Kiểm sát điều tra án tham nhũng")
    published("Kiểm sát điều tra án kinh tế")
    page.goto(page.base + "/search")
    page.locator("#search-q").click()
    page.keyboard.type("kiem sat", delay=30)
    page.locator("[role=listbox] [role=option]").first.wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#search-q").get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=hit]")
    assert page.locator("[data-testid=hit]").count() == 2
