"""The layout of the official documents (ND 30/2020/NĐ-CP), read from the DOCX with python-docx:
table grids that LibreOffice lays out as Word does, the bold issuing body with its rule, the
signing authority (ND 13/2012, Điều 7: the head of the unit recognises), one decision per
number, the minutes' proposal and votes, landscape minutes table, page numbers, spacing."""
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from portal.auth.models import UnitKind
from portal.core.timeutil import today as portal_today
from portal.council import operations, services
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, WEAK

# A document's layout does not depend on the database that filled it: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

EMU_PER_CM = 360000


def open_docx(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("wordprocessingml.document")
    return Document(io.BytesIO(response.data))


def grid_cm(table):
    """The widths LibreOffice uses: the table's w:tblGrid columns, in cm."""
    cols = table._tbl.tblGrid.findall(qn("w:gridCol"))
    return [int(c.get(qn("w:w"))) * 2.54 / 1440 for c in cols]


def all_text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def signature_table(document):
    """The last borderless table: "Nơi nhận:" (or a second signature) | the signing authority."""
    return [t for t in document.tables if t.style.name != "Table Grid"][-1]


def signature_text(document):
    return signature_table(document).rows[0].cells[-1].text


@pytest.fixture
def head(make_user, make_unit):
    """The head of the unit: an account in the leadership unit whose position is "Viện trưởng"."""
    leadership = make_unit("Lãnh đạo Viện", kind=UnitKind.leadership)
    user = make_user("vientruong", unit=leadership, leader=True, full_name="Hồ Đức Minh")
    user.position = "Viện trưởng"
    db.session.commit()
    return user


@pytest.fixture
def recognized(council, submitted, appraise):
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])
    operations.decide(submitted, council["chair"], "recognized", decision_no="45/QĐ-VKS",
                      decision_date=portal_today())
    db.session.commit()
    return submitted


@pytest.fixture
def documents(client, council, recognized):
    """Every document of the appraisal, as the secretary or the chair downloads it."""
    review = services.active_assignment(recognized, council["m3"]).review
    year = recognized.year
    client.login(council["secretary"])
    out = {
        "application": open_docx(client.get(f"/council/initiatives/{recognized.id}/application.docx")),
        "minutes": open_docx(client.get(f"/council/{year}/minutes.docx")),
        "certificate": open_docx(client.get(f"/council/initiatives/{recognized.id}/certificate.docx")),
    }
    client.login(council["m3"])
    out["sheet"] = open_docx(client.get(f"/council/reviews/{review.id}/sheet.docx"))
    client.login(council["chair"])
    out["decision"] = open_docx(client.get(f"/council/{year}/decision.docx?decision_no=45/QĐ-VKS"))
    return out


HEADED = ("sheet", "minutes", "decision", "certificate")


@pytest.mark.parametrize("name", HEADED)
def test_header_table_has_a_grid_wide_enough_for_the_motto_on_one_line(documents, name):
    table = documents[name].tables[0]
    widths = grid_cm(table)
    assert len(widths) == 2 and widths[1] >= 9.5, widths  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" at 12 pt bold
    assert sum(widths) == pytest.approx(16.5, abs=0.6)
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"
    assert [round(c.width / EMU_PER_CM, 1) for c in table.rows[0].cells] == [round(w, 1) for w in widths]


def test_application_form_opens_with_the_motto(documents):
    paragraphs = [p.text for p in documents["application"].paragraphs if p.text]
    assert paragraphs[:3] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                              "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN"]
    authors = documents["application"].tables[0]
    assert [c.text for c in authors.rows[0].cells][2:6] == [
        "Ngày tháng năm sinh", "Nơi công tác (hoặc nơi thường trú)", "Chức danh", "Trình độ chuyên môn"]


