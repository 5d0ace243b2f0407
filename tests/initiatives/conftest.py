"""Fixtures of the initiatives area: people around one initiative, files, a DB fingerprint."""
import pytest

from tests.initiatives.helpers import YEAR


@pytest.fixture
def people(make_user, make_unit):
    """An author, a co-author, a stranger, the year's secretary and chair, and an admin."""
    unit = make_unit("Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự")

    class People:
        author = make_user("ksv.hung", full_name="Lê Văn Hùng", unit=unit, email="hung@vks.local")
        coauthor = make_user("ksv.mai", full_name="Nguyễn Thị Mai")
        stranger = make_user("ksv.tuan", full_name="Phan Anh Tuấn")
        secretary = make_user("thuky", full_name="Trần Minh Khoa", council="secretary", year=YEAR,
                              email="thuky@vks.local")
        chair = make_user("chutich", full_name="Nguyễn Văn Thành", council="chair", year=YEAR)
        admin = make_user("admin", full_name="Quản trị", roles=("admin",))
    return People


@pytest.fixture
def complete_values(make_field, people):
    """Form data of a complete application (page form field names), from the author's unit."""
    field = make_field()
    unit_id = people.author.unit_id

    def make(**overrides):
        data = {
            "title": "Ứng dụng sơ đồ tư duy trong kiểm sát điều tra vụ án ma túy",
            "field_id": str(field.id),
            "form_kind": "solution",
            "year": str(YEAR),
            "unit_id": str(unit_id),
            "requested_level": "grassroots",
            "first_applied_on": f"{YEAR}-02-01",
            "summary": "Sơ đồ hóa chứng cứ giúp Kiểm sát viên nắm vụ án nhanh hơn.",
            "current_state": "Hồ sơ vụ án ma túy dày, **khó** theo dõi.",
            "solution": "## Các bước\n\n1. Lập sơ đồ\n2. Cập nhật theo tiến độ",
            "conditions": "Máy tính có phần mềm vẽ sơ đồ.",
            "benefits": "Rút ngắn 30% thời gian nghiên cứu hồ sơ.",
        }
        data.update(overrides)
        return data
    return make
