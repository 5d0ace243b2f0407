"""DOCX documents open with python-docx and hold the initiative, the names and the scores;
the XLSX export opens with openpyxl; `flask remind` mails the reviewers due soon or late."""
import io
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from portal.core.timeutil import today as portal_today
from portal.council import operations, services
from portal.council.documents.text import vietnamese_date
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, WEAK


def docx_text(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    assert document.styles["Normal"].font.name == "Times New Roman"
    return "\n".join(parts)


@pytest.fixture
def recognized(council, submitted, appraise):
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])
    operations.decide(submitted, council["chair"], "recognized", decision_no="45/QĐ-VKS",
                      decision_date=portal_today())
    db.session.commit()
    return submitted


def test_application_form(client, council, recognized):
    client.login(council["author"])
    page = client.get(f"/my/initiatives/{recognized.id}").get_data(as_text=True)
    assert f"/council/initiatives/{recognized.id}/application.docx" in page  # authors download their own
    text = docx_text(client.get(f"/council/initiatives/{recognized.id}/application.docx"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN" in text
    assert recognized.title in text and "Lê Văn Hùng" in text and "Nguyễn Thị Mai" in text and "70%" in text
    assert "Mô tả bản chất của sáng kiến" in text and "Những thông tin cần được bảo mật" in text
    assert "Danh sách những người đã tham gia áp dụng thử" in text and "Ngày tháng năm sinh" in text


def test_scoring_sheet(client, council, recognized):
    review = services.active_assignment(recognized, council["m3"]).review
    client.login(council["m3"])
    text = docx_text(client.get(f"/council/reviews/{review.id}/sheet.docx"))
    assert "PHIẾU CHẤM ĐIỂM SÁNG KIẾN" in text and recognized.title in text
    assert "Đặng Công Lý" in text and "Lê Văn Hùng" in text
    assert "\n18\n" in f"\n{text}\n" and "\n60\n" in f"\n{text}\n"  # novelty score and total
    assert "☒ Đạt" in text
    client.login(council["author"])
    assert client.get(f"/council/reviews/{review.id}/sheet.docx").status_code == 403
    client.login(council["m2"])  # another reviewer who submitted may see it; an author never
    assert client.get(f"/council/reviews/{review.id}/sheet.docx").status_code == 200


def test_meeting_minutes(client, council, recognized):
    client.login(council["secretary"])
    text = docx_text(client.get(f"/council/{recognized.year}/minutes.docx"))
    assert "BIÊN BẢN\nHọp Hội đồng Sáng kiến" in text and recognized.title in text
    assert "Nguyễn Văn Thành" in text and "Trần Minh Khoa" in text  # chair and secretary sign
    assert "74,67" in text  # mean of 82, 60, 82
    assert "3/3 thành viên" in text and "Công nhận" in text
    client.login(council["m2"])
    assert client.get(f"/council/{recognized.year}/minutes.docx").status_code == 403


def test_recognition_decision_and_certificate(client, council, recognized):
    client.login(council["chair"])
    text = docx_text(client.get(f"/council/{recognized.year}/decision.docx?decision_no=45/QĐ-VKS"))
    assert "Số: 45/QĐ-VKS" in text and f"Đà Nẵng, ngày {portal_today():%d} tháng {portal_today().month} năm {portal_today().year}" in text
    assert "Về việc công nhận sáng kiến cấp cơ sở" in text and recognized.title in text
    assert "Lê Văn Hùng (70%)" in text and "74,67" not in text  # the decision recognises; it does not score
    client.login(council["author"])
    text = docx_text(client.get(f"/council/initiatives/{recognized.id}/certificate.docx"))
    assert "GIẤY CHỨNG NHẬN" in text and recognized.title in text and "Nguyễn Thị Mai (30%)" in text
    assert "45/QĐ-VKS" in text and "Số: 1/GCN-VKS" in text
    assert "74,67" not in text and "Điểm" not in text  # a certificate carries no score
    client.login(council["staff"])
    assert client.get(f"/council/{recognized.year}/decision.docx").status_code == 403


def test_certificate_only_for_recognized(client, council, submitted):
    client.login(council["secretary"])
    assert client.get(f"/council/initiatives/{submitted.id}/certificate.docx").status_code == 409


def test_vietnamese_dates():
    assert vietnamese_date(date(2026, 1, 5), "Đà Nẵng") == "Đà Nẵng, ngày 05 tháng 01 năm 2026"
    assert vietnamese_date(date(2026, 11, 20), "Huế") == "Huế, ngày 20 tháng 11 năm 2026"


def test_xlsx_export_of_the_year(client, council, recognized, make_initiative, appraise):
    pending = appraise(make_initiative([council["staff"]], status="submitted", title="Đang chấm dở"),
                       [("m2", WEAK, "fail")])
    client.login(council["secretary"])
    response = client.get(f"/council/{recognized.year}/initiatives.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[2] == "Tên sáng kiến" and "Điểm TB" in header
    by_title = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    done = by_title[recognized.title]
    assert done["Điểm TB"] == 74.67 and done["Số phiếu"] == 3 and done["Số QĐ"] == "45/QĐ-VKS"
    mean_cell = sheet.cell(row=next(n for n, row in enumerate(rows, start=1) if row[2] == recognized.title),
                           column=header.index("Điểm TB") + 1)
    assert isinstance(mean_cell.value, float) and mean_cell.number_format == "0.00"  # not General
    assert done["Trạng thái"] == "Được công nhận" and done["Đề xuất"] == "Công nhận"
    assert "Lê Văn Hùng (70)" in done["Tác giả (tỷ lệ %)"]
    assert by_title[pending.title]["Số phiếu"] == 1
    client.login(council["m2"])
    assert client.get(f"/council/{recognized.year}/initiatives.xlsx").status_code == 403


def test_remind_mails_reviewers_due_within_three_days_or_late(app, runner, council, submitted, tmp_path):
    operations.accept(submitted, council["secretary"])
    today = portal_today()
    late = operations.assign(submitted, council["secretary"], council["m2"], due_on=today + timedelta(days=1))
    operations.assign(submitted, council["secretary"], council["m3"], due_on=today + timedelta(days=3))
    operations.assign(submitted, council["secretary"], council["m4"], due_on=today + timedelta(days=10))
    late.due_on = today - timedelta(days=2)  # already past: set directly, the form refuses past dates
    db.session.commit()
    operations.submit_review(submitted, council["m3"], scores=GOOD, recommendation="pass")
    db.session.commit()
    from portal.core.mail import deliver_due

    deliver_due()  # the mails of the assignments
    outbox = app.config["MAIL_OUTBOX_DIR"]
    before = set(os.listdir(outbox))
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert "hoidong2" in result.output and "đã quá hạn 2 ngày" in result.output
    assert "hoidong3" not in result.output  # submitted already
    assert "hoidong4" not in result.output  # not due yet
    assert "Đã gửi 1 lời nhắc." in result.output
    assert set(os.listdir(outbox)) == before  # queued in the outbox; the worker sends it
    assert deliver_due()["sent"] == 1
    mails = set(os.listdir(outbox)) - before
    assert len(mails) == 1
    body = (Path(outbox) / mails.pop()).read_text(encoding="utf-8")
    assert "hoidong2@example.vn" in body
    db.session.expire_all()
    assert db.session.get(type(late), late.id).reminded_at is not None
