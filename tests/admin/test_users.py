"""Admin user pages: list, create, edit, deactivate, reset password, revoke tokens."""
import pytest
from sqlalchemy import func, select

from portal.auth.models import ApiToken, Role, User, user_by_username
from portal.extensions import db
from tests.conftest import PASSWORD


def user_count():
    return db.session.execute(select(func.count(User.id))).scalar_one()


def new_user_form(unit_row, **overrides):
    return {"username": "ksv.moi", "full_name": "Nguyễn Văn Mới", "unit": str(unit_row.id),
            "position": "Kiểm sát viên sơ cấp", "email": "ksv.moi@vks.danang.local",
            "password": "mat-khau-du-dai", **overrides}


def test_create_user_with_roles_and_leadership(admin_client, admin, make_unit, audit_events):
    unit = make_unit("VKSND quận Sơn Trà")
    response = admin_client.post("/admin/users/new", data={
        **new_user_form(unit), "is_leader": "y", "roles": ["editor", "emulation_officer"]})
    assert response.status_code == 302
    user = user_by_username("ksv.moi")
    assert user.full_name == "Nguyễn Văn Mới" and user.unit_id == unit.id and user.is_leader
    assert user.roles == {Role.editor, Role.emulation_officer}
    assert user.check_password("mat-khau-du-dai")
    [event] = audit_events("admin.user_created")[-1:]
    assert event.actor_id == admin.id and event.object_id == str(user.id)


def test_create_without_password_shows_a_generated_one_once(admin_client, make_unit):
    unit = make_unit()
    response = admin_client.post("/admin/users/new", data=new_user_form(unit, password=""))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    marker = 'data-testid="shown-password">'
    password = page[page.index(marker) + len(marker):].split("<", 1)[0]
    assert len(password) >= 12
    assert user_by_username("ksv.moi").check_password(password)


def test_duplicate_username_is_refused_and_nothing_created(admin_client, make_user, make_unit,
                                                          audit_count):
    make_user("ksv.moi")
    before, events = user_count(), audit_count()
    response = admin_client.post("/admin/users/new", data=new_user_form(make_unit(), username="KSV.Moi"))
    assert response.status_code == 422
    assert "Tên đăng nhập “ksv.moi” đã tồn tại" in response.get_data(as_text=True)
    assert user_count() == before and audit_count() == events


