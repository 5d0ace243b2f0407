"""Fixtures of the public website: an editor and published articles."""
from datetime import date

import pytest

from portal.extensions import db
from portal.initiatives.workflow import Level


@pytest.fixture
def editor(make_user):
    return make_user("bientap", roles=("editor",), full_name="Trương Đức Anh")


@pytest.fixture
def make_recognized(make_initiative, make_user, make_field):
    """make_recognized(title=..., field=('it', 'Công nghệ thông tin'), **fields) -> Initiative."""
    counter = iter(range(1, 100_000))

    def make(title="Sáng kiến nâng cao chất lượng kiểm sát điều tra", *, author=None,
             field=None, level=Level.grassroots, **fields):
        n = next(counter)
        author = author or make_user(f"tacgia{n}", full_name=f"Nguyễn Văn Tác Giả {n}")
        if field:
            fields["field_id"] = make_field(*field).id
        fields.setdefault("summary", "Tóm tắt nội dung.")
        return make_initiative(
            [author], status="recognized", title=title, level=level,
            decision_no=f"{n}/QĐ-VKS", decision_date=date(2025, 12, 1), **fields)
    return make


@pytest.fixture
def publish(editor):
    """publish(initiative, **options) through the editor's operation, committed."""
    from portal.publishing import operations

    def run(initiative, **options):
        with _request_context():
            publication = operations.publish(initiative, editor, **options)
            db.session.commit()
        return publication
    return run


@pytest.fixture
def unpublish(editor):
    from portal.publishing import operations

    def run(initiative, reason="Nội dung cần biên tập lại."):
        with _request_context():
            operations.unpublish(initiative, editor, reason)
            db.session.commit()
    return run


def _request_context():
    from flask import current_app

    return current_app.test_request_context("/")


@pytest.fixture
def published(make_recognized, publish):
    """published(title, **fields) -> (initiative, publication)."""
    def make(title="Sáng kiến nâng cao chất lượng kiểm sát điều tra", **fields):
        initiative = make_recognized(title, **fields)
        return initiative, publish(initiative)
    return make
