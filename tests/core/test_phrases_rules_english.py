"""Messages the rule modules build with values read in the reader's language (issue 11): the trial users
of an application, the emulation import's report."""
import io

from portal.core.i18n import translate
from portal.core.phrases import Phrase


def test_trial_user_problems_are_phrases_and_read_in_english(app):
    from portal.initiatives import rules

    problems = rules.trial_user_errors(";Phòng 1\nAn; a; b; c; d; e; f; g; h")["trial_users"]

    assert problems[0] == "Dòng 1: thiếu họ và tên người tham gia áp dụng."
    assert all(isinstance(problem, Phrase) for problem in problems)
    with app.test_request_context("/?lang=en"):
        english = [translate(problem) for problem in problems]
    assert english[0] == "Line 1: the name of the person who took part in applying it is missing."
    assert english[1].startswith("Line 2: at most ")


def test_the_emulation_import_report_reads_in_english(client, make_user, make_unit):
    officer = make_user("thidua", roles=("emulation_officer",))
    make_user("ksv.hung", unit=make_unit("Phòng 1"))
    client.login(officer)
    csv = b"username,year,count\nksv.hung,2025,4\n"

    response = client.post("/emulation/year/2025/import?lang=en", data={
        "kind": "articles", "file": (io.BytesIO(csv), "tin-bai.csv")},
        content_type="multipart/form-data")
    assert "4 articles 2025" in response.text

    missing = client.post("/emulation/year/2025/import?lang=en", data={
        "kind": "titles", "file": (io.BytesIO(b"username,year\nksv.hung,2025\n"), "t.csv")},
        content_type="multipart/form-data")
    assert "Missing columns: title." in missing.text