@pytest.mark.parametrize("name", ("decision", "certificate"))
def test_issuing_body_is_bold_with_a_short_rule_under_it(documents, name):
    left = documents[name].tables[0].rows[0].cells[0]
    body = [r for p in left.paragraphs for r in p.runs if "THÀNH PHỐ ĐÀ NẴNG" in r.text]
    assert body and all(r.bold for r in body)
    rules = [p for p in left.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None]
    assert len(rules) == 1 and not rules[0].text
    indent = rules[0].paragraph_format.left_indent
    assert indent and indent > Cm(1)  # short, centred: not the whole column
    motto = documents[name].tables[0].rows[0].cells[1].paragraphs
    assert motto[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and all(r.bold for r in motto[0].runs)
    assert motto[1].text == "Độc lập - Tự do - Hạnh phúc" and all(r.underline for r in motto[1].runs)


def test_council_documents_are_issued_by_the_council_of_the_unit(documents):
    left = documents["minutes"].tables[0].rows[0].cells[0]
    assert left.text.startswith("VIỆN KIỂM SÁT NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG\nHỘI ĐỒNG SÁNG KIẾN")
    council_runs = [r for p in left.paragraphs for r in p.runs if r.text == "HỘI ĐỒNG SÁNG KIẾN"]
    parent_runs = [r for p in left.paragraphs for r in p.runs if r.text == "THÀNH PHỐ ĐÀ NẴNG"]
    assert council_runs[0].bold and not parent_runs[0].bold and not council_runs[0].underline
    assert any(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in left.paragraphs)


def test_decision_and_certificate_are_issued_and_signed_by_the_head_of_the_unit(client, council, recognized, head):
    client.login(council["chair"])
    decision = open_docx(client.get(f"/council/{recognized.year}/decision.docx?decision_no=45/QĐ-VKS"))
    text = all_text(decision)
    assert "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG" in text
    assert "Xét đề nghị của Hội đồng Sáng kiến Viện kiểm sát nhân dân thành phố Đà Nẵng" in text
    signature = signature_text(decision)
    assert signature.split("\n")[0] == "VIỆN TRƯỞNG" and "Hồ Đức Minh" in signature
    assert "CHỦ TỊCH" not in signature and "Nguyễn Văn Thành" not in signature
    certificate = open_docx(client.get(f"/council/initiatives/{recognized.id}/certificate.docx"))
    signature = signature_text(certificate)
    assert signature.split("\n")[0] == "VIỆN TRƯỞNG" and "Hồ Đức Minh" in signature
    assert "CHỦ TỊCH" not in all_text(certificate)


def test_a_deputy_who_chairs_the_council_signs_on_behalf_of_the_head(client, council, recognized, make_unit):
    chair = council["chair"]
    chair.unit = make_unit("Lãnh đạo Viện", kind=UnitKind.leadership)
    chair.position = "Phó Viện trưởng"
    db.session.commit()
    client.login(chair)
    decision = open_docx(client.get(f"/council/{recognized.year}/decision.docx?decision_no=45/QĐ-VKS"))
    lines = [line for line in signature_text(decision).split("\n") if line]
    assert lines == ["KT. VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG", "Nguyễn Văn Thành"]


def test_without_a_head_on_record_the_decision_leaves_the_name_to_be_written(documents):
    lines = [line for line in signature_text(documents["decision"]).split("\n") if line]
    assert lines == ["VIỆN TRƯỞNG"]


def test_decision_has_a_nơi_nhận_block_at_the_bottom_left(documents):
    left = signature_table(documents["decision"]).rows[0].cells[0]
    first = left.paragraphs[0].runs[0]
    assert first.text == "Nơi nhận:" and first.bold and first.italic
    assert [p.text for p in left.paragraphs][1:] == ["- Như Điều 3;", "- Hội đồng Sáng kiến;", "- Lưu: VT, HĐSK."]


def test_decision_annex_has_sensible_column_widths(documents):
    annex = documents["decision"].tables[-1]
    assert [c.text for c in annex.rows[0].cells] == ["TT", "Tên sáng kiến", "Tác giả (tỷ lệ đóng góp)", "Đơn vị"]
    widths = grid_cm(annex)
    assert widths[0] < 1.5 and widths[1] == max(widths) and widths[1] > 2 * widths[0] * 2
    assert sum(widths) <= 16.5


def test_decisions_of_a_year_are_one_document_per_number(client, council, recognized, make_initiative, appraise):
    other = appraise(make_initiative([council["staff"]], status="submitted", title="Sổ tay kiểm sát thi hành án"),
                     [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", GOOD, "pass")])
    operations.decide(other, council["chair"], "recognized", decision_no="52/QĐ-VKS", decision_date=portal_today())
    db.session.commit()
    client.login(council["chair"])
    year = recognized.year
    chooser = client.get(f"/council/{year}/decision.docx")
    assert chooser.status_code == 200 and chooser.mimetype == "text/html"
    page = chooser.get_data(as_text=True)
    assert "45/QĐ-VKS" in page and "52/QĐ-VKS" in page and "mỗi quyết định là một văn bản riêng" in page
    first = client.get(f"/council/{year}/decision.docx?decision_no=45/QĐ-VKS")
    second = client.get(f"/council/{year}/decision.docx?decision_no=52/QĐ-VKS")
    text_first, text_second = all_text(open_docx(first)), all_text(open_docx(second))
    assert recognized.title in text_first and other.title not in text_first
    assert other.title in text_second and recognized.title not in text_second
    assert "Công nhận 1 sáng kiến" in text_first
    names = {r.headers["Content-Disposition"] for r in (first, second)}
    assert len(names) == 2 and any("45-qd-vks" in n for n in names)


def test_the_only_decision_of_a_year_downloads_without_asking(client, council, recognized):
    client.login(council["chair"])
    response = client.get(f"/council/{recognized.year}/decision.docx")
    assert "Số: 45/QĐ-VKS" in all_text(open_docx(response))
    assert "quyet-dinh-45-qd-vks" in response.headers["Content-Disposition"]


def test_a_year_without_decisions_says_so(client, council):
    client.login(council["chair"])
    response = client.get(f"/council/{portal_today().year}/decision.docx")
    assert response.status_code == 404
    assert "chưa có quyết định công nhận" in response.get_data(as_text=True)


def test_minutes_propose_only_complete_scoring_and_count_votes_of_the_assigned(client, council, submitted, appraise):
    appraise(submitted, [("m2", GOOD, "pass")])
    appraise(submitted, [("m3", GOOD, "pass"), ("m4", GOOD, "pass")], submit=False)
    client.login(council["secretary"])
    document = open_docx(client.get(f"/council/{submitted.year}/minutes.docx"))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    header = [c.text for c in table.rows[0].cells]
    row = dict(zip(header, [c.text for c in table.rows[1].cells], strict=True))
    assert row["Đề xuất"] == "Chưa đủ phiếu"          # as the queue page says
    assert row["Thành viên đề nghị đạt"] == "1/3 thành viên"
    assert row["Phiếu đã nộp"] == "1/3"
    queue = client.get(f"/council/queue?year={submitted.year}").get_data(as_text=True)
    assert "Chưa đủ phiếu" in queue


def test_minutes_table_is_landscape_with_readable_columns(documents):
    document = documents["minutes"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    body = document.element.body
    sections = document.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    # the table sits in the second section: after the first section break, before the second
    breaks = [p for p in body.iterchildren() if p.tag == qn("w:p") and p.find(qn("w:pPr") + "/" + qn("w:sectPr"))
              is not None]
    children = list(body.iterchildren())
    assert children.index(breaks[0]) < children.index(table._tbl) < children.index(breaks[1])
    landscape = sections[1]
    usable = (landscape.page_width - landscape.left_margin - landscape.right_margin) / EMU_PER_CM
    widths = grid_cm(table)
    assert len(widths) == 11 and sum(widths) <= usable + 0.05
    assert min(widths) >= 0.8 and widths[1] >= 4.5  # the title column reads as lines, not a word per line


@pytest.mark.parametrize("name", ("application", "minutes", "decision"))
def test_page_numbers_from_page_two_in_the_top_margin(documents, name):
    document = documents[name]
    first = document.sections[0]
    assert first.different_first_page_header_footer
    assert not "".join(p.text for p in first.first_page_header.paragraphs).strip()
    header = first.header._element
    assert any(" PAGE " in (t.text or "") for t in header.iter(qn("w:instrText")))
    assert first.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    for later in document.sections[1:]:
        assert later.header.is_linked_to_previous and not later.different_first_page_header_footer


@pytest.mark.parametrize("name", ("application", "sheet", "minutes", "decision", "certificate"))
def test_paragraph_spacing_at_least_6_pt(documents, name):
    document = documents[name]
    normal = document.styles["Normal"].paragraph_format
    assert normal.space_after >= Pt(6)
    assert document.styles["Normal"].font.name == "Times New Roman" and document.styles["Normal"].font.size == Pt(13)
    for paragraph in document.paragraphs:
        if paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY:  # the content
            after = paragraph.paragraph_format.space_after
            assert after is None or after >= Pt(6), paragraph.text


def test_a4_with_the_margins_of_nd_30(documents):
    for document in documents.values():
        section = document.sections[0]
        assert (round(section.page_width / EMU_PER_CM, 1), round(section.page_height / EMU_PER_CM, 1)) == (21.0, 29.7)
        assert round(section.left_margin / EMU_PER_CM, 1) >= 3.0
        assert 2.0 <= round(section.top_margin / EMU_PER_CM, 1) <= 2.5


def test_certificate_is_numbered_and_carries_no_score(client, council, submitted, appraise):
    """Recognised by overrule below the threshold: the certificate must not print the mean."""
    appraise(submitted, [("m2", WEAK, "pass"), ("m3", WEAK, "fail"), ("m4", {**WEAK, "novelty": 21}, "pass")])
    operations.decide(submitted, council["chair"], "recognized", decision_no="46/QĐ-VKS",
                      decision_date=portal_today(), reason="Hội đồng đánh giá sáng kiến có tính ứng dụng cao.")
    db.session.commit()
    client.login(council["author"])
    document = open_docx(client.get(f"/council/initiatives/{submitted.id}/certificate.docx"))
    text = all_text(document)
    assert "Số: 1/GCN-VKS" in text
    assert "Điểm" not in text and "40,33" not in text and "40.33" not in text
    assert "Lê Văn Hùng (70%)" in text and "46/QĐ-VKS" in text


def test_certificate_carries_a_verification_code_checked_on_a_public_page(client, council, recognized):
    client.login(council["author"])
    document = open_docx(client.get(f"/council/initiatives/{recognized.id}/certificate.docx"))
    text = all_text(document)
    code = next(line for line in text.split("\n") if line.startswith("Mã xác thực: ")).split(": ", 1)[1]
    assert code.startswith(f"{recognized.id}-") and len(code) > 16
    assert f"/certificates/{code}" in text
    assert len(document.inline_shapes) == 1  # the QR code of that address
    client.logout()
    page = client.get(f"/certificates/{code}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Giấy chứng nhận hợp lệ." in html and "1/GCN-VKS" in html and recognized.title in html
    assert "Lê Văn Hùng (70%)" in html and "45/QĐ-VKS" in html
    forged = code[:-1] + ("a" if code[-1] != "a" else "b")
    for wrong in (forged, f"{recognized.id + 1}-{code.split('-')[1]}", "abc", f"{recognized.id}"):
        response = client.get(f"/certificates/{wrong}")
        assert response.status_code == 404
        assert "Không có giấy chứng nhận nào mang mã này." in response.get_data(as_text=True)
        assert recognized.title not in response.get_data(as_text=True)


class TestAnotherProcuracy:
    """The organisation is configuration (instance/config.py): another procuracy's documents
    carry its name, place, number suffix and head's title without a change of code."""

    @pytest.fixture
    def app_config(self):
        return {"ORG_NAME": "Viện kiểm sát nhân dân tỉnh Quảng Nam", "ORG_HEADER": "Viện kiểm sát nhân dân\ntỉnh Quảng Nam",
                "ORG_PLACE": "Tam Kỳ", "ORG_CERTIFICATE_SUFFIX": "GCN-VKSQN",
                "ORG_PARENT": "Viện kiểm sát nhân dân tối cao"}

    def test_documents_read_the_configured_organisation(self, client, council, recognized):
        client.login(council["chair"])
        decision = open_docx(client.get(f"/council/{recognized.year}/decision.docx?decision_no=45/QĐ-VKS"))
        text = all_text(decision)
        left = decision.tables[0].rows[0].cells[0].text
        assert left.startswith("VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO\nVIỆN KIỂM SÁT NHÂN DÂN\nTỈNH QUẢNG NAM")
        assert "Tam Kỳ, ngày" in text and "Đà Nẵng" not in text
        assert "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN TỈNH QUẢNG NAM" in text
        certificate = all_text(open_docx(client.get(f"/council/initiatives/{recognized.id}/certificate.docx")))
        assert "Số: 1/GCN-VKSQN" in certificate and "Đà Nẵng" not in certificate
