"""Every document as LibreOffice lays it out: DOCX → PDF (soffice --headless), read back with
`pdftotext -layout`. The motto on one line, issuing body, number, place and date, the signer
consistent with the authority, "Nơi nhận:", page numbers from page 2, no column with a word
per line, page counts within bounds.

Needs LibreOffice Writer and poppler-utils (Debian: libreoffice-writer-nogui poppler-utils);
skipped without them, except in CI (PORTAL_REQUIRE_LIBREOFFICE=1), where it fails instead.
"""
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from portal.auth.models import UnitKind
from portal.core.timeutil import today as portal_today
from portal.council import meetings, operations, queries, services
from portal.extensions import db
from tests.conftest import SCREENSHOTS
from tests.council.conftest import FAIR, GOOD

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
REQUIRED = os.environ.get("PORTAL_REQUIRE_LIBREOFFICE") == "1"

pytestmark = [
    pytest.mark.skipif(
        not (SOFFICE and POPPLER) and not REQUIRED,
        reason="needs LibreOffice Writer (soffice) and poppler-utils (pdftotext, pdfinfo): "
               "apt-get install libreoffice-writer-nogui poppler-utils",
    ),
    # Rendering a document does not depend on the database: once, in the SQLite pass (CI time).
    pytest.mark.sqlite_only,
]

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TAGLINE = "Độc lập - Tự do - Hạnh phúc"
# name: (fewest pages, most pages)
BOUNDS = {"application": (1, 3), "sheet": (1, 1), "minutes": (2, 5), "decision": (2, 3), "certificate": (1, 1)}


SUBJECTS = [
    "kiểm sát việc tiếp nhận, giải quyết nguồn tin về tội phạm tại cơ quan điều tra cấp huyện",
    "thực hành quyền công tố trong giai đoạn truy tố các vụ án ma túy có nhiều bị can",
    "kiểm sát thi hành án dân sự đối với các khoản thu hồi tài sản cho Nhà nước",
    "xét xử rút kinh nghiệm các vụ án hành chính về đất đai bồi thường giải phóng mặt bằng",
    "kiểm sát tạm giữ, tạm giam bằng sổ theo dõi điện tử dùng chung giữa hai cấp",
    "hòa giải tranh chấp lao động tại Tòa án nhân dân quận qua phiên họp công khai",
    "số hóa hồ sơ kiểm sát án hình sự phục vụ tra cứu và báo cáo thống kê hằng tháng",
    "phối hợp liên ngành giải quyết án trọng điểm về tham nhũng, chức vụ ở địa phương",
    "đào tạo kỹ năng tranh tụng cho Kiểm sát viên trẻ bằng phiên tòa giả định định kỳ",
]


