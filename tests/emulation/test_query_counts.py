"""The officer's year page and its export issue the same number of SQL statements for a few people as
for many (issue 15: the page is for 21,000 accounts), whatever their records and units."""
import pytest

from tests.emulation.conftest import YEAR


@pytest.fixture
def grow(make_user, make_unit, recognized, award, registration, articles):
    """grow(n): n more people, each in a unit of their own, with a recognised initiative, titles of
    earlier years, a registration and articles."""
    made = {"n": 0}

    def add(n):
        for _ in range(n):
            made["n"] += 1
            k = made["n"]
            person = make_user(f"canbo{k}", unit=make_unit(f"VKSND khu vực {k}"), full_name=f"Cán bộ {k}",
                               leader=k % 3 == 0)
            recognized([person], title=f"Sáng kiến số {k}")
            for year in (YEAR - 2, YEAR - 1, YEAR):
                award(person, year, "advanced_worker")
            registration(person, YEAR, "emulation_soldier_grassroots")
            articles(person, YEAR, k % 4)
    return add


def test_year_page_and_export_issue_a_fixed_number_of_queries(client, officer, grow, counts_per_url):
    urls = [f"/emulation/year/{YEAR}", f"/emulation/year/{YEAR}?eligible=yes&leader=no",
            f"/emulation/year/{YEAR}/export.xlsx"]
    client.login(officer)
    grow(2)
    few = counts_per_url(client, urls)
    grow(6)
    many = counts_per_url(client, urls)
    assert few == many
