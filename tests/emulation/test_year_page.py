"""The emulation officer's page for a year: filters, counts, caps, reasons, a fixed number of queries."""
from datetime import date

import pytest

from tests.emulation.conftest import YEAR


@pytest.fixture
def district(make_unit, make_user, recognized, award, discipline, registration):
    """A district procuracy: two eligible, one without an initiative, one with a reprimand."""
    unit = make_unit("VKSND quận Hải Châu")
    other = make_unit("VKSND quận Sơn Trà")
    people = {
        "an": make_user("an", unit=unit, full_name="Nguyễn Văn An"),
        "binh": make_user("binh", unit=unit, full_name="Trần Thị Bình"),
        "cuong": make_user("cuong", unit=unit, full_name="Lê Văn Cường"),
        "dung": make_user("dung", unit=unit, full_name="Phạm Quang Dũng", leader=True),
        "em": make_user("em", unit=other, full_name="Hồ Thị Em"),
    }
    initiative = recognized([(people["an"], 60), (people["binh"], 40)], title="Số hóa hồ sơ kiểm sát")
    recognized([people["dung"]], title="Mẫu cáo trạng điện tử")
    for person in people.values():
        award(person, YEAR, "advanced_worker")
    discipline(people["dung"], YEAR, "reprimand")
    registration(people["cuong"], YEAR, "emulation_soldier_grassroots")
    return unit, other, people, initiative


def test_officer_sees_everyone_with_titles_and_reasons(client, officer, district):
    unit, _other, people, initiative = district
    client.login(officer)

    page = client.get(f"/emulation/year/{YEAR}")

    assert page.status_code == 200
    html = page.text
    for person in people.values():
        assert person.full_name in html
    assert "<details class=\"emu-person\" data-username=\"an\">" in html
    # The reasons name the initiative and link to it.
    assert "Số hóa hồ sơ kiểm sát" in html
    assert f"/initiatives/{initiative.id}" in html
    assert "Bị kỷ luật: khiển trách năm 2025." in html
    # The registered-but-not-eligible list names Cường and why.
    assert "Đã đăng ký nhưng chưa đủ điều kiện" in html
    # Settings shown beside the results.
    assert "Tỷ lệ CSTĐ cơ sở tối đa so với số LĐTT của đơn vị (%)" in html


def test_filters_by_unit_title_eligibility_registration_and_leadership(client, officer, district):
    unit, other, people, _ = district
    client.login(officer)

    def names(**args):
        html = client.get(f"/emulation/year/{YEAR}", query_string=args).text
        return {u for u in ("an", "binh", "cuong", "dung", "em") if f'data-username="{u}"' in html}

    assert names(unit=unit.id) == {"an", "binh", "cuong", "dung"}
    assert names(unit=other.id) == {"em"}
    assert names(title="emulation_soldier_grassroots", eligible="yes") == {"an", "binh"}
    assert names(unit=unit.id, title="emulation_soldier_grassroots", eligible="no") == {"cuong", "dung"}
    assert names(registered="yes") == {"cuong"}
    assert names(registered="no", unit=unit.id) == {"an", "binh", "dung"}
    assert names(leader="yes") == {"dung"}
    # Unknown filter values are ignored rather than failing.
    assert names(unit="abc", title="nope") == {"an", "binh", "cuong", "dung", "em"}


def test_leaders_and_staff_are_counted_apart_and_the_cap_orders_candidates(client, officer, district):
    from portal.emulation.services import year_report

    unit, _other, people, _ = district
    report = year_report(YEAR, unit_id=unit.id)

    grassroots = report.counts["emulation_soldier_grassroots"]
    assert grassroots["staff"] == {"people": 3, "held": 0, "eligible": 2}
    assert grassroots["leaders"] == {"people": 1, "held": 0, "eligible": 0}
    assert report.counts["advanced_worker"]["leaders"]["held"] == 1
    [cap] = report.caps
    assert cap["unit"] == "VKSND quận Hải Châu"
    # Four LĐTT recorded, one of them under a measure: the base is the three the engine finds eligible.
    assert (cap["lddt_count"], cap["cap"], cap["count"], cap["over_cap"]) == (3, 1, 2, True)
    assert [c.user.username for c in cap["candidates"]] == ["an", "binh"]


def test_wrong_role_is_refused(client, make_user):
    staff = make_user("staff")
    client.login(staff)
    assert client.get(f"/emulation/year/{YEAR}").status_code == 403
    assert client.get(f"/emulation/year/{YEAR}/export.xlsx").status_code == 403
    assert client.get(f"/emulation/year/{YEAR}/settings").status_code == 403
    client.logout()
    assert client.get(f"/emulation/year/{YEAR}").status_code == 302


def _populate(unit, n, make_user, recognized, award, discipline, registration, articles):
    for i in range(n):
        person = make_user(f"p{unit.id}x{i}", unit=unit, leader=i % 5 == 0)
        award(person, YEAR, "advanced_worker")
        if i % 2:
            recognized([person], decided=date(YEAR, 2, 1 + i % 27))
        if i % 3 == 0:
            registration(person, YEAR, "emulation_soldier_grassroots")
        if i % 7 == 0:
            discipline(person, YEAR)
        articles(person, YEAR, i)


def test_the_unit_page_issues_a_fixed_number_of_queries(
        client, officer, make_unit, make_user, recognized, award, discipline, registration, articles,
        count_queries):
    small, large = make_unit("Đơn vị nhỏ"), make_unit("Đơn vị lớn")
    _populate(small, 5, make_user, recognized, award, discipline, registration, articles)
    _populate(large, 30, make_user, recognized, award, discipline, registration, articles)
    client.login(officer)

    counts = []
    for unit in (small, large):
        with count_queries() as counter:
            response = client.get(f"/emulation/year/{YEAR}?unit={unit.id}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 25  # 16 today: sign-in, layout, units, and the loader's nine


@pytest.mark.parametrize("app_config", [{"EMULATION_PEOPLE_PER_PAGE": 2}])
def test_the_people_are_shown_a_page_at_a_time_with_the_filters_kept(client, officer, district):
    unit, _other, people, _ = district
    client.login(officer)

    def shown(**args):
        html = client.get(f"/emulation/year/{YEAR}", query_string=args).text
        return html, [u for u in ("an", "binh", "cuong", "dung", "em", officer.username)
                      if f'data-username="{u}"' in html]

    html, first = shown(unit=unit.id)
    assert len(first) == 2 and 'rel="next"' in html
    assert f"unit={unit.id}" in html.split('rel="next"')[0].rsplit("href=", 1)[1]  # the filter stays
    _, second = shown(unit=unit.id, page=2)
    assert len(second) == 2 and not set(first) & set(second)
    assert set(first) | set(second) == {"an", "binh", "cuong", "dung"}
    _, past_the_end = shown(unit=unit.id, page=9)   # the last page, not an empty one
    assert past_the_end == second
    _, nonsense = shown(unit=unit.id, page="x")
    assert nonsense == first
