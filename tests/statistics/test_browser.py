"""The statistics pages in Chromium at 1366 and 390 px: no script error, no CSP refusal, nothing
wider than the screen; screenshots saved under the test's tmp dir."""
import pytest

from tests.conftest import browser_login
from tests.statistics.conftest import YEAR

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 390])
def test_public_and_internal_statistics_pages(page, council, year_data, tmp_path, width):
    year_data(2)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{page.base}/statistics?year={YEAR}")
    assert page.locator("figure svg[role=img]").count() == 4
    assert page.locator("figure table").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"statistics-public-{width}.png"), full_page=True)

    browser_login(page, "thuky")
    page.goto(f"{page.base}/council/{YEAR}/statistics")
    assert page.locator("#fig-spread svg[role=img]").count() == 1
    assert page.locator("#fig-score-novelty svg title").text_content().startswith("Phân bố điểm")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"statistics-internal-{width}.png"), full_page=True)
    for figure in ("unit", "score-novelty", "spread"):
        page.locator(f"#fig-{figure}").screenshot(path=str(tmp_path / f"statistics-{figure}-{width}.png"))
    assert page.console_errors == []
    print(tmp_path)
