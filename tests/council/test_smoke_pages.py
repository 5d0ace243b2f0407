"""Every council page renders for the people who use it."""
from portal.core.timeutil import today as portal_today
from tests.council.conftest import FAIR, GOOD


def test_pages_render(client, council, submitted, appraise):
    client.login(council["secretary"])
    assert client.get("/council/").status_code == 200
    assert client.get("/council/queue").status_code == 200
    assert client.get(f"/council/initiatives/{submitted.id}/screening").status_code == 200
    appraise(submitted, [("m1", GOOD, "pass"), ("m2", FAIR, "pass"), ("m3", GOOD, "pass")])
    assert client.get(f"/council/initiatives/{submitted.id}/assignments").status_code == 200
    r = client.get(f"/council/initiatives/{submitted.id}/results")
    assert r.status_code == 200, r.get_data(as_text=True)
    client.login(council["m1"])
    assert client.get(f"/council/initiatives/{submitted.id}/review").status_code == 200
    client.login(council["chair"])
    assert client.get(f"/council/initiatives/{submitted.id}/results").status_code == 200
    assert client.get("/council/sector").status_code == 200
    client.login(council["admin"])
    assert client.get("/council/rubric/%d" % submitted.year).status_code == 200


def test_documents_download(client, council, submitted, appraise):
    appraise(submitted, [("m1", GOOD, "pass"), ("m2", FAIR, "pass"), ("m3", GOOD, "pass")])
    from portal.council import operations
    from portal.extensions import db
    operations.decide(submitted, council["chair"], "recognized", decision_no="45/QĐ-VKS",
                      decision_date=portal_today())
    db.session.commit()
    client.login(council["secretary"])
    y = submitted.year
    for url in [f"/council/initiatives/{submitted.id}/application.docx",
                f"/council/{y}/minutes.docx", f"/council/{y}/decision.docx",
                f"/council/initiatives/{submitted.id}/certificate.docx", f"/council/{y}/initiatives.xlsx"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:500])
