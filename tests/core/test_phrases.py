"""Phrases: the rule modules' messages, Vietnamese as text, translated with their values where shown."""
from pathlib import Path

from portal import ROOT
from portal.core.phrases import Listing, Phrase, render

KEYWORDS = {"Phrase": None, "refused": (2,), "_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def _translated():
    from babel.messages.pofile import read_po

    found = set()
    for catalogue in ROOT.glob("portal/**/translations/en/LC_MESSAGES/messages.po"):
        with catalogue.open("rb") as f:
            found |= {m.id for m in read_po(f) if isinstance(m.id, str) and m.string}
    return found


def test_a_phrase_reads_as_its_vietnamese_text_and_keeps_its_msgid_and_values():
    title = Phrase("Lao động tiên tiến")
    phrase = Phrase("Đã đăng ký danh hiệu %(titles)s năm %(year)s.", titles=Listing([title], "; "), year=2026)
    assert phrase == "Đã đăng ký danh hiệu Lao động tiên tiến năm 2026." and "tiên tiến" in phrase
    english = {"Lao động tiên tiến": "Advanced worker",
               "Đã đăng ký danh hiệu %(titles)s năm %(year)s.": "Registered for %(titles)s in %(year)s."}
    assert render(phrase, lambda msgid: english.get(msgid, msgid)) == "Registered for Advanced worker in 2026."


def test_every_phrase_and_emulation_refusal_of_the_code_has_an_english_translation():
    from babel.messages.extract import extract_from_dir

    translated = _translated()
    missing = []
    for filename, line, message, _comments, _context in extract_from_dir(
            Path(ROOT / "portal"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        if "demo" in Path(filename).parts or not isinstance(message, str) or not message.strip():
            continue
        if message not in translated:
            missing.append(f"portal/{filename}:{line}: {message}")
    assert missing == []


def test_every_label_map_a_phrase_names_is_translated():
    from portal.emulation import engine

    translated = _translated()
    labels = {*engine.TITLE_LABELS.values(), *engine.LEVEL_LABELS.values(), *engine.DISCIPLINE_LABELS.values(),
              *engine.CONDITION_LABELS.values()}
    assert labels - translated == set()


def test_suggestion_reasons_and_eligibility_details_read_in_english(app):
    from portal.core.i18n import translate
    from portal.council.scoring import Sheet, aggregate
    from portal.council.services import DEFAULT_CRITERIA
    from portal.emulation import engine

    class Spec:
        def __init__(self, code, maximum):
            self.code, self.name, self.max_score, self.min_score = code, code, maximum, 0

    specs = [Spec(code, maximum) for code, _name, _guidance, maximum in DEFAULT_CRITERIA]
    sheets = [Sheet(key=1, scores={"novelty": 10, "applicability": 10, "effectiveness": 10}, recommendation="fail")]
    reasons = aggregate(specs, sheets).reasons
    assert reasons[0] == "Điểm trung bình 30 thấp hơn ngưỡng công nhận (50)."
    clean = engine._build_clean((2025, 2026))
    with app.test_request_context("/?lang=en"):
        assert translate(reasons[0]) == "The mean score 30 is below the recognition threshold (50)."
        assert translate(clean.detail) == "No disciplinary measure of reprimand or higher in the years 2025–2026."
    assert clean.detail == "Không bị kỷ luật từ khiển trách trở lên trong các năm 2025–2026."


def test_a_flash_with_a_value_is_translated(client, make_user, make_unit):
    admin = make_user("quantri", roles=("admin",))
    unit = make_unit("City Office")
    client.login(admin)
    client.post("/lang/en", data={"next": "/admin/"})
    response = client.post("/admin/users/new", data={
        "username": "new.person", "full_name": "New Person", "unit": str(unit.id), "email": ""},
        follow_redirects=True)
    assert "Account new.person created." in response.get_data(as_text=True)
