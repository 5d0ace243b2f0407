"""The organisation is configuration on the admin pages (issue 13): one settings row, edited at
/admin/organisation by admins (CSRF, messages beside the fields, audited), read once per request
by the page header and footer, the documents and the e-mails."""
import pytest

from portal.core import mail
from portal.core.organisation import OrganisationSettings, ensure_settings, organisation
from portal.defaults import ensure_defaults
from portal.extensions import db

URL = "/admin/organisation"
QUANG_NAM = {
    "name": "Viện kiểm sát nhân dân tỉnh Quảng Nam",
    "header": "Viện kiểm sát nhân dân\ntỉnh Quảng Nam",
    "short_name": "VKSND tỉnh Quảng Nam",
    "parent": "Viện kiểm sát nhân dân tối cao",
    "place": "Tam Kỳ",
    "decision_suffix": "QĐ-VKSQN",
    "certificate_suffix": "GCN-VKSQN",
    "minutes_suffix": "BB-HĐSKQN",
    "head_title": "Viện trưởng",
    "head_name": "Trần Văn Nam",
    "deputy_title": "Phó Viện trưởng",
    "deputy_name": "",
    "filing_code": "VT",
}


def test_init_db_stores_the_first_default_once(app):
    assert db.session.get(OrganisationSettings, 1) is None
    assert "the organisation's settings" in ensure_defaults()
    row = db.session.get(OrganisationSettings, 1)
    assert (row.name, row.place, row.decision_suffix) == ("Viện kiểm sát nhân dân thành phố Đà Nẵng", "Đà Nẵng",
                                                          "QĐ-VKS")
    row.place = "Hội An"
    db.session.commit()
    assert "the organisation's settings" not in ensure_defaults()
    assert db.session.get(OrganisationSettings, 1).place == "Hội An"


class TestConfiguredFirstDefault:
    @pytest.fixture
    def app_config(self):
        return {"ORGANISATION_NAME": "Viện kiểm sát nhân dân tỉnh Quảng Nam"}

    def test_the_configuration_is_only_the_first_default(self, app):
        assert organisation().name == "Viện kiểm sát nhân dân tỉnh Quảng Nam"
        row = ensure_settings()
        assert row.name == "Viện kiểm sát nhân dân tỉnh Quảng Nam" and row.header == row.name
        row.name = "Viện kiểm sát nhân dân tỉnh Quảng Ngãi"
        db.session.commit()
        from portal.core.organisation import forget
        forget()
        assert organisation().name == "Viện kiểm sát nhân dân tỉnh Quảng Ngãi"


def test_the_page_shows_the_stored_values(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="csrf_token"' in html and "Viện kiểm sát nhân dân thành phố Đà Nẵng" in html
    assert "QĐ-VKS" in html and "Thông tin cơ quan" in html


@pytest.mark.parametrize("who, status", [("staff", 403), ("anonymous", 302)])
def test_others_are_refused(client, make_user, who, status):
    if who == "staff":
        client.login(make_user("ksv.thuong"))
    assert client.get(URL).status_code == status
    assert client.post(URL, data=QUANG_NAM).status_code == status
    assert db.session.get(OrganisationSettings, 1) is None


def test_a_post_without_csrf_changes_nothing(admin_client):
    response = admin_client.post(URL, data=QUANG_NAM, csrf=False)
    assert response.status_code in (400, 422)
    assert organisation().place == "Đà Nẵng"


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Vui lòng nhập tên cơ quan."),
    ("place", "", "Vui lòng nhập địa danh ghi ở văn bản."),
    ("decision_suffix", "QĐ VKS", "Ký hiệu không có dấu cách và dấu /, ví dụ QĐ-VKS."),
    ("certificate_suffix", "GCN/VKS", "Ký hiệu không có dấu cách và dấu /, ví dụ QĐ-VKS."),
    ("header", "a\nb\nc\nd", "Tên ở đầu văn bản viết trên tối đa 3 dòng."),
    ("head_title", "", "Vui lòng nhập chức danh người đứng đầu."),
    ("short_name", "x" * 201, "Tối đa 200 ký tự."),
])
def test_a_wrong_value_is_refused_beside_its_field_with_the_input_kept(admin_client, field, value, message):
    response = admin_client.post(URL, data={**QUANG_NAM, field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Trần Văn Nam" in html  # the rest of the input is kept
    before_error = html[:html.index(message)]
    assert before_error.rfind(f'name="{field}"') > before_error.rfind('class="field')  # in the field's block
    assert db.session.get(OrganisationSettings, 1) is None


def test_saving_changes_every_reader_and_is_audited(admin_client, admin, audit_events):
    response = admin_client.post(URL, data=QUANG_NAM)
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    row = db.session.get(OrganisationSettings, 1)
    assert (row.place, row.header, row.head_name) == ("Tam Kỳ", "Viện kiểm sát nhân dân\ntỉnh Quảng Nam",
                                                      "Trần Văn Nam")
    (event,) = audit_events("admin.organisation_updated")
    assert event.actor_id == admin.id
    assert event.data["changes"]["place"] == ["Đà Nẵng", "Tam Kỳ"]
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "Viện kiểm sát nhân dân tỉnh Quảng Nam" in page and "VKSND tỉnh Quảng Nam</title>" in page
    assert "thành phố Đà Nẵng" not in page
    message = mail.render_now(mail.queue("a@example.vn", "Thử", "Nội dung"))  # as the worker writes it
    assert "Viện kiểm sát nhân dân tỉnh Quảng Nam" in message.body_text


def test_the_settings_are_read_once_per_request(admin_client, count_queries):
    admin_client.get(URL)
    with count_queries() as counter:
        assert admin_client.get(URL).status_code == 200
    reads = [s for s in counter.statements if "FROM organisation_settings" in s]
    assert len(reads) == 1, counter.statements
