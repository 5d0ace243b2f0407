import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.extensions import db


@pytest.fixture
def admin(make_user):
    return make_user("quantri", roles=("admin",), full_name="Quản Trị Viên")


@pytest.fixture
def admin_client(client, admin):
    return client.login(admin)


@pytest.fixture
def audit_events():
    """audit_events(action) -> the events of that action, oldest first."""
    def events(action):
        db.session.expire_all()
        return db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        ).scalars().all()
    return events


@pytest.fixture
def audit_count():
    def count():
        return db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    return count