@pytest.mark.parametrize("field,value,message", [
    ("username", "", "Vui lòng nhập tên đăng nhập."),
    ("username", "nguyễn văn", "Chỉ gồm chữ không dấu, số và . _ -"),
    ("full_name", "", "Vui lòng nhập họ và tên."),
    ("unit", "", "Vui lòng chọn một đơn vị có trong danh sách."),
    ("unit", "999999", "Vui lòng chọn một đơn vị có trong danh sách."),
    ("unit", "abc", "Vui lòng chọn một đơn vị có trong danh sách."),
    ("email", "khong-phai-thu", "Thư điện tử không hợp lệ."),
    ("password", "ngan", "Mật khẩu phải có ít nhất 10 ký tự."),
    ("roles", "superuser", "Vai trò không hợp lệ."),
])
def test_bad_input_is_refused_with_a_message(admin_client, make_unit, audit_count, field, value, message):
    before, events = user_count(), audit_count()
    response = admin_client.post("/admin/users/new", data=new_user_form(make_unit(), **{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == before and audit_count() == events


def test_inactive_unit_is_refused(admin_client, make_unit):
    unit = make_unit()
    unit.active = False
    db.session.commit()
    response = admin_client.post("/admin/users/new", data=new_user_form(unit))
    assert response.status_code == 422
    assert "Đơn vị này đã ngừng hoạt động." in response.get_data(as_text=True)
    assert user_by_username("ksv.moi") is None


def test_edit_user_records_what_changed(admin_client, admin, make_user, make_unit, audit_events):
    user = make_user("ksv.sua", email="cu@vks.danang.local")
    other = make_unit("Phòng 7")
    response = admin_client.post(f"/admin/users/{user.id}", data={
        "full_name": "Tên Mới", "unit": str(other.id), "position": "Phó Trưởng phòng",
        "is_leader": "y", "email": "moi@vks.danang.local", "roles": ["admin"]})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.full_name, user.unit_id, user.position, user.is_leader, user.email) == (
        "Tên Mới", other.id, "Phó Trưởng phòng", True, "moi@vks.danang.local")
    assert user.roles == {Role.admin}
    event = audit_events("admin.user_updated")[-1]
    assert event.actor_id == admin.id
    assert event.data["changes"]["email"] == ["cu@vks.danang.local", "moi@vks.danang.local"]
    assert event.data["changes"]["roles"] == [[], ["admin"]]


def test_edit_with_empty_name_changes_nothing(admin_client, make_user, audit_count):
    user = make_user("ksv.sua", full_name="Tên Cũ")
    events = audit_count()
    response = admin_client.post(f"/admin/users/{user.id}", data={"full_name": "", "unit": str(user.unit_id)})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.full_name == "Tên Cũ" and audit_count() == events


def test_admin_cannot_remove_own_admin_role(admin_client, admin):
    response = admin_client.post(f"/admin/users/{admin.id}", data={
        "full_name": admin.full_name, "unit": str(admin.unit_id), "roles": []})
    assert response.status_code == 422
    assert "không thể tự bỏ quyền quản trị" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_admin


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/424242").status_code == 404


def test_deactivate_ends_sessions_and_sign_in_then_reactivate(app, admin_client, admin, make_user,
                                                              audit_events):
    user = make_user("ksv.khoa")
    own = app.test_client().login(user)
    assert own.get("/account").status_code == 200
    assert admin_client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    db.session.refresh(user)
    assert not user.active
    assert own.get("/account").status_code == 302  # the open session ended
    assert audit_events("admin.user_deactivated")[-1].object_id == str(user.id)
    assert admin_client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    db.session.refresh(user)
    assert user.active
    assert audit_events("admin.user_reactivated")[-1].actor_id == admin.id


def test_admin_cannot_deactivate_self(admin_client, admin):
    response = admin_client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "Bạn không thể tự khóa tài khoản của chính mình." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_reset_password_generated(admin_client, admin, make_user, audit_events):
    user = make_user("ksv.quen")
    response = admin_client.post(f"/admin/users/{user.id}/reset-password", data={"reset-password": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    marker = 'data-testid="shown-password">'
    password = page[page.index(marker) + len(marker):].split("<", 1)[0]
    db.session.refresh(user)
    assert user.check_password(password) and not user.check_password(PASSWORD)
    assert audit_events("admin.password_reset")[-1].actor_id == admin.id


def test_reset_password_chosen_and_too_short(admin_client, make_user, audit_count):
    user = make_user("ksv.quen")
    events = audit_count()
    response = admin_client.post(f"/admin/users/{user.id}/reset-password", data={"reset-password": "ngan"})
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 10 ký tự." in response.get_data(as_text=True)
    assert audit_count() == events
    response = admin_client.post(f"/admin/users/{user.id}/reset-password",
                                 data={"reset-password": "mat-khau-moi-123"})
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.check_password("mat-khau-moi-123")


def test_revoke_tokens(admin_client, admin, make_user, api_headers, client, audit_events):
    user = make_user("ksv.api")
    headers = api_headers(user)
    api_headers(user)
    response = admin_client.post(f"/admin/users/{user.id}/revoke-tokens", follow_redirects=True)
    assert "Đã thu hồi 2 khóa API" in response.get_data(as_text=True)
    tokens = db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id)).scalars().all()
    db.session.expire_all()
    assert all(t.revoked_at is not None for t in tokens)
    assert audit_events("admin.tokens_revoked")[-1].data["token_ids"] == sorted(t.id for t in tokens)
    # The revoked token no longer opens the API.
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_list_search_filter_and_pagination(admin_client, make_user, make_unit):
    district = make_unit("VKSND quận Cẩm Lệ")
    for i in range(30):
        make_user(f"ksv.{i:02d}", full_name=f"Kiểm Sát Viên {i:02d}")
    make_user("tran.lanh", full_name="Trần Văn Lành", unit=district, leader=True, roles=("editor",))
    gone = make_user("da.nghi", full_name="Đã Nghỉ Việc")
    gone.active = False
    db.session.commit()

    page1 = admin_client.get("/admin/users").get_data(as_text=True)
    assert "32 tài khoản" in page1  # 30 + tran.lanh + the admin; not the inactive one
    assert 'rel="next"' in page1
    page2 = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    assert page2.count("/admin/users/") - page2.count("/admin/users/new") - page2.count("/admin/users/import") == 7

    found = admin_client.get("/admin/users?q=lành").get_data(as_text=True)
    assert "Trần Văn Lành" in found and "Kiểm Sát Viên 01" not in found
    assert "1 tài khoản" in admin_client.get(f"/admin/users?unit={district.id}").get_data(as_text=True)
    assert "tran.lanh" in admin_client.get("/admin/users?role=editor").get_data(as_text=True)
    assert "1 tài khoản" in admin_client.get("/admin/users?role=leader").get_data(as_text=True)
    inactive = admin_client.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Đã Nghỉ Việc" in inactive and "1 tài khoản" in inactive


def test_list_issues_a_fixed_number_of_queries(admin_client, make_user, count_queries):
    for i in range(5):
        make_user(f"it.{i}", roles=("editor",))
    with count_queries() as few:
        assert admin_client.get("/admin/users").status_code == 200
    for i in range(20):
        make_user(f"nhieu.{i}", roles=("editor",), council="member", year=2025 + i % 2)
    with count_queries() as many:
        assert admin_client.get("/admin/users").status_code == 200
    assert many.count == few.count


@pytest.mark.parametrize("url,tab", [
    ("/admin/", "Tổng quan"), ("/admin/users", "Tài khoản"), ("/admin/users/new", "Tài khoản"),
    ("/admin/users/import", "Nhập tài khoản"), ("/admin/units/new", "Đơn vị"),
    ("/admin/years", "Năm và thời hạn"), ("/admin/councils", "Hội đồng"), ("/admin/audit", "Nhật ký kiểm tra"),
])
def test_one_admin_tab_is_marked_current(admin_client, url, tab):
    page = admin_client.get(url).get_data(as_text=True)
    tabs = page[page.index('class="admin-tabs"'):page.index("</nav>", page.index('class="admin-tabs"'))]
    assert tabs.count('aria-current="page"') == 1
    assert f'aria-current="page">{tab}</a>' in tabs
