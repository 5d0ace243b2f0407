"""The demo shows, at first run, people eligible and not eligible for each title, for distinct reasons."""
import io
import re

from openpyxl import load_workbook

from portal.emulation import engine
from portal.emulation.export import workbook_bytes
from portal.emulation.services import year_report
from portal.years.models import current_year


def test_demo_gives_the_officer_a_page_worth_looking_at(app, demo, client):
    from portal.auth.models import user_by_username

    year = current_year()
    report = year_report(year)
    lines = report.lines

    for title in engine.TITLES[1:]:
        outcomes = [line.title(title).eligible for line in lines]
        assert any(outcomes), f"nobody eligible for {title}"
        assert not all(outcomes), f"everybody eligible for {title}"

    grassroots_reasons = set()
    reused = False
    for line in lines:
        outcome = line.title(engine.GRASSROOTS)
        blocking = {c.code for c in outcome.conditions if c.blocking}
        if len(blocking) == 1:
            grassroots_reasons |= blocking
        evidence = outcome.condition("initiative").evidence
        reused |= any(e.get("reason") == "used" for e in evidence)
    assert {"advanced_worker", "initiative", "no_discipline", "article_quota"} <= grassroots_reasons
    assert reused, "nobody's recognition is already used"
    gap = [line for line in lines
           if "Thiếu danh hiệu Chiến sỹ thi đua cơ sở năm" in line.title(engine.SECTOR).condition(
               "consecutive_grassroots").detail]
    assert gap, "no gap year"
    assert report.registered_not_eligible
    assert any(cap["over_cap"] for cap in report.caps)

    # the candidates' best scores in the XLSX read as the pages write them: "(62,67)", never "(62.6667)"
    caps = load_workbook(io.BytesIO(workbook_bytes(report)))["Giới hạn CSTĐ cơ sở"]
    orders = " ".join(str(row[-1] or "") for row in caps.iter_rows(min_row=2, values_only=True))
    scores = re.findall(r"\(([\d.,]+)\)", orders)
    assert scores and all(re.fullmatch(r"\d+(,\d{1,2})?", score) for score in scores), scores
    assert any("," in score for score in scores)

    client.login(user_by_username("thidua"))
    page = client.get(f"/emulation/year/{year}")
    assert page.status_code == 200
    assert "Đủ điều kiện" in page.text and "Chưa đủ" in page.text
