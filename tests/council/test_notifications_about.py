"""Notifications about an initiative carry it, so that each person's notifications page groups them."""
from sqlalchemy import select

from portal.core.notifications import Notification
from portal.council import operations
from portal.extensions import db


def test_a_return_and_an_assignment_notify_about_their_initiative(app, council, submitted, make_initiative):
    operations.return_to_authors(submitted, council["secretary"], "Bổ sung phụ lục.")
    other = make_initiative([council["author"]], status="submitted", title="Một sáng kiến khác")
    operations.accept(other, council["secretary"])
    operations.assign(other, council["secretary"], council["m1"])
    db.session.commit()
    rows = db.session.execute(select(Notification.user_id, Notification.initiative_id)).all()
    assert (council["author"].id, submitted.id) in rows and (council["coauthor"].id, submitted.id) in rows
    assert (council["m1"].id, other.id) in rows
    assert all(initiative_id is not None for _, initiative_id in rows)
