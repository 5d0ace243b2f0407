"""The eligibility pages name titles and conditions, never their codes."""
import re

from portal.emulation import engine
from portal.years.models import current_year


def test_eligibility_table_shows_labels_not_codes(app, demo, client):
    from portal.auth.models import user_by_username

    client.login(user_by_username("thidua"))
    html = client.get(f"/emulation/year/{current_year()}").get_data(as_text=True)
    rows = re.findall(r'<tr[^>]*data-condition="([a-z_]+)"[^>]*>(.*?)</tr>', html, flags=re.S)
    assert rows
    # Each condition's row names it by its label; its code stays in the markup only.
    assert [code for code, row in rows if code in re.sub(r"<[^>]+>", " ", row)] == []
    assert {code for code, _row in rows} <= set(engine.CONDITION_LABELS)
    text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1])
    assert "Không bị kỷ luật từ khiển trách trở lên" in text and "Lao động tiên tiến" in text
    english = re.sub(r"<[^>]+>", " ", client.get(f"/emulation/year/{current_year()}?lang=en").get_data(as_text=True))
    assert "No disciplinary measure of reprimand or higher in" in english
    # the candidates' scores through the one formatter: a decimal comma in Vietnamese, a point in English
    vietnamese = re.findall(r"\(điểm (\d+(?:[.,]\d+)?)\)", text)
    scores = re.findall(r"\((?:score|points) (\d+(?:[.,]\d+)?)\)", english)
    assert any("," in s for s in vietnamese) and not any("." in s for s in vietnamese)
    assert any("." in s for s in scores) and not any("," in s for s in scores)


def test_api_conditions_carry_their_label(app, client, make_user, api_headers):
    officer = make_user("thidua", roles=("emulation_officer",))
    make_user("ksv.hung")
    body = client.get(f"/api/v1/emulation/eligibility?year={current_year()}&lang=en",
                      headers=api_headers(officer)).get_json()
    person = next(p for p in body["people"] if p["username"] == "ksv.hung")
    condition = person["titles"]["advanced_worker"]["conditions"][0]
    assert condition["label"] and condition["label"] != condition["code"]
    assert not re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệđ]", condition["label"] + condition["detail"])
