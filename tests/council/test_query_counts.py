"""The council's documents and exports, its queue and the officers' dashboard issue the same number of
SQL statements for a few initiatives as for many (issue 15: the minutes read each initiative's round,
assignments and rubric one initiative at a time)."""
import pytest

from portal.core.timeutil import today, utcnow
from portal.council import operations
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, YEAR

DECISION_NO = "45/QĐ-VKS"


@pytest.fixture
def grow(council, make_user, make_unit, make_initiative, appraise):
    """grow(n): n more initiatives recognised under one decision and n more in appraisal (one sheet in),
    each by its own author in a unit of its own."""
    made = {"n": 0}

    def add(n):
        for _ in range(n):
            made["n"] += 1
            k = made["n"]
            unit = make_unit(f"VKSND khu vực {k}")
            for state in ("recognized", "in_review"):
                author = make_user(f"tacgia.{state}.{k}", unit=unit, full_name=f"Tác giả {state} {k}")
                initiative = make_initiative([author], status="submitted", submitted_at=utcnow(),
                                             title=f"Sáng kiến {state} số {k}")
                if state == "recognized":
                    appraise(initiative, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])
                    operations.decide(initiative, council["chair"], "recognized", decision_no=DECISION_NO,
                                      decision_date=today(), reason="Giải pháp khác với các sáng kiến trước.")
                else:
                    appraise(initiative, [("m2", GOOD, "pass")])
                    operations.assign(initiative, council["secretary"], council["m3"])
                db.session.commit()
    return add


def test_documents_and_exports_issue_a_fixed_number_of_queries(client, council, grow, counts_per_url):
    urls = [f"/council/{YEAR}/minutes.docx", f"/council/{YEAR}/decision.docx",
            f"/council/{YEAR}/initiatives.xlsx"]
    client.login(council["chair"])
    grow(2)
    few = counts_per_url(client, urls)
    grow(5)
    many = counts_per_url(client, urls)
    assert few == many


@pytest.mark.parametrize("who, url", [
    ("secretary", f"/council/queue?year={YEAR}"),
    ("secretary", "/home"),
    ("chair", "/home"),
])
def test_queue_and_dashboards_issue_a_fixed_number_of_queries(client, council, grow, counts_per_url, who, url):
    client.login(council[who])
    grow(2)
    few = counts_per_url(client, [url])
    grow(5)
    many = counts_per_url(client, [url])
    assert few == many


@pytest.mark.parametrize("document", ["initiatives.xlsx", "minutes.docx"])
def test_the_year_documents_read_no_reviewer_accounts(client, council, grow, count_queries, document):
    """The sheets behind the export and the minutes need each review and its scores, not the
    reviewer's account: no statement joins the users table to the assignments or reviews."""
    client.login(council["chair"])
    grow(2)
    url = f"/council/{YEAR}/{document}"
    assert client.get(url).status_code == 200
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    joined = [s for s in counter.statements
              if ("FROM review_assignment" in s or "FROM review " in s) and "user_1." in s]
    assert joined == []
