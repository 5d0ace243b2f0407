"""/notifications: grouped by initiative (newest group first, with counts), filtered (unread
only, one initiative), marked read per group or all at once, paginated, in a fixed number of queries."""
import re

import pytest
from sqlalchemy import func, select

from portal.auth import routes
from portal.core.notifications import Notification, notify
from portal.core.timeutil import utcnow
from portal.extensions import db


@pytest.fixture
def reader(make_user):
    return make_user("nguoidoc", full_name="Người Đọc")


@pytest.fixture
def two_initiatives(make_initiative, make_user, reader):
    author = make_user("tacgia")
    first = make_initiative([author], title="Sáng kiến thứ nhất về kiểm sát")
    second = make_initiative([author], title="Sáng kiến thứ hai về thi hành án")
    for n in range(3):
        notify([reader], f"Về sáng kiến một, lần {n}", "", first.path, initiative=first)
    notify([reader], "Thông báo chung của Hội đồng", "", "/council/")
    notify([reader], "Về sáng kiến hai", "", second.path, initiative=second)
    db.session.commit()
    return first, second


def groups(page):
    return re.findall(r'data-group="([^"]+)"', page)


def unread_of(reader):
    db.session.expire_all()
    return db.session.execute(select(func.count(Notification.id)).where(
        Notification.user_id == reader.id, Notification.read_at.is_(None))).scalar_one()


def test_notifications_are_grouped_by_initiative_newest_group_first(client, reader, two_initiatives):
    first, second = two_initiatives
    page = client.login(reader).get("/notifications").get_data(as_text=True)
    assert groups(page) == [str(second.id), "none", str(first.id)]
    assert "Sáng kiến thứ nhất về kiểm sát" in page and "Thông báo chung" in page
    assert "3 thông báo" in page and "3 chưa đọc" in page and "3 nhóm thông báo" in page


def test_the_unread_filter_and_the_initiative_filter(client, reader, two_initiatives):
    first, second = two_initiatives
    client.login(reader)
    only_first = client.get(f"/notifications?initiative={first.id}").get_data(as_text=True)
    assert groups(only_first) == [str(first.id)] and only_first.count("Về sáng kiến một") == 3
    general = client.get("/notifications?initiative=none").get_data(as_text=True)
    assert groups(general) == ["none"]
    db.session.execute(Notification.__table__.update().where(Notification.initiative_id == second.id)
                       .values(read_at=utcnow()))
    db.session.commit()
    unread = client.get("/notifications?show=unread").get_data(as_text=True)
    assert groups(unread) == ["none", str(first.id)]
    assert groups(client.get(f"/notifications?show=unread&initiative={second.id}").get_data(as_text=True)) == []


def test_an_initiative_the_reader_was_never_told_about_is_no_filter(client, reader, two_initiatives, make_user,
                                                                    make_initiative):
    other = make_initiative([make_user("khac")], title="Sáng kiến của người khác")
    page = client.login(reader).get(f"/notifications?initiative={other.id}").get_data(as_text=True)
    assert len(groups(page)) == 3 and "Sáng kiến của người khác" not in page


def test_mark_one_group_read_then_all(client, reader, two_initiatives):
    first, _ = two_initiatives
    client.login(reader)
    response = client.post("/notifications/read", data={"initiative": str(first.id), "next": "/notifications?show=unread"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications?show=unread")
    assert unread_of(reader) == 2
    client.post("/notifications/read", data={"initiative": "none"})
    assert unread_of(reader) == 1
    client.post("/notifications/read")
    assert unread_of(reader) == 0


def test_marking_read_needs_the_csrf_token_and_touches_only_ones_own(client, reader, two_initiatives, make_user):
    other = make_user("khac")
    notify([other], "Của người khác")
    db.session.commit()
    client.login(reader)
    assert client.post("/notifications/read", csrf=False).status_code == 400
    assert unread_of(reader) == 5
    client.post("/notifications/read")
    assert unread_of(other) == 1


def test_a_next_elsewhere_is_not_followed(client, reader, two_initiatives):
    response = client.login(reader).post("/notifications/read", data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/notifications")


def test_signed_out_the_page_asks_to_sign_in(client):
    assert client.get("/notifications").status_code == 302
    assert client.post("/notifications/read", csrf=False).status_code in (302, 400)


def test_groups_are_paginated_in_a_fixed_number_of_queries(client, reader, make_user, make_initiative,
                                                          count_queries, monkeypatch):
    monkeypatch.setattr(routes, "GROUPS_PER_PAGE", 4)
    author = make_user("tacgia")
    made = []
    for n in range(6):
        initiative = make_initiative([author], title=f"Sáng kiến số {n}")
        for k in range(n + 1):
            notify([reader], f"Tin {k} về số {n}", initiative=initiative)
        made.append(initiative)
    db.session.commit()
    client.login(reader)
    client.get("/notifications")  # warm the caches of the layout
    with count_queries() as counter:
        page_one = client.get("/notifications").get_data(as_text=True)
    few = counter.count
    assert groups(page_one) == [str(i.id) for i in reversed(made[2:])]
    assert "Xem cả 6 thông báo của nhóm này" in page_one  # 5 shown of the group's 6
    page_two = client.get("/notifications?page=2").get_data(as_text=True)
    assert groups(page_two) == [str(made[1].id), str(made[0].id)]
    for n in range(6, 12):
        initiative = make_initiative([author], title=f"Sáng kiến thêm {n}")
        notify([reader], "Thêm", initiative=initiative)
    db.session.commit()
    with count_queries() as counter:
        client.get("/notifications")
    assert counter.count == few


def test_the_page_is_in_english_too(client, reader, two_initiatives):
    page = client.login(reader).get("/notifications?lang=en").get_data(as_text=True)
    assert "Mark all as read" in page or "Mark all read" in page
    assert "Unread only" in page


def test_a_deleted_drafts_notifications_stay_in_the_general_group(client, reader, make_user, make_initiative):
    draft = make_initiative([make_user("tacgia")], title="Bản nháp sẽ bị xóa")
    notify([reader], "Lời mời làm đồng tác giả", "", draft.path, initiative=draft)
    db.session.commit()
    db.session.delete(draft)
    db.session.commit()
    db.session.expire_all()
    assert db.session.execute(select(Notification.initiative_id)).scalar_one() is None
    assert groups(client.login(reader).get("/notifications").get_data(as_text=True)) == ["none"]
