"""The index is derived from the database through the outbox; the database has the last word."""
import shutil
import time

from sqlalchemy import func, select, text, update

from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Level
from portal.publishing.models import Publication
from portal.search import service
from portal.search.engine import IndexCorrupt
from portal.search.models import SearchOutbox


def _titles(q, **filters):
    found = service.search_public(q, filters or None)
    return [i.title for _hit, i in found.items], found


def _outbox_count():
    return db.session.execute(select(func.count(SearchOutbox.id))).scalar_one()


def test_outbox_row_commits_with_the_change_or_not_at_all(published, make_recognized, editor, app):
    from portal.publishing import operations

    initiative = make_recognized("Sáng kiến bị hủy giữa chừng")
    before = _outbox_count()
    with app.test_request_context("/"):
        operations.publish(initiative, editor)
        db.session.flush()
        assert _outbox_count() > before  # written in the same transaction...
        db.session.rollback()
    assert _outbox_count() == before  # ...and gone with it
    assert db.session.execute(select(func.count(Publication.id))).scalar_one() == 0


def test_publish_then_unpublish_reaches_the_index(published, unpublish):
    initiative, _ = published("Kiểm sát hoạt động giám định tư pháp")
    assert _titles("giam dinh")[0] == ["Kiểm sát hoạt động giám định tư pháp"]
    unpublish(initiative)
    assert _titles("giam dinh")[0] == []
    assert initiative.id not in service.get_index(service.PUBLIC).all_ids()


def test_an_unpublished_initiative_never_shows_even_when_the_index_lags(published):
    initiative, publication = published("Kiểm sát việc thi hành án tử hình")
    assert _titles("thi hanh an tu hinh")[0]
    # Behind the outbox's back (as a lagging index would see it).
    db.session.execute(update(Publication).where(Publication.id == publication.id)
                       .values(is_published=False))
    db.session.commit()
    assert initiative.id in service.get_index(service.PUBLIC).all_ids()
    titles, found = _titles("thi hanh an tu hinh")
    assert titles == [] and found.result.total == 0


def test_edits_level_and_field_changes_of_a_published_initiative_are_followed(published, make_field):
    initiative, _ = published("Sổ tay kiểm sát viên", field=("criminal", "Hình sự"))
    initiative.title = "Cẩm nang kiểm sát viên trẻ"
    initiative.level = Level.sector  # as the council records a sector-level recognition
    initiative.field_id = make_field("civil", "Dân sự").id
    db.session.commit()
    titles, found = _titles("cam nang")
    assert titles == ["Cẩm nang kiểm sát viên trẻ"]
    assert found.result.facets["level"] == {"sector": 1}
    assert found.result.facets["field"] == {"civil": 1}
    assert _titles("so tay")[0] == []


def test_author_names_are_searchable(published, make_user):
    author = make_user(full_name="Huỳnh Ngọc Ánh")
    published("Sáng kiến về văn thư", author=author)
    assert _titles("huynh ngoc anh")[0] == ["Sáng kiến về văn thư"]


def test_deleted_index_directory_is_rebuilt_from_the_database(client, published, app):
    published("Kiểm sát tạm giữ tạm giam")
    published("Kiểm sát thi hành án dân sự")
    assert len(_titles("kiem sat")[0]) == 2
    shutil.rmtree(service.index_path(service.PUBLIC))
    assert len(_titles("kiem sat")[0]) == 2  # this process, its engine gone
    service.forget_indexes()
    shutil.rmtree(service.index_path(service.PUBLIC))
    published("Kiểm sát giải quyết án hành chính")
    page = client.get("/search?q=kiem+sat").get_data(as_text=True)
    assert "Tìm thấy 3 sáng kiến" in page


def test_unreadable_index_degrades_to_a_message_never_a_500(client, published, app, monkeypatch):
    published("Kiểm sát điều tra")

    def broken(*args, **kwargs):
        raise IndexCorrupt("disk gone")

    monkeypatch.setattr(service, "catch_up", broken)
    response = client.get("/search?q=kiem+sat")
    assert response.status_code == 200
    assert "tạm thời chưa sẵn sàng" in response.get_data(as_text=True)
    assert client.get("/api/v1/public/initiatives?q=kiem").status_code == 503


def test_a_reader_does_not_wait_for_a_writer(published, unpublish):
    initiative, _ = published("Kiểm sát hoạt động tư pháp")
    assert _titles("tu phap")[0]
    unpublish(initiative)
    with service.index_lock(service.PUBLIC, 1) as locked:
        assert locked
        started = time.perf_counter()
        titles, found = _titles("tu phap")
        waited = time.perf_counter() - started
    assert waited < 1.0
    assert found.stale
    assert titles == []  # the database check hides it all the same
    _titles("tu phap")
    assert initiative.id not in service.get_index(service.PUBLIC).all_ids()


def test_outbox_gaps_are_looked_for_again(published, app):
    """A lower outbox id committed after a higher one (PostgreSQL) is still applied."""
    first, _ = published("Sáng kiến thứ nhất")
    _titles("thu nhat")
    state = service.read_state(service.PUBLIC)
    # Pretend id position+1 was taken by a transaction that has not committed yet.
    db.session.add(SearchOutbox(id=state["position"] + 2, initiative_id=first.id, op="upsert"))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('search_outbox', 'id'), "
                                "(SELECT max(id) FROM search_outbox))"))
        db.session.commit()
    service.catch_up(service.PUBLIC)
    state = service.read_state(service.PUBLIC)
    assert (state["position"] - 1) in state["gaps"]
    late, pub = published("Sáng kiến đến muộn")
    row = db.session.execute(select(SearchOutbox).where(SearchOutbox.initiative_id == late.id)
                             .order_by(SearchOutbox.id.desc())).scalars().first()
    row_id, gap = row.id, state["position"] - 1
    db.session.execute(update(SearchOutbox).where(SearchOutbox.id == row_id).values(id=gap))
    db.session.commit()
    assert _titles("den muon")[0] == ["Sáng kiến đến muộn"]
    assert gap not in service.read_state(service.PUBLIC)["gaps"]


def test_reindex_and_status_commands(runner, published, make_initiative, make_user):
    published("Kiểm sát án kinh tế")
    make_initiative([make_user()], status="submitted", title="Đang chờ sơ duyệt")
    make_initiative([make_user()], status="draft", title="Bản nháp riêng")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "public" in result.output and "internal" in result.output
    assert service.get_index(service.PUBLIC).doc_count() == 1
    assert service.get_index(service.INTERNAL).doc_count() == 2
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0 and "0 pending" in result.output


def test_internal_index_holds_every_initiative_past_draft(make_initiative, make_user):
    author = make_user()
    draft = make_initiative([author], status="draft", title="Bản nháp về giám định")
    submitted = make_initiative([author], status="submitted", title="Đơn đã nộp về giám định")
    draft.status = "submitted"  # submitting a draft puts it in the internal index
    db.session.commit()
    service.catch_up(service.INTERNAL)
    ids = service.get_index(service.INTERNAL).all_ids()
    assert {draft.id, submitted.id} <= ids
    submitted.status = "withdrawn"
    db.session.commit()
    service.catch_up(service.INTERNAL)
    assert submitted.id in service.get_index(service.INTERNAL).all_ids()
    db.session.delete(db.session.get(Initiative, submitted.id))
    db.session.commit()
    service.catch_up(service.INTERNAL)
    assert submitted.id not in service.get_index(service.INTERNAL).all_ids()
