"""End to end in Chromium: the officer opens a year, filters a unit, opens one person's reasons;
a staff member sees what they still lack for the title they registered for."""
from datetime import date

import pytest

from portal.core.timeutil import today as portal_today
from tests.conftest import browser_login

pytestmark = pytest.mark.browser
THIS_YEAR = portal_today().year


@pytest.fixture
def scene(officer, make_unit, make_user, recognized, award, discipline, registration):
    district = make_unit("VKSND quận Hải Châu")
    department = make_unit("Phòng Kiểm sát giải quyết các vụ, việc dân sự (Phòng 9)")
    an = make_user("ksv.an", unit=district, full_name="Nguyễn Văn An")
    binh = make_user("ksv.binh", unit=district, full_name="Trần Thị Bình")
    dung = make_user("ksv.dung", unit=district, full_name="Phạm Quang Dũng", leader=True)
    mai = make_user("ksv.mai", unit=department, full_name="Nguyễn Thị Mai")
    recognized([(an, 60), (binh, 40)], decided=date(THIS_YEAR, 3, 10),
               title="Số hóa hồ sơ kiểm sát án dân sự")
    recognized([dung], decided=date(THIS_YEAR, 4, 2), title="Mẫu biên bản kiểm sát nhà tạm giữ")
    for person in (an, binh, dung):
        award(person, THIS_YEAR, "advanced_worker")
    discipline(dung, THIS_YEAR, "reprimand")
    registration(dung, THIS_YEAR, "emulation_soldier_grassroots")
    registration(mai, THIS_YEAR, "emulation_soldier_grassroots")
    return district, department


def test_officer_filters_a_unit_and_opens_reasons_then_staff_sees_what_they_lack(page, scene):
    district, _department = scene
    browser_login(page, "thidua")
    page.goto(f"{page.base}/emulation/year/{THIS_YEAR}")
    assert page.locator("details.emu-person").count() == 5  # four staff and the officer

    with page.expect_navigation():
        page.select_option("select[name=unit]", str(district.id))
    people = page.locator("details.emu-person")
    assert people.count() == 3
    assert page.locator('details[data-username="ksv.mai"]').count() == 0

    dung = page.locator('details[data-username="ksv.dung"]')
    assert not dung.evaluate("d => d.open")
    dung.locator("summary").click()
    assert dung.evaluate("d => d.open")
    reasons = dung.locator(".emu-reasons")
    assert reasons.is_visible()
    assert "Bị kỷ luật: khiển trách năm" in reasons.inner_text()
    link = reasons.get_by_role("link", name="Mẫu biên bản kiểm sát nhà tạm giữ").first
    assert link.is_visible()
    page.shot("emulation-officer-year")
    dung.locator("summary").screenshot(path=page.shot("emulation-officer-row", full_page=False))

    page.click("[data-emu-toggle-all=open]")
    assert page.locator("details.emu-person[open]").count() == 3
    page.click("[data-emu-toggle-all=close]")
    assert page.locator("details.emu-person[open]").count() == 0

    page.context.clear_cookies()
    browser_login(page, "ksv.mai")
    page.goto(f"{page.base}/emulation/me")
    lacking = page.locator("[data-testid=lacking]")
    assert "Bạn còn thiếu:" in lacking.inner_text()
    text = lacking.inner_text()
    assert "Đạt danh hiệu Lao động tiên tiến trong năm" in text
    assert "Là tác giả sáng kiến được công nhận cấp cơ sở trở lên" in text
    page.shot("emulation-staff-mine")
    assert page.console_errors == []