def pdf_pages(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def page_text(pdf, page):
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """A LibreOffice profile of its own, so that parallel runs do not share (and lock) one."""
    return tmp_path_factory.mktemp("lo-profile").as_uri()


@pytest.fixture
def rendered(client, council, submitted, appraise, make_initiative, make_unit, tmp_path, profile):
    """Every document of a realistic year converted to PDF: {name: (pdf path, pages, [page texts])}."""
    leadership = make_unit("Lãnh đạo Viện", kind=UnitKind.leadership)
    chair = council["chair"]
    chair.unit, chair.position = leadership, "Phó Viện trưởng"
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])
    operations.decide(submitted, chair, "recognized", decision_no="45/QĐ-VKS", decision_date=portal_today())
    # a year's worth of initiatives, with long titles, so that the tables run over pages
    for n, subject in enumerate(SUBJECTS):
        other = make_initiative([(council["staff"], 60), (council["coauthor"], 40)], status="submitted",
                                title=f"Giải pháp nâng cao chất lượng {subject}")
        appraise(other, [("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
        appraise(other, [("m4", GOOD, "pass")], submit=bool(n % 2))  # the even ones wait for a sheet
        if n % 2:
            operations.decide(other, chair, "recognized", decision_no="45/QĐ-VKS", decision_date=portal_today())
    # the meeting the secretary recorded, and what the TT 18 form asks of the authors and the trial
    members = queries.council_of(submitted.year, with_members=True).members
    meetings.save_meeting(None, actor=council["secretary"], year=submitted.year, members=members,
                          starts_at=datetime(submitted.year, 3, 5, 8, 30), place="Phòng họp số 2, trụ sở Viện",
                          chair_id=chair.id, secretary_id=council["secretary"].id,
                          present_ids=[m.user_id for m in members if m.user_id != council["m4"].id],
                          votes={submitted.id: (5, 0, 1)})
    council["author"].birth_date, council["author"].qualification = date(1985, 4, 12), "Thạc sĩ Luật"
    version = submitted.versions[-1]
    version.snapshot = {**version.snapshot, **TT18}  # as filed
    db.session.commit()
    year = submitted.year
    review = services.active_assignment(submitted, council["m3"]).review
    urls = {
        "application": (council["author"], f"/council/initiatives/{submitted.id}/application.docx"),
        "sheet": (council["m3"], f"/council/reviews/{review.id}/sheet.docx"),
        "minutes": (council["secretary"], f"/council/{year}/minutes.docx"),
        "decision": (chair, f"/council/{year}/decision.docx?decision_no=45/QĐ-VKS"),
        "certificate": (council["author"], f"/council/initiatives/{submitted.id}/certificate.docx"),
    }
    for name, (user, url) in urls.items():
        response = client.login(user).get(url)
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:300])
        (tmp_path / f"{name}.docx").write_bytes(response.data)
    subprocess.run([SOFFICE or "soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *[str(tmp_path / f"{n}.docx") for n in urls]],
                   check=True, capture_output=True, timeout=240)
    out = {}
    for name in urls:
        pdf = tmp_path / f"{name}.pdf"
        pages = pdf_pages(pdf)
        out[name] = (pdf, pages, [page_text(pdf, p) for p in range(1, pages + 1)])
    return out


TT18 = {"confidential_info": "Cấu trúc cơ sở dữ liệu của sổ theo dõi.",
        "trial_users": "Ngô Văn Tư; 02/09/1990; VKSND quận Hải Châu; Kiểm sát viên; Cử nhân Luật; dùng thử 3 tháng",
        "trial_assessment": "Đơn vị áp dụng thử đánh giá: giảm một nửa số vụ quá hạn."}


def lines_of(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_every_document_through_libreoffice(rendered):
    for name, (_pdf, pages, texts) in rendered.items():
        low, high = BOUNDS[name]
        assert low <= pages <= high, (name, pages)
        first = texts[0]
        # the motto and the tagline each on one line (the motto used to break before "NAM")
        assert any(MOTTO in line for line in first.splitlines()), (name, first[:600])
        assert any(TAGLINE in line for line in first.splitlines()), name
        assert not any(line.strip() == "NAM" for line in first.splitlines()), name
        # page numbers: none on page 1, "n" alone at the top of every later page
        assert lines_of(first)[0] != "1", name
        for number, text in enumerate(texts[1:], start=2):
            assert lines_of(text)[0] == str(number), (name, number, lines_of(text)[:3])
        # no column so narrow that it holds a word per line: bounded lines per page
        for text in texts:
            assert len(lines_of(text)) <= 60, (name, len(lines_of(text)))


def test_issuing_body_number_place_date_and_signer(rendered):
    day = portal_today()
    place_date = f"Đà Nẵng, ngày {day:%d} tháng {day.month:02d}" if day.month < 3 else \
        f"Đà Nẵng, ngày {day:%d} tháng {day.month}"
    decision = "\n".join(rendered["decision"][2])
    assert "VIỆN KIỂM SÁT NHÂN DÂN" in decision and "THÀNH PHỐ ĐÀ NẴNG" in decision
    assert "Số: 45/QĐ-VKS" in decision and place_date in decision
    assert "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG" in decision
    assert "KT. VIỆN TRƯỞNG" in decision and "PHÓ VIỆN TRƯỞNG" in decision and "Nguyễn Văn Thành" in decision
    assert "CHỦ TỊCH HỘI ĐỒNG" not in decision
    assert "Nơi nhận:" in decision and "- Như Điều 3;" in decision
    assert "Công nhận 5 sáng kiến" in decision
    certificate = rendered["certificate"][2][0]
    assert re.search(r"Số: \d+/GCN-VKS", certificate) and "KT. VIỆN TRƯỞNG" in certificate
    assert "Điểm" not in certificate
    minutes = "\n".join(rendered["minutes"][2])
    assert "HỘI ĐỒNG SÁNG KIẾN" in minutes and "THƯ KÝ HỘI ĐỒNG" in minutes and "CHỦ TỊCH HỘI ĐỒNG" in minutes
    assert "Nơi nhận:" in minutes and "Chưa đủ phiếu" in minutes and "2/3 thành viên" in minutes
    assert "Số: 1/BB-HĐSK" in minutes  # the meeting's number, no longer left blank
    sheet = rendered["sheet"][2][0]
    assert "PHIẾU CHẤM ĐIỂM SÁNG KIẾN" in sheet and "THÀNH VIÊN HỘI ĐỒNG" in sheet
    application = "\n".join(rendered["application"][2])
    assert "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN" in application and "NGƯỜI NỘP ĐƠN" in application


def test_minutes_table_reads_in_landscape(rendered):
    """The 11 columns on a landscape page: each initiative's title takes a few lines, not one
    word per line over five pages."""
    _pdf, pages, texts = rendered["minutes"]
    assert pages <= 4  # portrait members, two landscape pages of ten initiatives, portrait conclusion
    table_pages = [t for t in texts if "Tên sáng kiến" in t]
    assert len(table_pages) <= 2
    assert min(max(len(line) for line in t.splitlines()) for t in table_pages) > 120  # landscape lines
    table = [line for t in table_pages for line in t.splitlines()]
    assert len([line for line in table if "Giải pháp nâng cao" in line]) == 9  # each title starts on a row line
    assert sum(1 for line in table if line.strip()) <= 2 * 45  # a title takes a few lines, not one per word


def test_the_minutes_print_the_meeting_and_the_application_the_tt18_fields(rendered, tmp_path):
    minutes = "\n".join(rendered["minutes"][2])
    assert "Thời gian: 08 giờ 30 phút, ngày 05 tháng 3 năm" in minutes
    assert "Địa điểm: Phòng họp số 2, trụ sở Viện" in minutes
    assert "Chủ trì: Nguyễn Văn Thành" in minutes and "Thư ký: Trần Minh Khoa" in minutes
    assert "Thành viên có mặt: 6/7" in minutes and "Thành viên vắng mặt: 1" in minutes
    assert re.search(r"Biểu quyết", minutes) and "5/0/1" in minutes
    application = " ".join("\n".join(rendered["application"][2]).split())  # lines wrapped where they fall
    assert "12/04/1985" in application and "Thạc sĩ" in application
    assert "Cấu trúc cơ sở dữ liệu của sổ theo dõi." in application
    assert "Ngô Văn Tư" in application and "02/09/1990" in application
    assert "giảm một nửa số vụ quá hạn" in application
    # page images to look at (pdftoppm -png -r 60), in tests/screenshots/documents/
    pictures = Path(SCREENSHOTS) / "documents"
    pictures.mkdir(parents=True, exist_ok=True)
    for name in rendered:
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(rendered[name][0]), str(pictures / name)], check=True)
    assert sorted(p.name for p in pictures.glob("minutes*.png"))
