"""The editor's work: queue, publish (summary, public files), unpublish with a reason."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.notifications import Notification
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives.models import Attachment
from portal.publishing.models import Publication
from portal.search.models import SearchOutbox


def _attach(initiative, name, public=False):
    attachment = Attachment(initiative_id=initiative.id, original_name=name,
                            stored_name=f"{initiative.id}-{name}", content_type="application/pdf",
                            size=2048, is_public=public)
    db.session.add(attachment)
    db.session.commit()
    return attachment


def _events(action):
    return db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


def test_editor_publishes_with_summary_and_chosen_files(client, editor, make_recognized):
    initiative = make_recognized("Sổ tay kiểm sát điều tra điện tử")
    author = initiative.authors[0].user
    keep = _attach(initiative, "so-tay.pdf")
    secret = _attach(initiative, "ho-so-noi-bo.pdf", public=True)
    client.login(editor)
    response = client.post(f"/editor/{initiative.id}/publish", data={
        "public_summary": "Tóm tắt cho người đọc.", "attachments": [str(keep.id)]})
    assert response.status_code == 302
    publication = db.session.execute(select(Publication)).scalar_one()
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.id}-{publication.slug}")
    assert publication.is_published and publication.published_by_id == editor.id
    assert publication.public_summary == "Tóm tắt cho người đọc."
    assert publication.slug == "so-tay-kiem-sat-dieu-tra-dien-tu"
    db.session.expire_all()
    assert db.session.get(Attachment, keep.id).is_public
    assert not db.session.get(Attachment, secret.id).is_public
    [event] = _events("initiative.publish")
    assert event.actor_id == editor.id and event.initiative_id == initiative.id
    notes = db.session.execute(select(Notification).where(Notification.user_id == author.id)).scalars().all()
    assert any("đã được công bố" in n.subject for n in notes)
    ops = db.session.execute(select(SearchOutbox.op).where(
        SearchOutbox.initiative_id == initiative.id)).scalars().all()
    assert "upsert" in ops


@pytest.mark.parametrize("status", ["submitted", "in_review", "rejected", "returned", "withdrawn"])
def test_only_a_recognized_initiative_can_be_published(client, editor, make_initiative, make_user, status):
    initiative = make_initiative([make_user()], status=status)
    client.login(editor)
    response = client.post(f"/editor/{initiative.id}/publish", data={})
    assert response.status_code == 404  # an editor reads recognised initiatives only
    assert db.session.execute(select(func.count(Publication.id))).scalar_one() == 0
    assert not _events("initiative.publish")


def test_publishing_twice_is_refused(client, editor, published):
    initiative, _ = published()
    client.login(editor)
    assert client.post(f"/editor/{initiative.id}/publish", data={}).status_code == 409
    assert client.get(f"/editor/{initiative.id}/publish").status_code == 409
    assert len(_events("initiative.publish")) == 1


@pytest.mark.parametrize("roles,council", [((), None), (("admin",), None), ((), "chair")])
def test_only_an_editor_publishes(client, make_user, make_recognized, roles, council):
    initiative = make_recognized()
    client.login(make_user("someone", roles=roles, council=council, year=initiative.year))
    assert client.post(f"/editor/{initiative.id}/publish", data={}).status_code == 403
    assert client.get("/editor").status_code == 403
    assert db.session.execute(select(func.count(Publication.id))).scalar_one() == 0


def test_publish_form_refuses_without_csrf(client, editor, make_recognized):
    initiative = make_recognized()
    client.login(editor)
    response = client.post(f"/editor/{initiative.id}/publish", data={}, csrf=False)
    assert response.status_code in (400, 422)
    assert db.session.execute(select(func.count(Publication.id))).scalar_one() == 0


def test_unpublish_needs_a_reason_and_changes_nothing_without(client, editor, published):
    initiative, publication = published()
    client.login(editor)
    response = client.post(f"/editor/{initiative.id}/unpublish", data={"reason": "  "})
    assert response.status_code == 422
    assert "lý do" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Publication, publication.id).is_published


def test_unpublish_with_reason_takes_the_article_offline(client, editor, published):
    initiative, publication = published()
    author = initiative.authors[0].user
    url = f"/initiatives/{initiative.id}-{publication.slug}"
    assert client.get(url).status_code == 200
    client.login(editor)
    response = client.post(f"/editor/{initiative.id}/unpublish",
                           data={"reason": "Trùng nội dung với sáng kiến đã công bố."})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Publication, publication.id)
    assert not row.is_published and row.unpublished_by_id == editor.id
    assert row.unpublish_reason == "Trùng nội dung với sáng kiến đã công bố."
    [event] = _events("initiative.unpublish")
    assert event.data["reason"] == row.unpublish_reason
    assert db.session.execute(select(func.count(Notification.id)).where(
        Notification.user_id == author.id, Notification.subject.contains("gỡ"))).scalar_one() == 1
    assert client.get(url).status_code == 404
    # Unpublishing again: nothing to take down.
    assert client.post(f"/editor/{initiative.id}/unpublish", data={"reason": "lần hai"}).status_code == 409


def test_queue_lists_recognized_unpublished_with_days_waited(client, editor, make_recognized, published):
    old = make_recognized("Sáng kiến chờ lâu")
    old.decided_at = utcnow() - timedelta(days=30)
    fresh = make_recognized("Sáng kiến mới công nhận")
    fresh.decided_at = utcnow() - timedelta(days=2)
    db.session.commit()
    published("Sáng kiến đã lên trang")
    client.login(editor)
    page = client.get("/editor").get_data(as_text=True)
    assert "Sáng kiến chờ lâu" in page and "Sáng kiến mới công nhận" in page
    assert page.index("Sáng kiến chờ lâu") < page.index("Sáng kiến mới công nhận")
    assert "30 ngày" in page and "2 ngày" in page
    assert 'data-testid="waiting-count">2<' in page
    assert 'data-testid="overdue-count">1<' in page
    queue_part = page.split("Mới công bố")[0]
    assert "Sáng kiến đã lên trang" not in queue_part


def test_republishing_after_unpublish_is_allowed(client, editor, published, unpublish, publish):
    initiative, publication = published()
    unpublish(initiative)
    db.session.refresh(initiative)
    publish(initiative)
    db.session.expire_all()
    assert db.session.get(Publication, publication.id).is_published
    assert client.get(f"/initiatives/{initiative.id}-{publication.slug}").status_code == 200


def test_api_publish_and_unpublish(client, editor, make_user, make_recognized, api_headers):
    initiative = make_recognized()
    staff = make_user("staff")
    url = f"/api/v1/initiatives/{initiative.id}"
    assert client.post(url + "/publish", json={}, headers=api_headers(staff)).status_code == 403
    assert client.post(url + "/publish", json={}).status_code == 401
    response = client.post(url + "/publish", json={"public_summary": "Tóm tắt."},
                           headers=api_headers(editor))
    assert response.status_code == 200 and response.json["published"] is True
    assert client.post(url + "/publish", json={}, headers=api_headers(editor)).status_code == 409
    response = client.post(url + "/unpublish", json={}, headers=api_headers(editor))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid" and "reason" in response.json["error"]["fields"]
    response = client.post(url + "/unpublish", json={"reason": "Sai sót cần sửa."},
                           headers=api_headers(editor))
    assert response.status_code == 200 and response.json["published"] is False
    assert client.post(url + "/unpublish", json={"reason": "x"},
                       headers=api_headers(editor)).status_code == 409
